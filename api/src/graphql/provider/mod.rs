//! Providers in GraphQL: the public profile of an organisation that runs offers, and the
//! `providers` / `provider` queries.

mod query;
mod types;

pub use query::ProviderQuery;
pub use types::Provider;
