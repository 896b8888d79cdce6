//! Business rules, free of GraphQL and HTTP. Functions take any `ConnectionTrait` (a pool or a
//! transaction) and return `ApiResult`.

pub mod category;
pub mod offer;
pub mod offer_parts;
pub mod page;
pub mod provider;
pub mod region;
pub mod region_import;
