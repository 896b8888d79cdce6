//! Staff accounts, their refresh tokens, and the partner apps (API clients) that call the API.

use crate::columns::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

pub const ROLES: &[&str] = &["ADMIN", "COORDINATOR", "PROVIDER_EDITOR"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("user_account")
                    .col(uuid_pk("id"))
                    // Stored lower-cased, so the unique index is case-insensitive.
                    .col(text("email"))
                    .col(text("display_name"))
                    .col(text("password_hash"))
                    .col(text("role"))
                    .col(text("status"))
                    .col(timestamp_null("last_login_at"))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .check(one_of("role", ROLES))
                    .check(one_of("status", &["ACTIVE", "DISABLED"]))
                    .check(check("email = lower(email) AND email LIKE '%_@_%'"))
                    .check(not_blank("password_hash"))
                    .take(),
            )
            .await?;
        manager
            .create_index(unique_index("user_account", &["email"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("refresh_token")
                    .col(uuid_pk("id"))
                    .col(uuid("account_id"))
                    // Every token issued from one sign-in shares a family; reuse of a rotated
                    // token revokes the whole family.
                    .col(uuid("family_id"))
                    .col(text("token_hash"))
                    .col(timestamp("expires_at"))
                    .col(timestamp_null("used_at"))
                    .col(timestamp_null("revoked_at"))
                    .col(timestamp("created_at"))
                    .foreign_key(&mut foreign_key(
                        "refresh_token",
                        "account_id",
                        "user_account",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique_index("refresh_token", &["token_hash"]),
                index("refresh_token", &["family_id"]),
                index("refresh_token", &["account_id"]),
                index("refresh_token", &["expires_at"]),
            ],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("api_client")
                    .col(uuid_pk("id"))
                    .col(text("name"))
                    // The first characters of the key, shown to admins to tell keys apart.
                    .col(text("key_prefix"))
                    .col(text("key_hash"))
                    .col(integer_null("requests_per_minute"))
                    .col(json("allowed_origins"))
                    .col(boolean("allow_list_only", false))
                    .col(boolean("active", true))
                    .col(timestamp_null("last_used_at"))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .check(not_blank("name"))
                    .check(check(
                        "requests_per_minute IS NULL OR requests_per_minute > 0",
                    ))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique_index("api_client", &["key_hash"]),
                unique_index("api_client", &["name"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["api_client", "refresh_token", "user_account"]).await
    }
}
