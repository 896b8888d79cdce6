//! What an account may act on (a provider, a region or a mentoring pool), and invitations
//! that carry a role and scope to a new account.

use crate::columns::*;
use crate::m20261122_000004_account::ROLES;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Exactly one of the three scope targets is set.
const ONE_TARGET: &str = "(CASE WHEN provider_id IS NULL THEN 0 ELSE 1 END) \
     + (CASE WHEN region_id IS NULL THEN 0 ELSE 1 END) \
     + (CASE WHEN pool_id IS NULL THEN 0 ELSE 1 END) = 1";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(scope_targets(
                Table::create()
                    .table("account_scope")
                    .col(uuid_pk("id"))
                    .col(uuid("account_id"))
                    .col(timestamp("created_at"))
                    .foreign_key(&mut foreign_key(
                        "account_scope",
                        "account_id",
                        "user_account",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
                "account_scope",
            ))
            .await?;
        create_indexes(
            manager,
            vec![
                unique_index("account_scope", &["account_id", "provider_id"]),
                unique_index("account_scope", &["account_id", "region_id"]),
                unique_index("account_scope", &["account_id", "pool_id"]),
                index("account_scope", &["provider_id"]),
                index("account_scope", &["pool_id"]),
            ],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("invitation")
                    .col(uuid_pk("id"))
                    .col(text("email"))
                    .col(text("role"))
                    .col(text("token_hash"))
                    .col(uuid_null("invited_by"))
                    .col(timestamp("expires_at"))
                    .col(timestamp_null("accepted_at"))
                    .col(uuid_null("account_id"))
                    .col(timestamp("created_at"))
                    .foreign_key(&mut foreign_key(
                        "invitation",
                        "invited_by",
                        "user_account",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut foreign_key(
                        "invitation",
                        "account_id",
                        "user_account",
                        ForeignKeyAction::SetNull,
                    ))
                    .check(one_of("role", ROLES))
                    .check(check("email = lower(email) AND email LIKE '%_@_%'"))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique_index("invitation", &["token_hash"]),
                index("invitation", &["email"]),
            ],
        )
        .await?;

        manager
            .create_table(scope_targets(
                Table::create()
                    .table("invitation_scope")
                    .col(uuid_pk("id"))
                    .col(uuid("invitation_id"))
                    .foreign_key(&mut foreign_key(
                        "invitation_scope",
                        "invitation_id",
                        "invitation",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
                "invitation_scope",
            ))
            .await?;
        manager
            .create_index(index("invitation_scope", &["invitation_id"]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &["invitation_scope", "invitation", "account_scope"],
        )
        .await
    }
}

/// Adds the three optional scope targets, their foreign keys and the one-target check.
fn scope_targets(mut table: TableCreateStatement, name: &'static str) -> TableCreateStatement {
    table
        .col(uuid_null("provider_id"))
        .col(uuid_null("region_id"))
        .col(uuid_null("pool_id"))
        .foreign_key(&mut foreign_key(
            name,
            "provider_id",
            "provider",
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut foreign_key(
            name,
            "region_id",
            "region",
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut foreign_key(
            name,
            "pool_id",
            "mentoring_pool",
            ForeignKeyAction::Cascade,
        ))
        .check(check(ONE_TARGET));
    table
}
