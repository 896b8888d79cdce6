//! Business rules, free of GraphQL and HTTP. Functions take any `ConnectionTrait` (a pool or a
//! transaction) and return `ApiResult`.

pub mod category;
pub mod offer;
pub mod page;
pub mod region;
pub mod region_import;
