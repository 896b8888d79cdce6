//! Who sends a request: the bearer token's account, the API key's partner app, the network
//! address and a fresh request id.
//!
//! A request that presents credentials which do not hold (a bad or expired token, a signed
//! out session, an unknown key) is refused with 401 before anything runs, rather than served
//! as anonymous: a client should learn at once that its token needs refreshing.

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};

use crate::auth::Viewer;
use crate::auth::{ApiClient, RequestMeta};
use crate::context::AppContext;
use crate::error::Code;
use crate::http::observe::RequestId;
use crate::http::refusal::refusal;
use crate::service;
use crate::service::signed_in::{self, TokenRefusal};
use crate::{ids, network};

/// The header partner apps send their key in.
pub const API_KEY_HEADER: &str = "X-Api-Key";

/// The metadata of a request, or the response that refuses it.
pub async fn identify(
    app: &AppContext,
    http: &HttpRequest,
    address: Option<String>,
) -> Result<RequestMeta, HttpResponse> {
    // The observing middleware gave the request its id; a bare handler (tests) makes one.
    let request_id = http
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_else(|| ids::new_id().simple().to_string());
    let client = match header_text(http, API_KEY_HEADER) {
        Ok(None) => None,
        Ok(Some(key)) => match service::api_client::by_key(&app.db, key).await {
            Ok(Some(client)) => Some(ApiClient {
                id: client.id,
                name: client.name,
                requests_per_minute: client.requests_per_minute,
                allow_list_only: client.allow_list_only,
            }),
            Ok(None) => return Err(unauthorized("unknown or revoked API key", false)),
            Err(err) => return Err(unavailable(&err)),
        },
        Err(()) => return Err(unauthorized("unreadable API key header", false)),
    };
    let viewer = match header_text(http, header::AUTHORIZATION.as_str()) {
        Ok(None) => Viewer::Anonymous,
        Ok(Some(value)) => {
            let Some(token) = bearer(value) else {
                return Err(unauthorized(
                    "the Authorization header must be `Bearer <access token>`",
                    true,
                ));
            };
            match signed_in::staff_for_token(&app.identity(), token).await {
                Ok(staff) => Viewer::Staff(staff),
                Err(TokenRefusal::Invalid) => {
                    return Err(unauthorized("invalid or expired access token", true));
                }
                Err(TokenRefusal::Ended) => {
                    return Err(unauthorized(
                        "the session has ended or the account is disabled",
                        true,
                    ));
                }
                Err(TokenRefusal::Unavailable(err)) => return Err(unavailable(&err)),
            }
        }
        Err(()) => return Err(unauthorized("unreadable Authorization header", true)),
    };
    if let Some(client) = &client {
        tracing::debug!(client = %client.name, %request_id, "request from partner app");
    }
    Ok(RequestMeta {
        viewer,
        client,
        address,
        request_id: Some(request_id),
    })
}

/// The caller's network as the limits count it (an IPv4 address or an IPv6 /64): the
/// peer's, or behind a trusted proxy the one it reports.
pub fn address(app: &AppContext, http: &HttpRequest) -> Option<String> {
    if app.settings.http.trust_forwarded_headers {
        http.connection_info()
            .realip_remote_addr()
            .map(network::limit_key_of)
    } else {
        http.peer_addr().map(|a| network::limit_key(a.ip()))
    }
}

/// How large this request's body may be and how long the client has to send it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyAllowance {
    pub max_bytes: usize,
    pub deadline: std::time::Duration,
}

/// The body this request may send: staff members with a valid access token may send offer
/// files (`IMPORT_MAX_BYTES` within `IMPORT_TIMEOUT_SECS`), everyone else `MAX_BODY_BYTES`
/// within `CLIENT_BODY_TIMEOUT_MS`. Only the token's signature and expiry are checked here,
/// which costs no database round trip; the request is identified fully before it runs.
pub fn body_allowance(app: &AppContext, http: &HttpRequest) -> BodyAllowance {
    let settings = &app.settings;
    let signed = header_text(http, header::AUTHORIZATION.as_str())
        .ok()
        .flatten()
        .and_then(bearer)
        .is_some_and(|token| app.tokens.verify(token).is_ok());
    let ordinary = std::time::Duration::from_millis(settings.http.client_body_timeout_ms.max(1));
    if signed {
        BodyAllowance {
            max_bytes: settings
                .http
                .max_body_bytes
                .max(settings.catalogue.import_max_bytes),
            deadline: ordinary.max(std::time::Duration::from_secs(
                settings.catalogue.import_timeout_secs,
            )),
        }
    } else {
        BodyAllowance {
            max_bytes: settings.http.max_body_bytes,
            deadline: ordinary,
        }
    }
}

/// A header's value as text; `Err` when it is not visible ASCII.
fn header_text<'a>(http: &'a HttpRequest, name: &str) -> Result<Option<&'a str>, ()> {
    match http.headers().get(name) {
        None => Ok(None),
        Some(value) => value.to_str().map(|v| Some(v.trim())).map_err(|_| ()),
    }
}

/// The token of a `Bearer` authorization (scheme in any case).
pub fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn unauthorized(message: &str, token: bool) -> HttpResponse {
    let mut response = refusal(Code::Unauthenticated, message);
    if token {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
    }
    response
}

fn unavailable(err: &crate::error::ApiError) -> HttpResponse {
    super::refusal::refusal_for(err)
}
