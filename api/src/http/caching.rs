//! HTTP caching of `GET` answers, so regional sites, browsers and CDNs can keep them: an
//! anonymous, error-free answer says `Cache-Control: public` with the configured `max-age`
//! and carries a weak `ETag` (a hash of the body, whose fields come in the document's
//! order, so the same data gives the same tag on every instance); a request whose `If-None-Match` names that
//! tag gets `304 Not Modified` without the body. Anything a signed-in caller receives, and
//! any answer with errors, is `private, no-store`.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};

use crate::auth::RequestMeta;
use crate::auth::Viewer;
use crate::context::AppContext;
use crate::digest::sha256_hex;

/// What a `GET` request allows its answer to say about caching.
pub struct HttpCaching {
    shared: bool,
    max_age_secs: u64,
    if_none_match: Option<String>,
}

impl HttpCaching {
    /// The caching a request's answer may have.
    pub fn for_request(app: &AppContext, meta: &RequestMeta, http: &HttpRequest) -> Self {
        Self {
            shared: matches!(meta.viewer, Viewer::Anonymous),
            max_age_secs: app.settings.caches.http_cache_max_age_secs,
            if_none_match: if_none_match(http).map(str::to_owned),
        }
    }

    /// Whether the client already holds the answer with this tag.
    fn holds(&self, etag: &str) -> bool {
        self.if_none_match
            .as_deref()
            .is_some_and(|header| names_tag(header, etag))
    }
}

/// The weak entity tag of a body. Weak: the same answer may travel compressed or not (see
/// `http::configure`).
pub fn weak_etag(body: &[u8]) -> String {
    format!("W/\"{}\"", &sha256_hex(body)[..32])
}

/// Whether the request's `If-None-Match` names this tag: the client holds that body already.
pub fn client_holds(http: &HttpRequest, etag: &str) -> bool {
    if_none_match(http).is_some_and(|header| names_tag(header, etag))
}

fn if_none_match(http: &HttpRequest) -> Option<&str> {
    http.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
}

/// Whether an `If-None-Match` value names the tag (weak comparison, as that header asks).
fn names_tag(header: &str, etag: &str) -> bool {
    let etag = weakless(etag);
    header
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || weakless(tag) == etag)
}

/// The answer with its caching headers, or `304` when the client holds it already.
/// `cacheable` is false for answers with errors or from a degraded search.
pub fn finish(
    mut reply: HttpResponseBuilder,
    body: Vec<u8>,
    caching: Option<&HttpCaching>,
    cacheable: bool,
) -> HttpResponse {
    let Some(caching) = caching else {
        return reply.body(body);
    };
    if !(cacheable && caching.shared) {
        reply.insert_header((header::CACHE_CONTROL, "private, no-store"));
        return reply.body(body);
    }
    let etag = weak_etag(&body);
    let control = if caching.max_age_secs == 0 {
        "public, no-cache".to_owned()
    } else {
        format!("public, max-age={}", caching.max_age_secs)
    };
    reply
        .insert_header((header::CACHE_CONTROL, control))
        .insert_header((header::ETAG, etag.clone()))
        .insert_header((header::VARY, "Accept-Language, Authorization"));
    if caching.holds(&etag) {
        return reply.status(StatusCode::NOT_MODIFIED).finish();
    }
    reply.body(body)
}

/// A tag without its weakness mark (`If-None-Match` compares weakly).
fn weakless(tag: &str) -> &str {
    tag.strip_prefix("W/").unwrap_or(tag)
}
