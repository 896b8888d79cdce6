//! `/healthz` (the process answers) and `/readyz` (its database answers too; Redis, the
//! search engine and the subscription relay are reported).

use actix_web::{HttpResponse, web};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::context::AppContext;

/// The process is alive.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// The process can serve: its database answers (else 503). Redis is reported as well: when
/// it is down the process still serves, with limits per instance and events for its own
/// subscribers only (`degraded`).
pub async fn readyz(app: web::Data<AppContext>) -> HttpResponse {
    let backend = app.db.get_database_backend();
    let ping = app
        .db
        .execute_raw(sea_orm::Statement::from_string(backend, "SELECT 1"))
        .await;
    let database = match &ping {
        Ok(_) => "up",
        Err(err) => {
            tracing::warn!(error = %err, "readiness check: database down");
            "down"
        }
    };
    let redis = match &app.redis {
        None => "not configured",
        Some(store) => match store.ping().await {
            Ok(()) => "up",
            Err(err) => {
                tracing::warn!(error = %err, "readiness check: Redis down");
                "down"
            }
        },
    };
    // Search falls back to the database when its engine fails: degraded, not down.
    let search = {
        let wait = std::time::Duration::from_millis(app.settings.search.search_timeout_ms.max(1));
        match tokio::time::timeout(wait, app.search.count()).await {
            Ok(Ok(_)) => "up",
            Ok(Err(err)) => {
                tracing::warn!(error = %err, "readiness check: search engine down");
                "down"
            }
            Err(_) => {
                tracing::warn!("readiness check: search engine did not answer in time");
                "down"
            }
        }
    };
    // Subscribers hear other instances' changes only while the relay listens.
    let events = app.events.relay().name();
    let status = match (database, redis, search, events) {
        ("down", _, _, _) => "unavailable",
        (_, "down", _, _) | (_, _, "down", _) | (_, _, _, "reconnecting") => "degraded",
        _ => "ready",
    };
    let body = json!({
        "status": status,
        "database": database,
        "redis": redis,
        "search": search,
        "events": events,
        "subscribers": app.events.subscriber_count(),
    });
    if database == "down" {
        HttpResponse::ServiceUnavailable().json(body)
    } else {
        HttpResponse::Ok().json(body)
    }
}
