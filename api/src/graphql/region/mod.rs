//! Regions in GraphQL: the `Region` type and the `regions` / `region` queries.

mod query;
mod types;

pub use query::RegionQuery;
pub use types::{GeoPoint, Region, RegionKindGql};
