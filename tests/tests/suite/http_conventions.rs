//! The conventions HTTP clients and tools rely on: GraphQL over HTTP's media types and
//! statuses, answers in the document's field order (so equal data gives equal bodies and
//! `ETag`s), `HEAD`, compression, the SDL at `/schema.graphql`, and CORS preflights that let
//! ordinary client headers through.

use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;
use serde_json::{Value, json};
use tests::{HttpReply, TestApp, error_code, percent_encode as encode};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

async fn post_accepting(app: &TestApp, accept: Option<&str>, body: Value) -> HttpReply {
    let mut request = TestRequest::post().uri("/graphql").set_json(body);
    if let Some(accept) = accept {
        request = request.insert_header(("Accept", accept));
    }
    app.request(request).await
}

fn header<'a>(reply: &'a HttpReply, name: &str) -> Option<&'a str> {
    reply.headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn fields_come_in_the_order_the_document_asks_for_them() {
    let app = TestApp::spawn().await;
    // `__typename` is ready at once, the offers only after the database answered: in the
    // order they finish, `__typename` would come first.
    let reply = post_accepting(
        &app,
        None,
        json!({ "query": "{ offers(first: 3) { totalCount pageInfo { hasNextPage endCursor } } t: __typename regions(first: 2) { nodes { name code } } }" }),
    )
    .await;
    let text = String::from_utf8(reply.bytes.clone()).unwrap();
    let at = |key: &str| text.find(key).unwrap_or_else(|| panic!("{key} in {text}"));
    assert!(at("\"offers\"") < at("\"t\""), "{text}");
    assert!(at("\"t\"") < at("\"regions\""), "{text}");
    assert!(at("\"totalCount\"") < at("\"pageInfo\""), "{text}");
    assert!(at("\"hasNextPage\"") < at("\"endCursor\""), "{text}");
    assert!(at("\"name\"") < at("\"code\""), "{text}");
}

#[tokio::test]
async fn the_same_get_gives_the_same_body_and_tag_every_time() {
    let app = TestApp::spawn().await;
    let query = "{ regions(first: 20) { nodes { code name } } categories { code label } offers(first: 5) { totalCount } }";
    let uri = format!("/graphql?query={}", encode(query));
    let first = app.request(TestRequest::get().uri(&uri)).await;
    assert_eq!(first.status, StatusCode::OK);
    let tag = header(&first, "ETag").expect("an ETag").to_owned();
    assert!(tag.starts_with("W/\""), "{tag}");
    for _ in 0..10 {
        let again = app.request(TestRequest::get().uri(&uri)).await;
        assert_eq!(header(&again, "ETag"), Some(tag.as_str()));
        assert_eq!(again.bytes, first.bytes);
    }
}

#[tokio::test]
async fn graphql_response_json_says_with_its_status_whether_the_request_ran() {
    let app = TestApp::spawn().await;
    let ok = post_accepting(
        &app,
        Some(GRAPHQL_RESPONSE),
        json!({ "query": "{ __typename }" }),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(
        header(&ok, "Content-Type")
            .unwrap()
            .starts_with(GRAPHQL_RESPONSE)
    );
    assert_eq!(ok.body["data"], json!({ "__typename": "Query" }));
    assert!(ok.body.get("errors").is_none(), "{}", ok.body);
    assert_eq!(ok.body["extensions"]["cost"]["complexity"], 0);

    let failures = [
        json!({ "query": "{" }),
        json!({ "query": "{ noSuchField }" }),
        json!({ "query": "query C($id: ID!) { __typename }", "variables": { "id": null } }),
    ];
    for body in &failures {
        let reply = post_accepting(&app, Some(GRAPHQL_RESPONSE), body.clone()).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body} → {}",
            reply.body
        );
        assert!(reply.body.get("data").is_none(), "{}", reply.body);
        assert!(reply.body["errors"][0]["message"].is_string());
        // The classic media type keeps 200 for the same answers, also without `data`.
        let classic = post_accepting(&app, Some("application/json"), body.clone()).await;
        assert_eq!(classic.status, StatusCode::OK, "{body}");
        assert!(
            header(&classic, "Content-Type")
                .unwrap()
                .starts_with("application/json")
        );
        assert!(classic.body.get("data").is_none(), "{}", classic.body);
    }

    // An error in execution leaves `data` and a 200.
    let ran = post_accepting(
        &app,
        Some(GRAPHQL_RESPONSE),
        json!({ "query": "{ __typename offer(id: \"not-an-id\") { id } }" }),
    )
    .await;
    assert_eq!(ran.status, StatusCode::OK, "{}", ran.body);
    assert_eq!(ran.body["data"]["__typename"], "Query");
}

