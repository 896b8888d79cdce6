//! Providers in GraphQL: the public profile of an organisation that runs offers, the
//! `providers` / `provider` queries, and `createProvider` / `updateProvider`.

mod mutation;
mod query;
pub mod types;

pub use mutation::ProviderMutation;
pub use query::ProviderQuery;
pub use types::Provider;
