//! Providers in GraphQL: the public profile of an organisation that runs offers.

mod types;

pub use types::Provider;
