//! HTTP caching of `GET` answers, so regional sites, browsers and CDNs can keep them: an
//! anonymous, error-free answer says `Cache-Control: public` with the configured `max-age`
//! and carries a weak `ETag` (a hash of the body, whose fields come in the document's
//! order, so the same data gives the same tag on every instance); a request whose `If-None-Match` names that
//! tag gets `304 Not Modified` without the body. Anything a signed-in caller receives, and
//! any answer with errors, is `private, no-store`.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};

use crate::auth::Viewer;
use crate::cache::persisted::hex_digest;
use crate::context::{AppContext, RequestMeta};

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
            max_age_secs: app.settings.http_cache_max_age_secs,
            if_none_match: http
                .headers()
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        }
    }

    /// Whether the client already holds the answer with this tag (weak comparison, as
    /// `If-None-Match` asks).
    fn holds(&self, etag: &str) -> bool {
        let Some(header) = &self.if_none_match else {
            return false;
        };
        let etag = weakless(etag);
        header
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || weakless(tag) == etag)
    }
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
    // Weak: the same answer may travel compressed or not (see `http::configure`).
    let etag = format!("W/\"{}\"", &hex_digest(&body)[..32]);
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
