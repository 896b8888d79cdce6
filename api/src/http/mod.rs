//! HTTP routes: GraphQL (POST; GET for reads and persisted queries; WebSocket upgrades for
//! subscriptions), GraphiQL, health checks, metrics and the iCalendar and JSON-LD feeds.

pub mod caching;
pub mod caller;
pub mod connections;
pub mod cors;
pub mod feeds;
pub mod graphiql;
pub mod graphql;
mod health;
pub mod media;
pub mod metrics_endpoint;
pub mod observe;
pub mod operation;
pub mod persisted;
pub mod rate_limit;
pub mod refusal;
pub mod response_cache;
mod schema_file;
pub mod socket_gate;
pub mod subscriptions;
pub mod ws_limits;

use actix_cors::Cors;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{Route, guard, web};

/// Registers every route on an actix `App` or scope, each behind the request-id, logging
/// and metrics middleware, the CORS policy and response compression (gzip or brotli, as
/// the client's `Accept-Encoding` asks).
pub fn configure(cfg: &mut web::ServiceConfig, cors: Cors) {
    cfg.service(
        web::scope("")
            .wrap(Compress::default())
            .wrap(cors)
            .wrap(from_fn(observe::observe))
            .wrap(from_fn(connections::refuse_over_cap))
            .route("/graphql", web::post().to(graphql::post))
            .route(
                "/graphql",
                web::get()
                    .guard(guard::fn_guard(subscriptions::is_upgrade))
                    .to(subscriptions::connect),
            )
            .route("/graphql", read().to(graphql::get))
            .route("/graphiql/{file}", read().to(graphiql::asset))
            .route("/schema.graphql", read().to(schema_file::schema_file))
            .route("/healthz", read().to(health::healthz))
            .route("/readyz", read().to(health::readyz))
            .route("/metrics", read().to(metrics_endpoint::metrics))
            .route("/feeds/offers/{id}/{file}", read().to(feeds::offer_feed))
            .route(
                "/feeds/regions/{code}/calendar.ics",
                read().to(feeds::region_calendar),
            ),
    );
}

/// A route for reads: `GET`, and `HEAD` (answered like `GET`, without the body; monitors and
/// link checkers use it).
fn read() -> Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}
