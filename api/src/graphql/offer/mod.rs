//! Offers in GraphQL: the `Offer` type and the `offers` / `offer` queries.

mod query;
mod types;

pub use query::OfferQuery;
pub use types::Offer;
