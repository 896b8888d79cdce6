//! The consent of a mentor's own pool when a neighbouring pool proposes the mentor: such a
//! match waits (`PENDING`) until the mentor's coordinator agrees (`GIVEN`) or refuses.
//!
//! Pools may reach at most 30 km into their neighbours from now on; weights stored with a
//! farther reach are brought down to it (`down` leaves them there: the old limit allowed
//! 30 km too).

use crate::columns::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::prelude::{Json, Uuid};
use sea_orm_migration::sea_orm::{ConnectionTrait, ExprTrait};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        cap_neighbour_reach(manager).await?;
        manager
            .alter_table(
                Table::alter()
                    .table("mentor_match")
                    .add_column(
                        text_null("mentor_pool_consent")
                            .check(one_of(
                                "mentor_pool_consent",
                                &["PENDING", "GIVEN", "REFUSED"],
                            ))
                            .take(),
                    )
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("mentor_match")
                    .drop_column("mentor_pool_consent")
                    .take(),
            )
            .await
    }
}

/// The farthest reach into neighbouring pools, in kilometres.
const MAX_NEIGHBOUR_KM: f64 = 30.0;

/// Brings every pool's stored `neighbourKm` down to [`MAX_NEIGHBOUR_KM`]. The weights are a
/// JSON document whose functions differ between the engines, so they are read and written
/// back here rather than edited in SQL.
async fn cap_neighbour_reach(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let select = Query::select()
        .columns(["id", "matching_weights"])
        .from("mentoring_pool")
        .to_owned();
    let rows = db.query_all(&select).await?;
    for row in rows {
        let id: Uuid = row.try_get("", "id")?;
        let mut weights: Json = row.try_get("", "matching_weights")?;
        let too_far = weights
            .get("neighbourKm")
            .and_then(Json::as_f64)
            .is_some_and(|km| km > MAX_NEIGHBOUR_KM);
        if !too_far {
            continue;
        }
        weights["neighbourKm"] = Json::from(MAX_NEIGHBOUR_KM);
        let update = Query::update()
            .table("mentoring_pool")
            .value("matching_weights", weights)
            .and_where(Expr::col("id").eq(id))
            .to_owned();
        db.execute(&update).await?;
    }
    Ok(())
}
