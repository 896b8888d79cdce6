//! Search in GraphQL: `searchOffers`, `suggestOffers`, the term file (`searchTerms`,
//! `setSearchTerms`) and, for admins, `searchIndexStatus` and `searchMisses`.

pub mod notice;
mod query;
mod terms;
mod types;

pub use query::SearchQuery;
pub use terms::{SearchTermsMutation, SearchTermsQuery};
