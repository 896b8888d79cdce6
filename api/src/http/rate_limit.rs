//! Request rate limits per API key and per network address. Over a limit the answer is
//! HTTP 429 with `Retry-After` and the GraphQL code `RATE_LIMITED`; nothing runs.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde_json::json;

use crate::cache::{Decision, Limit};
use crate::context::{AppContext, RequestMeta};

/// Refuses the request when its key or its address is over the limit.
pub async fn check(app: &AppContext, meta: &RequestMeta) -> Result<(), HttpResponse> {
    let mut buckets: Vec<(String, Limit)> = Vec::new();
    if let Some(client) = &meta.client {
        let per_minute = client
            .requests_per_minute
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n > 0)
            .unwrap_or(app.settings.rate_limit_per_key);
        buckets.push((format!("key:{}", client.id), Limit { per_minute }));
    }
    if let Some(address) = &meta.address {
        buckets.push((
            format!("addr:{address}"),
            Limit {
                per_minute: app.settings.rate_limit_per_address,
            },
        ));
    }
    for (key, limit) in buckets {
        if let Decision::Limited { retry_after } = app.limiters.take(&key, limit).await {
            app.metrics.record_rate_limited();
            let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
            return Err(HttpResponse::build(StatusCode::TOO_MANY_REQUESTS)
                .insert_header(("Retry-After", seconds.to_string()))
                .json(json!({
                    "errors": [{
                        "message": "too many requests; try again later",
                        "extensions": { "code": "RATE_LIMITED", "retryAfter": seconds }
                    }]
                })));
        }
    }
    Ok(())
}
