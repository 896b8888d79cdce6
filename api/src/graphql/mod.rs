//! The GraphQL schema: one module per domain, merged into one query root.

pub mod category;
pub mod errors;
pub mod loader;
pub mod locale;
pub mod node;
pub mod offer;
pub mod provider;
pub mod region;
pub mod relay;

use async_graphql::{EmptyMutation, EmptySubscription, MergedObject, Schema};

use crate::config::Mode;
use crate::context::AppContext;

/// Every query of the API.
#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    region::RegionQuery,
    category::CategoryQuery,
    offer::OfferQuery,
);

/// The executable schema.
pub type AppSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// Limits that keep one query from taking the server down.
pub struct QueryLimits {
    pub max_depth: usize,
    pub max_complexity: usize,
    pub max_directives: usize,
    pub introspection: bool,
}

impl QueryLimits {
    /// Defaults: generous enough for every documented client query.
    pub fn for_mode(mode: Mode) -> Self {
        Self {
            max_depth: 12,
            max_complexity: 5_000,
            max_directives: 20,
            introspection: mode == Mode::Development,
        }
    }
}

/// Builds the schema with the application's shared state.
pub fn build_schema(app: AppContext, limits: &QueryLimits) -> AppSchema {
    let mut builder = Schema::build(Query::default(), EmptyMutation, EmptySubscription)
        .data(app)
        .extension(errors::ErrorCodes)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_directives(limits.max_directives);
    if !limits.introspection {
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.finish()
}

/// The schema in SDL, as `schema.graphql` holds it.
pub fn sdl() -> String {
    Schema::build(Query::default(), EmptyMutation, EmptySubscription)
        .finish()
        .sdl()
}
