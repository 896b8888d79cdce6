//! The KIP 2024–27 taxonomy: three pillars and their programme areas, labelled in the languages
//! the file has columns for (the canton's four and the languages newcomers read most). Missing
//! categories and labels are inserted; existing ones are left as they are.

use std::collections::{HashMap, HashSet};

use entity::types::CategoryKind;
use entity::{category, category_label};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};

use crate::error::{ApiError, ApiResult};
use crate::ids::new_id;

const TAXONOMY: &str = include_str!("../../reference/categories.csv");
/// The columns before the labels; every column after them is a locale.
const FIXED_COLUMNS: usize = 4;

struct Row {
    code: String,
    kind: String,
    parent: String,
    position: i32,
    /// `(locale, label)` for every locale column of the file.
    labels: Vec<(String, String)>,
}

fn unreadable(err: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format_args!("shipped category data is unreadable: {err}"))
}

/// The file's rows; the header names the label locales, so a language is added as a column.
fn rows() -> ApiResult<Vec<Row>> {
    let mut reader = csv::Reader::from_reader(TAXONOMY.as_bytes());
    let locales: Vec<String> = reader
        .headers()
        .map_err(unreadable)?
        .iter()
        .skip(FIXED_COLUMNS)
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .map(|record| {
            let record = record.map_err(unreadable)?;
            let field = |i: usize| record.get(i).unwrap_or_default().to_owned();
            Ok(Row {
                code: field(0),
                kind: field(1),
                parent: field(2),
                position: field(3).parse().map_err(unreadable)?,
                labels: locales
                    .iter()
                    .enumerate()
                    .map(|(i, locale)| (locale.clone(), field(FIXED_COLUMNS + i)))
                    .collect(),
            })
        })
        .collect()
}

/// Inserts missing categories and labels in one transaction.
pub async fn load(db: &DatabaseConnection) -> ApiResult<()> {
    let txn = crate::db::begin_write(db).await?;
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
        for (locale, label) in row.labels {
            if !labelled.contains(&(id, locale.clone())) {
                category_label::Entity::insert(category_label::ActiveModel {
                    category_id: Set(id),
                    locale: Set(locale),
                    label: Set(label),
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
    fn taxonomy_has_three_pillars_and_eight_areas_labelled_in_every_language() {
        let rows = rows().unwrap();
        assert_eq!(rows.iter().filter(|r| r.kind == "PILLAR").count(), 3);
        assert_eq!(rows.iter().filter(|r| r.kind == "AREA").count(), 8);
        let wanted = [
            "de", "fr", "it", "en", "ti", "ar", "fa", "prs", "uk", "ru", "tr", "so", "ta", "sq",
            "ku", "pt", "es",
        ];
        for row in &rows {
            for locale in wanted {
                let label = row.labels.iter().find(|(l, _)| l == locale);
                assert!(
                    label.is_some_and(|(_, label)| !label.trim().is_empty()),
                    "{} has no {locale} label",
                    row.code
                );
            }
        }
    }
}
