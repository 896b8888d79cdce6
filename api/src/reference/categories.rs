//! The KIP 2024–27 taxonomy: three pillars and their programme areas, labelled in de, fr, it
//! and en. Missing categories and labels are inserted; existing ones are left as they are.

use std::collections::{HashMap, HashSet};

use entity::types::CategoryKind;
use entity::{category, category_label};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, TransactionTrait};

use crate::error::{ApiError, ApiResult};
use crate::ids::new_id;

const TAXONOMY: &str = include_str!("../../reference/categories.csv");
const LOCALES: [&str; 4] = ["de", "fr", "it", "en"];

#[derive(serde::Deserialize)]
struct Row {
    code: String,
    kind: String,
    parent: String,
    position: i32,
    de: String,
    fr: String,
    it: String,
    en: String,
}

fn rows() -> ApiResult<Vec<Row>> {
    csv::Reader::from_reader(TAXONOMY.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .map_err(|err| {
            tracing::error!(error = %err, "shipped category data is unreadable");
            ApiError::Internal
        })
}

/// Inserts missing categories and labels in one transaction.
pub async fn load(db: &DatabaseConnection) -> ApiResult<()> {
    let txn = db.begin().await?;
    let existing = category::Entity::find().all(&txn).await?;
    let mut ids: HashMap<String, uuid::Uuid> =
        existing.iter().map(|c| (c.code.clone(), c.id)).collect();
    let labelled: HashSet<(uuid::Uuid, String)> = category_label::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|l| (l.category_id, l.locale))
        .collect();

    // Pillars come before their areas in the file, so a parent's id is known in time.
    for row in rows()? {
        let id = match ids.get(&row.code) {
            Some(id) => *id,
            None => {
                let kind = if row.kind == "PILLAR" {
                    CategoryKind::Pillar
                } else {
                    CategoryKind::Area
                };
                let parent_id = ids.get(&row.parent).copied();
                let id = new_id();
                category::Entity::insert(category::ActiveModel {
                    id: Set(id),
                    code: Set(row.code.clone()),
                    kind: Set(kind),
                    parent_id: Set(parent_id),
                    position: Set(row.position),
                })
                .exec(&txn)
                .await?;
                ids.insert(row.code.clone(), id);
                id
            }
        };
        for (locale, label) in LOCALES.iter().zip([&row.de, &row.fr, &row.it, &row.en]) {
            if !labelled.contains(&(id, (*locale).to_owned())) {
                category_label::Entity::insert(category_label::ActiveModel {
                    category_id: Set(id),
                    locale: Set((*locale).to_owned()),
                    label: Set(label.clone()),
                })
                .exec(&txn)
                .await?;
            }
        }
    }
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taxonomy_has_three_pillars_and_eight_areas_labelled_in_four_languages() {
        let rows = rows().unwrap();
        assert_eq!(rows.iter().filter(|r| r.kind == "PILLAR").count(), 3);
        assert_eq!(rows.iter().filter(|r| r.kind == "AREA").count(), 8);
        for row in &rows {
            for label in [&row.de, &row.fr, &row.it, &row.en] {
                assert!(!label.trim().is_empty(), "{}", row.code);
            }
        }
    }
}
