//! The canton's rows of the search term file: a concept's terms in one language, replacing
//! the shipped row of the same concept and language, or adding one. The shipped file stays
//! as it is; the rows here are what admins changed.

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
                    .table("search_term_row")
                    .col(text("concept"))
                    .col(text("locale"))
                    // JSON lists of strings.
                    .col(json("terms"))
                    .col(json("query_terms"))
                    .col(timestamp("updated_at"))
                    .col(uuid_null("updated_by"))
                    .primary_key(Index::create().col("concept").col("locale"))
                    .foreign_key(&mut foreign_key(
                        "search_term_row",
                        "updated_by",
                        "user_account",
                        ForeignKeyAction::SetNull,
                    ))
                    .check(not_blank("concept"))
                    .check(not_blank("locale"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("search_term_row").take())
            .await
    }
}
