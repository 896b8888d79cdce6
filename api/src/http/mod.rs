//! HTTP routes: GraphQL (POST), GraphiQL (GET), and health checks.

pub mod caching;
pub mod caller;
pub mod graphql;
mod health;
pub mod persisted;
pub mod rate_limit;
pub mod response_cache;

use actix_web::web;

/// Registers every route on an actix `App` or scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/graphql", web::post().to(graphql::post))
        .route("/graphql", web::get().to(graphql::get))
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz));
}
