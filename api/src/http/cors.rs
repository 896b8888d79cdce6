//! Cross-origin requests from browsers: regional sites and partner web apps call the API
//! from their own origins. Tokens travel in the `Authorization` header, never in cookies, so
//! allowing an origin lets its pages read what they could read anyway; the allow-list
//! (`CORS_ALLOWED_ORIGINS`) narrows that to the partners a canton names.
//!
//! Client libraries add headers of their own (tracing's `traceparent` and `baggage`, Apollo's
//! client name and version, a request id); a preflight that refused them would fail every
//! request of such a client, so they are allowed by default (`CORS_ALLOWED_HEADERS`).

use actix_cors::Cors;
use actix_web::http::{Method, header};

/// Headers every policy allows: the ones the API itself reads.
const API_HEADERS: [&str; 6] = [
    "content-type",
    "accept",
    "authorization",
    "accept-language",
    "if-none-match",
    "x-api-key",
];

/// Headers the answers carry that browser code may read.
const EXPOSED_HEADERS: [&str; 7] = [
    "etag",
    "retry-after",
    "traceparent",
    "x-request-id",
    "x-cache",
    "ratelimit",
    "ratelimit-policy",
];

/// The CORS policy the settings describe. `allowed_origins` is `*` for any origin (answered
/// with `*`, so shared caches keep one copy) or a comma-separated list; `extra_headers` is
/// `*` for any request header or a comma-separated list allowed beside the API's own.
pub fn policy(allowed_origins: &str, extra_headers: &str) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods([Method::GET, Method::HEAD, Method::POST])
        .expose_headers(EXPOSED_HEADERS.map(header::HeaderName::from_static))
        .max_age(3600);
    let extra = list(extra_headers);
    if extra.contains(&"*") {
        cors = cors.allow_any_header();
    } else {
        let named = extra
            .into_iter()
            .filter_map(|name| header::HeaderName::try_from(name).ok());
        cors = cors.allowed_headers(
            API_HEADERS
                .map(header::HeaderName::from_static)
                .into_iter()
                .chain(named),
        );
    }
    let origins = list(allowed_origins);
    if origins.contains(&"*") {
        cors = cors.allow_any_origin().send_wildcard();
    } else {
        for origin in origins {
            cors = cors.allowed_origin(origin);
        }
    }
    cors
}

fn list(setting: &str) -> Vec<&str> {
    setting
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect()
}
