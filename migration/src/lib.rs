//! Schema migrations of the Angebotsplattform, in the order they must run.
//!
//! Each migration has an `up` and a `down`; the test suite runs up → down → up on SQLite and
//! PostgreSQL. Enumerations are text columns with `CHECK` constraints rather than native
//! PostgreSQL enums, so the same schema serves both engines and a new value is one migration.

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261122_000001_region;
mod m20261122_000002_category;
mod m20261122_000003_provider_offer;
mod m20261122_000004_account;
mod m20261122_000005_mentoring;
mod m20261122_000006_access_scope;
mod m20261122_000007_audit_outbox;
mod m20261122_000008_offer_review;
mod m20261122_000009_registered_operation;
mod m20261122_000010_schedule_location_index;
mod m20261201_000011_mentor_pool_consent;
mod m20261201_000012_canonical_offer_codes;
mod m20261201_000013_offer_references;
mod m20261208_000014_search_miss;
mod m20261208_000015_search_term_row;

/// Runs the platform's migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_region::Migration),
            Box::new(m20261122_000002_category::Migration),
            Box::new(m20261122_000003_provider_offer::Migration),
            Box::new(m20261122_000004_account::Migration),
            Box::new(m20261122_000005_mentoring::Migration),
            Box::new(m20261122_000006_access_scope::Migration),
            Box::new(m20261122_000007_audit_outbox::Migration),
            Box::new(m20261122_000008_offer_review::Migration),
            Box::new(m20261122_000009_registered_operation::Migration),
            Box::new(m20261122_000010_schedule_location_index::Migration),
            Box::new(m20261201_000011_mentor_pool_consent::Migration),
            Box::new(m20261201_000012_canonical_offer_codes::Migration),
            Box::new(m20261201_000013_offer_references::Migration),
            Box::new(m20261208_000014_search_miss::Migration),
            Box::new(m20261208_000015_search_term_row::Migration),
        ]
    }
}
