//! Accessibility and target-group codes in their one form: lower-case words joined by
//! hyphens (`wheelchair-access`). Offers stored before had some in other spellings
//! (`WHEELCHAIR`, `HEARING_LOOP`, `ADULTS`) that the write rules refuse, so editing any
//! other field of such an offer failed. `down` keeps the canonical form: it is what the
//! rules before this migration required too.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::prelude::{Json, Uuid};
use sea_orm_migration::sea_orm::{ConnectionTrait, ExprTrait};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Offers read per statement.
const CHUNK: u64 = 1000;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let mut after: Option<Uuid> = None;
        loop {
            let mut select = Query::select()
                .columns(["id", "accessibility", "target_groups"])
                .from("offer")
                .order_by("id", Order::Asc)
                .limit(CHUNK)
                .to_owned();
            if let Some(last) = after {
                select.and_where(Expr::col("id").gt(last));
            }
            let rows = db.query_all(&select).await?;
            let Some(last) = rows.last() else {
                break;
            };
            after = Some(last.try_get("", "id")?);
            for row in &rows {
                let id: Uuid = row.try_get("", "id")?;
                let accessibility: Json = row.try_get("", "accessibility")?;
                let target_groups: Json = row.try_get("", "target_groups")?;
                let (new_accessibility, new_groups) = (
                    canonical_list(&accessibility),
                    canonical_list(&target_groups),
                );
                if new_accessibility == accessibility && new_groups == target_groups {
                    continue;
                }
                let update = Query::update()
                    .table("offer")
                    .value("accessibility", new_accessibility)
                    .value("target_groups", new_groups)
                    .and_where(Expr::col("id").eq(id))
                    .to_owned();
                db.execute(&update).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}

/// A JSON list of codes in canonical form, each once, in their order.
fn canonical_list(list: &Json) -> Json {
    let Some(items) = list.as_array() else {
        return list.clone();
    };
    let mut seen = Vec::new();
    for item in items {
        let Some(code) = item.as_str() else {
            continue;
        };
        let canonical = code
            .trim()
            .to_lowercase()
            .split(|c: char| c == '_' || c == '-' || c.is_whitespace())
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        if !canonical.is_empty() && !seen.contains(&canonical) {
            seen.push(canonical);
        }
    }
    Json::from(seen)
}
