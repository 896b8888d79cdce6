//! The GraphiQL page is served whole by the server: every script and stylesheet it loads
//! comes from `/graphiql/`, its policy forbids anything else, and a browser navigating to
//! a query's URL gets the page with that query instead of a JSON answer. (`.ci/run` also
//! opens it in headless Chromium with every other address blocked.)

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use tests::{HttpReply, TestApp, percent_encode as encode};

const BROWSER_ACCEPT: &str =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8";

/// A header's value; empty when absent.
fn header<'a>(reply: &'a HttpReply, name: &str) -> &'a str {
    reply
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The `src` and `href` values of the page's tags.
fn references(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        let mut rest = page;
        while let Some(at) = rest.find(attribute) {
            rest = &rest[at + attribute.len()..];
            let Some(end) = rest.find('"') else { break };
            found.push(rest[..end].to_owned());
        }
    }
    found
}

async fn page(app: &TestApp, uri: &str) -> HttpReply {
    app.request(
        TestRequest::get()
            .uri(uri)
            .insert_header(("Accept", BROWSER_ACCEPT)),
    )
    .await
}

#[tokio::test]
async fn the_page_and_everything_it_loads_come_from_the_server() {
    let app = TestApp::spawn().await;
    let reply = page(&app, "/graphql").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(header(&reply, "Content-Type").starts_with("text/html"));
    let policy = header(&reply, "Content-Security-Policy");
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(policy.contains("script-src 'self'"), "{policy}");
    let html = String::from_utf8(reply.bytes.clone()).unwrap();
    assert!(!html.contains("unpkg") && !html.contains("://"), "{html}");

    let references = references(&html);
    let scripts: Vec<_> = references.iter().filter(|r| r.ends_with(".js")).collect();
    let styles: Vec<_> = references.iter().filter(|r| r.ends_with(".css")).collect();
    // React, ReactDOM and GraphiQL (production builds), then the page's start script.
    assert_eq!(scripts.len(), 4, "{references:?}");
    assert!(
        scripts.iter().all(|s| s.starts_with("graphiql/")),
        "{scripts:?}"
    );
    assert!(
        scripts
            .iter()
            .any(|s| s.contains("react-dom") && s.contains("production.min"))
    );
    assert!(scripts.last().unwrap().ends_with("start.js"));
    assert_eq!(styles.len(), 2, "{references:?}");

    for reference in references.iter().filter(|r| !r.starts_with("data:")) {
        let asset = app
            .request(TestRequest::get().uri(&format!("/{reference}")))
            .await;
        assert_eq!(asset.status, StatusCode::OK, "{reference}");
        let content_type = header(&asset, "Content-Type");
        let expected = if reference.ends_with(".js") {
            "text/javascript"
        } else {
            "text/css"
        };
        assert!(
            content_type.starts_with(expected),
            "{reference}: {content_type}"
        );
        assert!(asset.bytes.len() > 100, "{reference}");
        assert_eq!(header(&asset, "X-Content-Type-Options"), "nosniff");
        let cache = header(&asset, "Cache-Control");
        if reference.contains("graphiql-4") || reference.contains("react") {
            assert!(cache.contains("immutable"), "{reference}: {cache}");
        } else {
            assert_eq!(cache, "no-cache", "{reference}");
        }
        // A browser that holds the file asks with its tag and gets 304 without the body.
        let tag = header(&asset, "ETag").to_owned();
        let again = app
            .request(
                TestRequest::get()
                    .uri(&format!("/{reference}"))
                    .insert_header(("If-None-Match", tag.as_str())),
            )
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{reference}");
        assert!(again.bytes.is_empty());
    }
    let missing = app
        .request(TestRequest::get().uri("/graphiql/nothing.js"))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_browser_opening_a_query_link_gets_the_page_and_clients_get_json() {
    let app = TestApp::spawn().await;
    let uri = format!("/graphql?query={}", encode("{ categories { code } }"));
    let browser = page(&app, &uri).await;
    assert_eq!(browser.status, StatusCode::OK);
    assert!(header(&browser, "Content-Type").starts_with("text/html"));

    for accept in [
        None,
        Some("*/*"),
        Some("application/json"),
        Some("application/graphql-response+json, text/html;q=0.5"),
    ] {
        let mut request = TestRequest::get().uri(&uri);
        if let Some(accept) = accept {
            request = request.insert_header(("Accept", accept));
        }
        let reply = app.request(request).await;
        assert_eq!(reply.status, StatusCode::OK, "{accept:?}");
        assert!(
            header(&reply, "Content-Type").contains("json"),
            "{accept:?}"
        );
        assert!(reply.body["data"]["categories"].is_array(), "{accept:?}");
    }
}

#[tokio::test]
async fn with_graphiql_off_there_is_no_page_and_no_assets() {
    let app = TestApp::spawn_with(|s| s.queries.graphiql = Some(false)).await;
    let reply = page(&app, "/graphql").await;
    assert_ne!(reply.status, StatusCode::OK);
    assert!(!String::from_utf8_lossy(&reply.bytes).contains("<html"));
    let asset = app
        .request(TestRequest::get().uri("/graphiql/start.js"))
        .await;
    assert_eq!(asset.status, StatusCode::NOT_FOUND);

    // A browser opening a query link gets the JSON answer.
    let uri = format!("/graphql?query={}", encode("{ categories { code } }"));
    let reply = page(&app, &uri).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body["data"]["categories"].is_array());
}
