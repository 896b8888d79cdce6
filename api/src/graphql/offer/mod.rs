//! Offers in GraphQL: the `Offer` type and the `offers` / `offer` / `offerTombstones` queries.

pub mod input;
mod query;
pub mod types;

pub use query::{OfferQuery, offer_connection};
pub use types::Offer;
