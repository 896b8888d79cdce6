//! HTTP routes: GraphQL (POST; GET for reads and persisted queries; WebSocket upgrades for
//! subscriptions), GraphiQL, and health checks.

pub mod caching;
pub mod caller;
pub mod graphql;
mod health;
pub mod persisted;
pub mod rate_limit;
pub mod response_cache;
pub mod subscriptions;

use actix_web::{guard, web};

/// Registers every route on an actix `App` or scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/graphql", web::post().to(graphql::post))
        .route(
            "/graphql",
            web::get()
                .guard(guard::fn_guard(subscriptions::is_upgrade))
                .to(subscriptions::connect),
        )
        .route("/graphql", web::get().to(graphql::get))
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz));
}
