//! Every offer has a reference: offers made without one get the platform's own,
//! `AP-<id in hex>`, as new offers now do. With a reference in every row, every exported
//! file imports again. `down` keeps the references: the older code reads them as
//! references a provider gave.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::sea_orm::ExprTrait;
use sea_orm_migration::sea_orm::prelude::Uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Offers given a reference per round.
const CHUNK: u64 = 1000;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        loop {
            let select = Query::select()
                .column("id")
                .from("offer")
                .and_where(Expr::col("external_ref").is_null())
                .limit(CHUNK)
                .to_owned();
            let rows = db.query_all(&select).await?;
            if rows.is_empty() {
                return Ok(());
            }
            for row in rows {
                let id: Uuid = row.try_get("", "id")?;
                let update = Query::update()
                    .table("offer")
                    .value("external_ref", format!("AP-{}", id.simple()))
                    .and_where(Expr::col("id").eq(id))
                    .to_owned();
                db.execute(&update).await?;
            }
        }
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
