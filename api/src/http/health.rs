//! `/healthz` (the process answers) and `/readyz` (its database answers too).

use actix_web::{HttpResponse, web};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::context::AppContext;

/// The process is alive.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// The process can serve: its database answers.
pub async fn readyz(app: web::Data<AppContext>) -> HttpResponse {
    let backend = app.db.get_database_backend();
    let ping = app
        .db
        .execute_raw(sea_orm::Statement::from_string(backend, "SELECT 1"))
        .await;
    match ping {
        Ok(_) => HttpResponse::Ok().json(json!({ "status": "ready", "database": "up" })),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check: database down");
            HttpResponse::ServiceUnavailable()
                .json(json!({ "status": "unavailable", "database": "down" }))
        }
    }
}