#[tokio::test]
async fn a_client_that_accepts_no_json_gets_406_and_wildcards_get_json() {
    let app = TestApp::spawn().await;
    let refused = post_accepting(
        &app,
        Some("text/html"),
        json!({ "query": "{ __typename }" }),
    )
    .await;
    assert_eq!(refused.status, StatusCode::NOT_ACCEPTABLE);
    for accept in [None, Some("*/*"), Some("application/*")] {
        let reply = post_accepting(&app, accept, json!({ "query": "{ __typename }" })).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(
            header(&reply, "Content-Type")
                .unwrap()
                .starts_with("application/json")
        );
    }
}

#[tokio::test]
async fn a_body_without_a_query_gets_a_plain_message() {
    let app = TestApp::spawn().await;
    for body in [
        json!({ "qeury": "{ __typename }" }),
        json!({ "query": "  " }),
        json!({}),
    ] {
        let reply = post_accepting(&app, None, body.clone()).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error_code(&reply.body), Some("BAD_USER_INPUT"));
        let message = reply.body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("`query`"), "{message}");
        assert!(!message.contains("-->"), "no parser drawing: {message}");
    }
    // Null parameters are parameters left out.
    let nulls = post_accepting(
        &app,
        None,
        json!({ "query": "{ __typename }", "variables": null, "operationName": null, "extensions": null }),
    )
    .await;
    assert_eq!(nulls.status, StatusCode::OK);
    assert!(nulls.body.get("errors").is_none(), "{}", nulls.body);
}

