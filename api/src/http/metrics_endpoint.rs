//! `GET /metrics`: the process's metrics in the Prometheus text format, or in OpenMetrics
//! when the scraper's `Accept` names `application/openmetrics-text` (as Prometheus does),
//! with the gauges that are read when scraped (database pool, search outbox,
//! subscriptions). With
//! `METRICS_TOKEN` set, a scraper must present it; in production mode the endpoint is not
//! served at all without one, since it would tell anyone the operations clients run.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use crate::config::Mode;
use crate::context::AppContext;
use crate::error::Code;
use crate::http::caller::bearer;
use crate::http::refusal::refusal;
use crate::metrics::{Exposition, Gauges};

pub async fn metrics(app: web::Data<AppContext>, http: HttpRequest) -> HttpResponse {
    if app.settings.telemetry.metrics_token.is_none()
        && app.settings.server.mode == Mode::Production
    {
        return refusal(
            Code::NotFound,
            "metrics are served in production only with METRICS_TOKEN set",
        );
    }
    if let Some(expected) = &app.settings.telemetry.metrics_token {
        let presented = http
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(bearer)
            .unwrap_or_default();
        // Compared as digests, so the time taken says nothing about the token.
        if Sha256::digest(presented.as_bytes())
            != Sha256::digest(expected.expose_secret().as_bytes())
        {
            return refusal(Code::Unauthenticated, "metrics need the metrics token");
        }
    }
    let format = exposition(&http);
    let gauges = gauges(&app).await;
    HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((header::VARY, "Accept"))
        .body(app.metrics.render(gauges, format))
}

/// OpenMetrics when the scraper accepts it, else the Prometheus text format.
fn exposition(http: &HttpRequest) -> Exposition {
    let accepts_openmetrics = http
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| {
            accept.split(',').any(|range| {
                let mut parts = range.split(';').map(str::trim);
                let media = parts.next().unwrap_or_default();
                let refused = parts.any(|p| p == "q=0" || p == "q=0.0");
                media.eq_ignore_ascii_case("application/openmetrics-text") && !refused
            })
        });
    if accepts_openmetrics {
        Exposition::OpenMetrics
    } else {
        Exposition::PrometheusText
    }
}

async fn gauges(app: &AppContext) -> Gauges {
    // Read first, so the statements this scrape sends are not counted in its own answer.
    let db_statements = crate::db::statements_sent();
    let backend = app.db.get_database_backend();
    let (db_pool_size, db_pool_idle) = match backend {
        DatabaseBackend::Postgres => {
            let pool = app.db.get_postgres_connection_pool();
            (Some(u64::from(pool.size())), Some(pool.num_idle() as u64))
        }
        DatabaseBackend::Sqlite => {
            let pool = app.db.get_sqlite_connection_pool();
            (Some(u64::from(pool.size())), Some(pool.num_idle() as u64))
        }
        _ => (None, None),
    };
    let (outbox_pending, outbox_oldest_secs) = outbox(app, backend).await;
    Gauges {
        db_pool_size,
        db_pool_idle,
        db_statements,
        outbox_pending,
        outbox_oldest_secs,
        subscribers: app.events.subscriber_count() as u64,
    }
}

/// How many changes the search index still has to apply, and how old the oldest is.
async fn outbox(app: &AppContext, backend: DatabaseBackend) -> (Option<u64>, Option<f64>) {
    let statement = Statement::from_string(
        backend,
        "SELECT COUNT(*) AS pending, MIN(created_at) AS oldest FROM search_outbox WHERE processed_at IS NULL",
    );
    let row = match app.db.query_one_raw(statement).await {
        Ok(Some(row)) => row,
        Ok(None) => return (None, None),
        Err(err) => {
            tracing::warn!(error = %err, "metrics: outbox not readable");
            return (None, None);
        }
    };
    let pending = row
        .try_get::<i64>("", "pending")
        .ok()
        .map(|n| n.max(0) as u64);
    let oldest = row
        .try_get::<Option<chrono::DateTime<chrono::Utc>>>("", "oldest")
        .ok()
        .flatten()
        .map(|at| (crate::clock::now() - at).num_milliseconds().max(0) as f64 / 1000.0)
        .or(pending.map(|_| 0.0));
    (pending, oldest)
}
