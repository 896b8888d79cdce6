//! Offers in GraphQL: the `Offer` type, the `offers` / `offer` / `offerTombstones` queries,
//! the mutations of the publishing workflow, and import and export of offer files.

pub mod edit_input;
mod exchange;
pub mod input;
mod mutation;
mod query;
pub mod types;

pub use edit_input::CreateOfferRecords;
pub use exchange::{OfferExchangeMutation, OfferExchangeQuery};
pub use mutation::OfferMutation;
pub use query::{OfferQuery, offer_connection};
pub use types::Offer;
