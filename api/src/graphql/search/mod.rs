//! Search in GraphQL: `searchOffers`, `suggestOffers` and, for admins, `searchIndexStatus`.

pub mod notice;
mod query;
mod types;

pub use query::SearchQuery;