/// The status line and the bytes after the header of a raw HTTP/1.1 request to `served`.
async fn raw_http(addr: std::net::SocketAddr, method: &str, uri: &str) -> (String, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request =
        format!("{method} {uri} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let end = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&answer[..end]).into_owned();
    let status = head.lines().next().unwrap_or_default().to_owned();
    (status, answer[end + 4..].to_vec())
}

#[actix_web::test]
async fn head_answers_every_read_route_without_a_body_and_never_runs_a_mutation() {
    let app = TestApp::spawn().await;
    let served = app.serve();
    let query_uri = format!("/graphql?query={}", encode("{ __typename }"));
    for uri in [
        "/healthz",
        "/readyz",
        "/metrics",
        "/schema.graphql",
        query_uri.as_str(),
    ] {
        let (status, body) = raw_http(served.addr, "HEAD", uri).await;
        assert!(status.contains(" 200 "), "HEAD {uri}: {status}");
        assert!(body.is_empty(), "HEAD {uri} has no body");
        let (status, body) = raw_http(served.addr, "GET", uri).await;
        assert!(status.contains(" 200 "), "GET {uri}: {status}");
        assert!(!body.is_empty(), "GET {uri} has a body");
    }
    let mutation = format!("/graphql?query={}", encode("mutation { logout }"));
    let (status, _) = raw_http(served.addr, "HEAD", &mutation).await;
    assert!(status.contains(" 405 "), "{status}");
}

#[tokio::test]
async fn the_schema_is_served_as_sdl_and_answers_are_compressed_when_asked() {
    let app = TestApp::spawn().await;
    let plain = app.request(TestRequest::get().uri("/schema.graphql")).await;
    assert_eq!(plain.status, StatusCode::OK);
    let sdl = String::from_utf8(plain.bytes.clone()).unwrap();
    assert_eq!(sdl, angebotsplattform::graphql::sdl());
    assert!(sdl.contains("type Query"));
    // Scalars are named for what they hold and say which specification they follow.
    assert!(sdl.contains("scalar Date @specifiedBy(url: "), "{sdl}");
    assert!(sdl.contains("scalar LocalTime @specifiedBy(url: "));
    assert!(!sdl.contains("NaiveDate") && !sdl.contains("NaiveTime"));

    for encoding in ["gzip", "br"] {
        let reply = app
            .request(
                TestRequest::get()
                    .uri("/schema.graphql")
                    .insert_header(("Accept-Encoding", encoding)),
            )
            .await;
        assert_eq!(header(&reply, "Content-Encoding"), Some(encoding));
        assert!(
            reply.bytes.len() * 2 < plain.bytes.len(),
            "{encoding} shrinks the SDL: {} of {} bytes",
            reply.bytes.len(),
            plain.bytes.len()
        );
    }
    let json = app
        .request(
            TestRequest::post()
                .uri("/graphql")
                .insert_header(("Accept-Encoding", "gzip"))
                .set_json(
                    json!({ "query": "{ regions(first: 100) { nodes { code name postcodes } } }" }),
                ),
        )
        .await;
    assert_eq!(header(&json, "Content-Encoding"), Some("gzip"));
}

#[tokio::test]
async fn preflights_let_tracing_and_client_library_headers_through() {
    let app = TestApp::spawn().await;
    let preflight = app
        .request(
            TestRequest::default()
                .method(Method::OPTIONS)
                .uri("/graphql")
                .insert_header(("Origin", "https://app.example.org"))
                .insert_header(("Access-Control-Request-Method", "POST"))
                .insert_header((
                    "Access-Control-Request-Headers",
                    "content-type, traceparent, baggage, apollographql-client-name, apollographql-client-version, x-request-id",
                )),
        )
        .await;
    assert_eq!(preflight.status, StatusCode::OK, "{:?}", preflight.headers);
    let allowed = header(&preflight, "Access-Control-Allow-Headers")
        .unwrap()
        .to_ascii_lowercase();
    for name in [
        "traceparent",
        "baggage",
        "apollographql-client-name",
        "x-request-id",
    ] {
        assert!(allowed.contains(name), "{name} in {allowed}");
    }
    // With every origin allowed, the answer says `*` rather than echoing each origin.
    let simple = app
        .request(
            TestRequest::get()
                .uri(&format!("/graphql?query={}", encode("{ __typename }")))
                .insert_header(("Origin", "https://app.example.org")),
        )
        .await;
    assert_eq!(header(&simple, "Access-Control-Allow-Origin"), Some("*"));
}

#[tokio::test]
async fn the_allowed_headers_are_a_setting() {
    let app = TestApp::spawn_with(|s| s.http.cors_allowed_headers = "x-partner-trace".into()).await;
    let preflight = |headers: &'static str| {
        TestRequest::default()
            .method(Method::OPTIONS)
            .uri("/graphql")
            .insert_header(("Origin", "https://app.example.org"))
            .insert_header(("Access-Control-Request-Method", "POST"))
            .insert_header(("Access-Control-Request-Headers", headers))
    };
    let own = app
        .request(preflight("content-type, x-partner-trace"))
        .await;
    assert_eq!(own.status, StatusCode::OK);
    let other = app.request(preflight("content-type, traceparent")).await;
    assert_ne!(other.status, StatusCode::OK);
}

#[tokio::test]
async fn a_persisted_query_unknown_over_get_is_not_to_be_kept() {
    let app = TestApp::spawn().await;
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": "ab".repeat(32) } });
    let reply = app
        .request(TestRequest::get().uri(&format!(
            "/graphql?extensions={}",
            encode(&extensions.to_string())
        )))
        .await;
    assert_eq!(error_code(&reply.body), Some("PERSISTED_QUERY_NOT_FOUND"));
    assert_eq!(header(&reply, "Cache-Control"), Some("no-store"));
}
