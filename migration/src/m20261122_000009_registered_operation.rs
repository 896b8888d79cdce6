//! Registered operations: the GraphQL documents admins approved, named by the SHA-256 of
//! their text. Partner apps in allow-list mode may send only these; any caller may send one
//! by its hash alone, which is what lets regional sites and CDNs cache `GET` requests.

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
                    .table("registered_operation")
                    // Lower-case hex SHA-256 of the document exactly as registered.
                    .col(ColumnDef::new("sha256").text().not_null().primary_key())
                    .col(text_null("name"))
                    .col(text("document"))
                    .col(uuid_null("registered_by"))
                    .col(timestamp("created_at"))
                    .foreign_key(&mut foreign_key(
                        "registered_operation",
                        "registered_by",
                        "user_account",
                        ForeignKeyAction::SetNull,
                    ))
                    .check(check("length(sha256) = 64"))
                    .check(not_blank("document"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("registered_operation").take())
            .await
    }
}
