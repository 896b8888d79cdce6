//! Around every request: a request id (returned in `X-Request-Id`, written into audit entries
//! and GraphQL error extensions), a tracing span that every log line written while the
//! request is served carries (request id, W3C trace id, method, route, and once known the
//! operation name and the kind of caller), one log line per GraphQL request with its
//! outcome, status and duration, and the request metrics. Nothing logged carries query
//! text, variables, tokens or other personal data.
//!
//! A client's W3C `traceparent` header names the trace the request belongs to; without one
//! (or with a malformed one) the request starts a trace of its own. Either way the answer's
//! `traceparent` names the trace and this request's span in it, so a client or proxy can
//! find the server's log lines of any call.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};

use tracing::Instrument;

use crate::context::AppContext;
use crate::ids;
use crate::metrics::Outcome;

/// The W3C trace-context header.
pub const TRACEPARENT_HEADER: &str = "traceparent";

/// The header that carries the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// Longest request id taken from a trusted proxy.
const MAX_INCOMING_ID: usize = 64;

/// The id of the request being served.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// What the GraphQL handler reports about a request it handled.
#[derive(Debug, Clone)]
pub struct Executed {
    pub operation: Option<String>,
    pub outcome: Outcome,
}

/// The middleware.
pub async fn observe(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let app = request.app_data::<web::Data<AppContext>>().cloned();
    let trust_incoming = app
        .as_ref()
        .is_some_and(|app| app.settings.trust_forwarded_headers);
    let id = incoming_id(&request)
        .filter(|_| trust_incoming)
        .unwrap_or_else(|| ids::new_id().simple().to_string());
    request.extensions_mut().insert(RequestId(id.clone()));
    // Preflights are the browser's, not requests of the API.
    let graphql =
        request.path() == "/graphql" && request.method() != actix_web::http::Method::OPTIONS;
    let method = request.method().clone();
    let trace = TraceContext::of(&request);
    let route = request
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        trace_id = %trace.trace_id,
        span_id = %trace.span_id,
        method = %method,
        route = %route,
        operation = tracing::field::Empty,
        caller = tracing::field::Empty,
    );
    let started = Instant::now();
    let mut response = next.call(request).instrument(span.clone()).await?;
    let _entered = span.enter();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&id) {
        headers.insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    if let Ok(value) = HeaderValue::from_str(&trace.header()) {
        headers.insert(HeaderName::from_static(TRACEPARENT_HEADER), value);
    }
    let status = response.status();
    if graphql && status != StatusCode::SWITCHING_PROTOCOLS {
        let executed = response.response().extensions().get::<Executed>().cloned();
        let (operation, outcome) = match executed {
            Some(executed) => (executed.operation, executed.outcome),
            None if status.is_server_error() => (None, Outcome::Failed),
            None if status == StatusCode::OK => (None, Outcome::Ok),
            None => (None, Outcome::Refused),
        };
        let seconds = started.elapsed().as_secs_f64();
        if let Some(app) = &app {
            app.metrics
                .record_request(operation.as_deref(), outcome, seconds);
        }
        span.record("operation", operation.as_deref().unwrap_or("-"));
        tracing::info!(
            request_id = %id,
            method = %method,
            operation = operation.as_deref().unwrap_or("-"),
            outcome = outcome.label(),
            status = status.as_u16(),
            ms = (seconds * 1000.0).round() as u64,
            "graphql request"
        );
    }
    Ok(response)
}

/// An id a proxy in front already gave the request, if it is a sane token.
fn incoming_id(request: &ServiceRequest) -> Option<String> {
    let value = request.headers().get(REQUEST_ID_HEADER)?.to_str().ok()?;
    let value = value.trim();
    let sane = !value.is_empty()
        && value.len() <= MAX_INCOMING_ID
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    sane.then(|| value.to_owned())
}

/// The W3C trace context of a request: the trace it belongs to and the span it is in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    /// 32 lower-case hex digits.
    pub trace_id: String,
    /// 16 lower-case hex digits: this request's span.
    pub span_id: String,
    /// Whether the caller asked for the trace to be recorded.
    pub sampled: bool,
}

impl TraceContext {
    /// The caller's trace with a new span in it, or a new trace.
    fn of(request: &ServiceRequest) -> Self {
        let incoming = request
            .headers()
            .get(TRACEPARENT_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_traceparent);
        let span_id = random_hex(8);
        match incoming {
            Some((trace_id, sampled)) => Self {
                trace_id,
                span_id,
                sampled,
            },
            None => Self {
                trace_id: random_hex(16),
                span_id,
                sampled: false,
            },
        }
    }

    /// The `traceparent` value naming this request's span.
    pub fn header(&self) -> String {
        let flags = if self.sampled { "01" } else { "00" };
        format!("00-{}-{}-{flags}", self.trace_id, self.span_id)
    }
}

/// The trace id and sampled flag of a `traceparent` value (W3C Trace Context, version 00 or
/// a later one read as 00); `None` when it is malformed or names the invalid all-zero ids.
pub fn parse_traceparent(value: &str) -> Option<(String, bool)> {
    let mut parts = value.trim().split('-');
    let version = parts.next()?;
    let trace_id = parts.next()?;
    let parent_id = parts.next()?;
    let flags = parts.next()?;
    let hex = |text: &str, len: usize| {
        text.len() == len && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    let valid = hex(version, 2)
        && version != "ff"
        && (version != "00" || parts.next().is_none())
        && hex(trace_id, 32)
        && trace_id.bytes().any(|b| b != b'0')
        && hex(parent_id, 16)
        && parent_id.bytes().any(|b| b != b'0')
        && hex(flags, 2);
    if !valid {
        return None;
    }
    let sampled = u8::from_str_radix(flags, 16).ok()? & 1 == 1;
    Some((trace_id.to_owned(), sampled))
}

/// `bytes` (at most 16) random bytes in lower-case hex: a random (version 4) UUID's digits
/// (drawn from a thread-local generator, `uuid`'s `fast-rng`: no system call per request).
fn random_hex(bytes: usize) -> String {
    let mut digits = uuid::Uuid::new_v4().simple().to_string();
    digits.truncate(bytes * 2);
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_values_are_read_as_the_w3c_format_says() {
        let good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assert_eq!(
            parse_traceparent(good),
            Some(("4bf92f3577b34da6a3ce929d0e0e4736".to_owned(), true))
        );
        let unsampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
        assert_eq!(parse_traceparent(unsampled).map(|t| t.1), Some(false));
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        ] {
            assert_eq!(parse_traceparent(bad), None, "{bad}");
        }
        // A later version may carry more fields.
        assert!(
            parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x")
                .is_some()
        );
    }
}
