//! Request rate limits per network address and per API key. Over a limit the answer is
//! HTTP 429 with `Retry-After` and the GraphQL code `RATE_LIMITED`; nothing runs.
//!
//! The address is counted first, before any credential is looked at: a flood of requests
//! with made-up tokens or keys is refused by the cheap check, not answered 401 one by one.
//!
//! Every counted answer says where its client stands, in the `RateLimit-Policy` and
//! `RateLimit` headers of the IETF draft (`"address";q=600;w=60` and
//! `"address";r=599;t=1`): well-behaved clients slow down before they are refused.

use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use serde_json::json;

use crate::auth::ApiClient;
use crate::cache::{Decision, Limit};
use crate::context::AppContext;
use crate::error::Code;

/// The policy name of the per-address limit in the headers.
const ADDRESS_POLICY: &str = "address";
/// The policy name of a partner key's limit in the headers.
const KEY_POLICY: &str = "key";

/// One limit as a request left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    policy: &'static str,
    per_minute: u32,
    remaining: u32,
    /// Until the client has its whole allowance again.
    reset: Duration,
}

/// The limits a request was counted against, for its answer's headers.
#[derive(Debug, Default)]
pub struct Quotas(Vec<Quota>);

impl Quotas {
    pub fn add(&mut self, quota: Option<Quota>) {
        self.0.extend(quota);
    }

    /// Writes `RateLimit-Policy` and `RateLimit` on `response` (nothing when no limit
    /// counted the request).
    pub fn write(&self, mut response: HttpResponse) -> HttpResponse {
        if self.0.is_empty() {
            return response;
        }
        let policies = self
            .0
            .iter()
            .map(|q| format!("\"{}\";q={};w=60", q.policy, q.per_minute))
            .collect::<Vec<_>>()
            .join(", ");
        let states = self
            .0
            .iter()
            .map(|q| format!("\"{}\";r={};t={}", q.policy, q.remaining, seconds(q.reset)))
            .collect::<Vec<_>>()
            .join(", ");
        let headers = response.headers_mut();
        for (name, value) in [("ratelimit-policy", policies), ("ratelimit", states)] {
            if let Ok(value) = HeaderValue::try_from(value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
        response
    }
}

/// Refuses the request when its address is over the limit.
pub async fn check_address(
    app: &AppContext,
    address: Option<&str>,
) -> Result<Option<Quota>, HttpResponse> {
    let Some(address) = address else {
        return Ok(None);
    };
    take(
        app,
        &address_bucket(address),
        ADDRESS_POLICY,
        app.settings.http.rate_limit_per_address,
    )
    .await
    .map(Some)
}

/// Refuses the request when its partner key is over the key's limit.
pub async fn check_client(
    app: &AppContext,
    client: Option<&ApiClient>,
) -> Result<Option<Quota>, HttpResponse> {
    let Some(client) = client else {
        return Ok(None);
    };
    let per_minute = client
        .requests_per_minute
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| *n > 0)
        .unwrap_or(app.settings.http.rate_limit_per_key);
    take(app, &format!("key:{}", client.id), KEY_POLICY, per_minute)
        .await
        .map(Some)
}

/// Takes a token from bucket `key` with `per_minute` requests a minute under the policy
/// `policy`; over the limit, the 429 answer (with the headers that say so).
pub async fn take(
    app: &AppContext,
    key: &str,
    policy: &'static str,
    per_minute: u32,
) -> Result<Quota, HttpResponse> {
    match allowance(app, key, per_minute).await {
        Ok((remaining, reset)) => Ok(Quota {
            policy,
            per_minute,
            remaining,
            reset,
        }),
        Err(seconds) => {
            let response = HttpResponse::build(StatusCode::TOO_MANY_REQUESTS)
                .insert_header(("Retry-After", seconds.to_string()))
                .json(json!({
                    "errors": [{
                        "message": "too many requests; try again later",
                        "extensions": { "code": Code::RateLimited.as_str(), "retryAfter": seconds }
                    }]
                }));
            let spent = Quota {
                policy,
                per_minute,
                remaining: 0,
                reset: Duration::from_secs(seconds),
            };
            Err(Quotas(vec![spent]).write(response))
        }
    }
}

/// Takes a token from bucket `key`: what is left and how long until the bucket is full, or,
/// over the limit, the seconds to wait (counted in the metrics). Every door shares it:
/// HTTP requests, feeds and WebSocket operations.
pub async fn allowance(
    app: &AppContext,
    key: &str,
    per_minute: u32,
) -> Result<(u32, Duration), u64> {
    match app.limiters.take(key, Limit { per_minute }).await {
        Decision::Allowed { remaining, full_in } => Ok((remaining, full_in)),
        Decision::Limited { retry_after } => {
            app.metrics.record_rate_limited();
            Err(seconds(retry_after))
        }
    }
}

/// Whole seconds, rounded up (a client told 0 would retry at once).
fn seconds(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

/// The bucket of a network address.
pub fn address_bucket(address: &str) -> String {
    format!("addr:{address}")
}
