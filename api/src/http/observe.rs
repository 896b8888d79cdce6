//! Around every request: a request id (returned in `X-Request-Id`, written into audit entries
//! and GraphQL error extensions), one log line per GraphQL request with its operation name,
//! outcome, status and duration, and the request metrics. The log line carries no query
//! text, variables, tokens or other personal data.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};

use crate::context::AppContext;
use crate::ids;
use crate::metrics::Outcome;

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
    let started = Instant::now();
    let mut response = next.call(request).await?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
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
