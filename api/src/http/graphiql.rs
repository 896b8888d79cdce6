//! The GraphiQL page and its assets, all served by this binary: React, GraphiQL and its
//! styles are the packages' production bundles, brought in at build time (see `build.rs`),
//! so the page works on a network without internet access. Queries run over HTTP and
//! subscriptions over the WebSocket of the same endpoint.
//!
//! The page's content security policy allows nothing but this server, which both guards
//! the page and proves it loads nothing from elsewhere.

use std::collections::HashMap;
use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::caching;
use crate::context::AppContext;

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/graphiql/assets.rs"));
}

/// The page's own files, written for this server (not bundles): they change with a release,
/// so browsers revalidate them instead of keeping them for a year.
const OWN_FILES: &[(&str, &str, &[u8])] = &[
    (
        "start.js",
        "text/javascript; charset=utf-8",
        include_bytes!("graphiql/start.js"),
    ),
    (
        "page.css",
        "text/css; charset=utf-8",
        include_bytes!("graphiql/page.css"),
    ),
];

/// Scripts from this server only; GraphiQL styles its components inline, and its fonts and
/// icons are `data:` URLs inside the stylesheet.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The page, its `<link>` and `<script>` tags filled in from the bundled assets (in the
/// order they load: React before GraphiQL).
static PAGE: LazyLock<String> = LazyLock::new(|| {
    let tags = |extension: &str, tag: fn(&str) -> String| {
        bundled::ASSETS
            .iter()
            .filter(|(name, _, _)| name.ends_with(extension))
            .map(|(name, _, _)| tag(name))
            .collect::<Vec<_>>()
            .join("\n")
    };
    include_str!("graphiql/page.html")
        .replace(
            "{{styles}}",
            &tags(".css", |name| {
                format!(r#"    <link rel="stylesheet" href="graphiql/{name}">"#)
            }),
        )
        .replace(
            "{{scripts}}",
            &tags(".js", |name| {
                format!(r#"    <script src="graphiql/{name}"></script>"#)
            }),
        )
});

/// The GraphiQL page (the caller checked that GraphiQL is on).
pub fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(PAGE.as_str())
}

/// One file the page loads, with what its answer says.
struct Asset {
    content_type: &'static str,
    body: &'static [u8],
    etag: String,
    cache_control: &'static str,
}

/// Every asset by name, each tagged once. The bundles' names carry their version, so
/// browsers keep them for a year without asking again; the page's own files change with a
/// release and are revalidated.
static ASSETS: LazyLock<HashMap<&'static str, Asset>> = LazyLock::new(|| {
    let immutable = bundled::ASSETS
        .iter()
        .map(|file| (file, "public, max-age=31536000, immutable"));
    let revalidated = OWN_FILES.iter().map(|file| (file, "no-cache"));
    immutable
        .chain(revalidated)
        .map(|(&(name, content_type, body), cache_control)| {
            let etag = caching::weak_etag(body);
            let asset = Asset {
                content_type,
                body,
                etag,
                cache_control,
            };
            (name, asset)
        })
        .collect()
});

/// `GET /graphiql/{file}`: one of the page's assets; 404 when GraphiQL is off.
pub async fn asset(
    app: web::Data<AppContext>,
    file: web::Path<String>,
    http: HttpRequest,
) -> HttpResponse {
    if !app.settings.graphiql_enabled() {
        return HttpResponse::NotFound().finish();
    }
    let Some(asset) = ASSETS.get(file.as_str()) else {
        return HttpResponse::NotFound().finish();
    };
    let held = caching::client_holds(&http, &asset.etag);
    let mut reply = if held {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    reply
        .insert_header((header::ETAG, asset.etag.clone()))
        .insert_header((header::CACHE_CONTROL, asset.cache_control))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    if held {
        return reply.finish();
    }
    reply.content_type(asset.content_type).body(asset.body)
}
