//! An index on the location each schedule entry points at. Deleting an offer's locations
//! (every edit replaces them) makes the database look for schedules that still refer to each
//! one; without the index that is a scan of every schedule per location, which made an
//! import updating a thousand offers take seconds.

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
            .create_index(index("offer_schedule", &["location_id"]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_offer_schedule_location_id")
                    .table("offer_schedule")
                    .to_owned(),
            )
            .await
    }
}
