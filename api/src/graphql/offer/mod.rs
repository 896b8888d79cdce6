//! Offers in GraphQL: the `Offer` type, the `offers` / `offer` / `offerTombstones` queries,
//! and the mutations of the publishing workflow.

pub mod edit_input;
pub mod input;
mod mutation;
mod query;
pub mod types;

pub use mutation::OfferMutation;
pub use query::{OfferQuery, offer_connection};
pub use types::Offer;
