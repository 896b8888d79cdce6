//! The offer taxonomy in GraphQL: `Category` and the `categories` query.

mod query;
mod types;

pub use query::CategoryQuery;
pub use types::Category;
