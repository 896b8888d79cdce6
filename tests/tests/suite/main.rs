//! The black-box suite: one test binary, each test on a database of its own.
//! Runs on SQLite by default and on PostgreSQL when `TEST_DATABASE_URL` is set.

#![expect(
    clippy::unwrap_used,
    reason = "helpers outside #[test] functions stop the test at a failed expectation too"
)]

mod abuse;
mod coordinator_day;
mod coordinator_defects;
mod data_integrity;
mod demo;
mod faults;
mod feeds;
mod graphiql;
mod hardening;
mod held_profiles;
mod http_conventions;
mod ids;
mod meili_contract;
mod mentoring;
mod mentoring_people;
mod migrations;
mod observability;
mod offer_files;
mod offer_filters;
mod permissions;
mod persisted_queries;
mod pool_boundary;
mod protection;
mod publishing;
mod queries;
mod rate_limits;
mod redis_sessions;
mod reference;
mod region_import;
mod response_cache;
mod schema_drift;
mod search_api;
mod search_conformance;
mod search_relevance;
mod search_terms;
mod server_limits;
mod sessions;
mod side_effects;
mod snapshots;
mod startup;
mod statement_count;
mod subscriptions;
mod tokens;
mod writers;
