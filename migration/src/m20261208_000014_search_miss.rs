//! Words of searches that found nothing, counted per month: what the canton reads to learn
//! which words its term file is missing. Only the folded word and a count are kept, never
//! a query, a time or who searched.

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
                    .table("search_miss")
                    // `YYYY-MM`.
                    .col(text("month"))
                    .col(text("term"))
                    .col(integer("misses", 0))
                    .primary_key(Index::create().col("month").col("term"))
                    .check(check("length(month) = 7"))
                    .check(not_blank("term"))
                    .check(check("misses >= 0"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("search_miss").take())
            .await
    }
}
