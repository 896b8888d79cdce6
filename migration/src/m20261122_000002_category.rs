//! The offer taxonomy: pillars and their programme areas (KIP), with labels per locale.

use crate::columns::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("category")
                    .col(uuid_pk("id"))
                    .col(text("code"))
                    .col(text("kind"))
                    .col(uuid_null("parent_id"))
                    .col(integer("position", 0))
                    .foreign_key(&mut foreign_key(
                        "category",
                        "parent_id",
                        "category",
                        ForeignKeyAction::Restrict,
                    ))
                    .check(one_of("kind", &["PILLAR", "AREA"]))
                    .check(not_blank("code"))
                    // A pillar is a root; an area always hangs under a pillar.
                    .check(check("(kind = 'PILLAR') = (parent_id IS NULL)"))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique_index("category", &["code"]),
                index("category", &["parent_id", "position"]),
            ],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("category_label")
                    .col(uuid("category_id"))
                    .col(text("locale"))
                    .col(text("label"))
                    .primary_key(Index::create().col("category_id").col("locale"))
                    .foreign_key(&mut foreign_key(
                        "category_label",
                        "category_id",
                        "category",
                        ForeignKeyAction::Cascade,
                    ))
                    .check(not_blank("label"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["category_label", "category"]).await
    }
}
