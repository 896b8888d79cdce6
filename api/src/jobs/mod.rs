//! Background work that runs beside the server. Every job is safe with several instances
//! running it at once.

pub mod expiry;
pub mod retention;
pub mod search_indexer;
