//! SeaORM entities of the Angebotsplattform: one module per table, no GraphQL in sight.
//!
//! The database schema is owned by the `migration` crate; a test in the suite checks that
//! every entity matches its table column for column.

pub mod account_scope;
pub mod api_client;
pub mod audit_log;
pub mod category;
pub mod category_label;
pub mod invitation;
pub mod invitation_scope;
pub mod match_check_in;
pub mod mentor;
pub mod mentor_availability;
pub mod mentor_language;
pub mod mentor_match;
pub mod mentoring_pool;
pub mod mentoring_request;
pub mod offer;
pub mod offer_category;
pub mod offer_language;
pub mod offer_location;
pub mod offer_region;
pub mod offer_schedule;
pub mod offer_translation;
pub mod provider;
pub mod provider_translation;
pub mod refresh_token;
pub mod region;
pub mod region_edge;
pub mod region_name;
pub mod region_postcode;
pub mod registered_operation;
pub mod request_availability;
pub mod request_language;
pub mod search_miss;
pub mod search_outbox;
pub mod search_term_row;
pub mod types;
pub mod user_account;
