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

tokio::task_local! {
    /// The id of the request the current task is serving, for answers written far from
    /// the request itself (refusals of its form, of its rate, of its path).
    static SERVING: String;
}

/// The id of the request being served on this task, if any.
pub fn current_request_id() -> Option<String> {
    SERVING.try_with(Clone::clone).ok()
}

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
        .is_some_and(|app| app.settings.http.trust_forwarded_headers);
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
        otel.name = tracing::field::Empty,
        otel.kind = tracing::field::Empty,
        request_id = %id,
        trace_id = tracing::field::Empty,
        span_id = tracing::field::Empty,
        method = %method,
        route = %route,
        operation = tracing::field::Empty,
        caller = tracing::field::Empty,
        http.response.status_code = tracing::field::Empty,
    );
    // What only a trace viewer needs stays out of the log lines.
    let exporting = crate::telemetry::exporting();
    if exporting {
        span.record("otel.name", format!("{method} {route}"));
        span.record("otel.kind", "server");
    }
    let trace = trace.exported_as(&span);
    span.record("trace_id", tracing::field::display(&trace.trace_id));
    span.record("span_id", tracing::field::display(&trace.span_id));
    let started = Instant::now();
    let mut response = SERVING
        .scope(id.clone(), next.call(request).instrument(span.clone()))
        .await?;
    let _entered = span.enter();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&id) {
        headers.insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    if let Ok(value) = HeaderValue::from_str(&trace.header()) {
        headers.insert(HeaderName::from_static(TRACEPARENT_HEADER), value);
    }
    let status = response.status();
    if exporting {
        span.record("http.response.status_code", i64::from(status.as_u16()));
    }
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
    /// The caller's span, when a `traceparent` named one.
    pub parent_span_id: Option<String>,
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
            Some(Traceparent {
                trace_id,
                parent_span_id,
                sampled,
            }) => Self {
                trace_id,
                span_id,
                sampled,
                parent_span_id: Some(parent_span_id),
            },
            None => Self {
                trace_id: random_hex(16),
                span_id,
                sampled: false,
                parent_span_id: None,
            },
        }
    }

    /// When spans are exported, the ids OpenTelemetry gave the request's span (a child
    /// of the caller's), so the answer names the span a trace viewer shows.
    fn exported_as(self, span: &tracing::Span) -> Self {
        let caller = self
            .parent_span_id
            .as_deref()
            .map(|parent| (self.trace_id.as_str(), parent, self.sampled));
        match crate::telemetry::join_caller_trace(span, caller) {
            Some((trace_id, span_id, sampled)) => Self {
                trace_id,
                span_id,
                sampled,
                ..self
            },
            None => self,
        }
    }

    /// The `traceparent` value naming this request's span.
    pub fn header(&self) -> String {
        let flags = if self.sampled { "01" } else { "00" };
        format!("00-{}-{}-{flags}", self.trace_id, self.span_id)
    }
}

/// What a `traceparent` header names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traceparent {
    pub trace_id: String,
    pub parent_span_id: String,
    pub sampled: bool,
}

/// A `traceparent` value read as W3C Trace Context says (version 00, or a later one read
/// as 00); `None` when it is malformed or names the invalid all-zero ids.
pub fn parse_traceparent(value: &str) -> Option<Traceparent> {
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
    Some(Traceparent {
        trace_id: trace_id.to_owned(),
        parent_span_id: parent_id.to_owned(),
        sampled,
    })
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
            Some(Traceparent {
                trace_id: "4bf92f3577b34da6a3ce929d0e0e4736".to_owned(),
                parent_span_id: "00f067aa0ba902b7".to_owned(),
                sampled: true
            })
        );
        let unsampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
        assert_eq!(parse_traceparent(unsampled).map(|t| t.sampled), Some(false));
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
