//! HTTP routes: GraphQL (POST; GET for reads and persisted queries; WebSocket upgrades for
//! subscriptions), GraphiQL, health checks, metrics and the iCalendar and JSON-LD feeds.

pub mod caching;
pub mod caller;
pub mod connections;
pub mod cors;
pub mod feeds;
pub mod graphql;
mod health;
pub mod metrics_endpoint;
pub mod observe;
pub mod operation;
pub mod persisted;
pub mod rate_limit;
pub mod response_cache;
pub mod socket_gate;
pub mod subscriptions;
pub mod ws_limits;

use actix_web::middleware::from_fn;
use actix_web::{guard, web};

/// Registers every route on an actix `App` or scope, each behind the request-id, logging
/// and metrics middleware and the CORS policy of `cors_allowed_origins`.
pub fn configure(cfg: &mut web::ServiceConfig, cors_allowed_origins: &str) {
    cfg.service(
        web::scope("")
            .wrap(cors::policy(cors_allowed_origins))
            .wrap(from_fn(observe::observe))
            .wrap(from_fn(connections::refuse_over_cap))
            .route("/graphql", web::post().to(graphql::post))
            .route(
                "/graphql",
                web::get()
                    .guard(guard::fn_guard(subscriptions::is_upgrade))
                    .to(subscriptions::connect),
            )
            .route("/graphql", web::get().to(graphql::get))
            .route("/healthz", web::get().to(health::healthz))
            .route("/readyz", web::get().to(health::readyz))
            .route("/metrics", web::get().to(metrics_endpoint::metrics))
            .route(
                "/feeds/offers/{id}/calendar.ics",
                web::get().to(feeds::offer_calendar),
            )
            .route(
                "/feeds/offers/{id}/schema.jsonld",
                web::get().to(feeds::offer_schema),
            )
            .route(
                "/feeds/regions/{code}/calendar.ics",
                web::get().to(feeds::region_calendar),
            ),
    );
}
