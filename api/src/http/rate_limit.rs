//! Request rate limits per network address and per API key. Over a limit the answer is
//! HTTP 429 with `Retry-After` and the GraphQL code `RATE_LIMITED`; nothing runs.
//!
//! The address is counted first, before any credential is looked at: a flood of requests
//! with made-up tokens or keys is refused by the cheap check, not answered 401 one by one.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde_json::json;

use crate::cache::{Decision, Limit};
use crate::context::{ApiClient, AppContext};

/// Refuses the request when its address is over the limit.
pub async fn check_address(app: &AppContext, address: Option<&str>) -> Result<(), HttpResponse> {
    let Some(address) = address else {
        return Ok(());
    };
    take(
        app,
        &address_bucket(address),
        app.settings.rate_limit_per_address,
    )
    .await
}

/// Refuses the request when its partner key is over the key's limit.
pub async fn check_client(
    app: &AppContext,
    client: Option<&ApiClient>,
) -> Result<(), HttpResponse> {
    let Some(client) = client else {
        return Ok(());
    };
    let per_minute = client
        .requests_per_minute
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| *n > 0)
        .unwrap_or(app.settings.rate_limit_per_key);
    take(app, &format!("key:{}", client.id), per_minute).await
}

/// Takes a token from bucket `key` with `per_minute` requests a minute; over the limit,
/// the 429 answer.
pub async fn take(app: &AppContext, key: &str, per_minute: u32) -> Result<(), HttpResponse> {
    allowance(app, key, per_minute).await.map_err(|seconds| {
        HttpResponse::build(StatusCode::TOO_MANY_REQUESTS)
            .insert_header(("Retry-After", seconds.to_string()))
            .json(json!({
                "errors": [{
                    "message": "too many requests; try again later",
                    "extensions": { "code": "RATE_LIMITED", "retryAfter": seconds }
                }]
            }))
    })
}

/// Takes a token from bucket `key`; over the limit, the seconds to wait (counted in the
/// metrics). Every door shares it: HTTP requests, feeds and WebSocket operations.
pub async fn allowance(app: &AppContext, key: &str, per_minute: u32) -> Result<(), u64> {
    match app.limiters.take(key, Limit { per_minute }).await {
        Decision::Allowed => Ok(()),
        Decision::Limited { retry_after } => {
            app.metrics.record_rate_limited();
            Err(retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0))
        }
    }
}

/// The bucket of a network address.
pub fn address_bucket(address: &str) -> String {
    format!("addr:{address}")
}
