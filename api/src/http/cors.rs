//! Cross-origin requests from browsers: regional sites and partner web apps call the API
//! from their own origins. Tokens travel in the `Authorization` header, never in cookies, so
//! allowing an origin lets its pages read what they could read anyway; the allow-list
//! (`CORS_ALLOWED_ORIGINS`) narrows that to the partners a canton names.

use actix_cors::Cors;
use actix_web::http::{Method, header};

/// The CORS policy the setting describes: `*` for any origin, else a comma-separated list.
pub fn policy(allowed_origins: &str) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods([Method::GET, Method::POST])
        .allowed_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::ACCEPT_LANGUAGE,
            header::IF_NONE_MATCH,
            header::HeaderName::from_static("x-api-key"),
        ])
        .expose_headers([
            header::ETAG,
            header::RETRY_AFTER,
            header::HeaderName::from_static("x-request-id"),
            header::HeaderName::from_static("x-cache"),
        ])
        .max_age(3600);
    let origins: Vec<&str> = allowed_origins
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .collect();
    if origins.contains(&"*") {
        cors = cors.allow_any_origin();
    } else {
        for origin in origins {
            cors = cors.allowed_origin(origin);
        }
    }
    cors
}
