//! Search in GraphQL: `searchOffers`, `suggestOffers` and, for admins, `searchIndexStatus`.

mod query;
mod types;

pub use query::SearchQuery;
