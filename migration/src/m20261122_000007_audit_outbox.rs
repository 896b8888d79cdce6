//! The audit log (who did what, without personal data) and the search outbox (changes the
//! search indexer still has to apply, written in the same transaction as the change).

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
                    .table("audit_log")
                    .col(uuid_pk("id"))
                    .col(uuid_null("actor_account_id"))
                    .col(text("actor_role"))
                    .col(text("action"))
                    .col(text("entity_type"))
                    .col(uuid_null("entity_id"))
                    // Field names and codes that changed, never the values of personal data.
                    .col(json("summary"))
                    .col(text_null("request_id"))
                    .col(timestamp("occurred_at"))
                    .foreign_key(&mut foreign_key(
                        "audit_log",
                        "actor_account_id",
                        "user_account",
                        ForeignKeyAction::SetNull,
                    ))
                    .check(not_blank("action"))
                    .check(one_of(
                        "actor_role",
                        &[
                            "ADMIN",
                            "COORDINATOR",
                            "PROVIDER_EDITOR",
                            "ANONYMOUS",
                            "SYSTEM",
                        ],
                    ))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("audit_log", &["occurred_at", "id"]),
                index("audit_log", &["entity_type", "entity_id"]),
                index("audit_log", &["actor_account_id"]),
            ],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("search_outbox")
                    .col(
                        ColumnDef::new("id")
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(text("entity_type"))
                    .col(uuid("entity_id"))
                    .col(text("operation"))
                    .col(timestamp("created_at"))
                    .col(integer("attempts", 0))
                    .col(text_null("last_error"))
                    .col(timestamp("next_attempt_at"))
                    .col(timestamp_null("locked_until"))
                    .col(timestamp_null("processed_at"))
                    .check(one_of("entity_type", &["OFFER", "PROVIDER"]))
                    .check(one_of("operation", &["UPSERT", "DELETE"]))
                    .check(check("attempts >= 0"))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("search_outbox", &["processed_at", "next_attempt_at"]),
                index("search_outbox", &["entity_type", "entity_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["search_outbox", "audit_log"]).await
    }
}
