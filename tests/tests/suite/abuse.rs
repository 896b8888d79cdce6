//! Hostile requests, each answered with a clear error while the server stays up and its
//! memory stays bounded: huge bodies and batches, alias floods, broken encodings, wrong
//! variable types, unknown operations, whitespace padding, introspection in production,
//! oversized WebSocket frames and clients that never finish their request.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::json;
use tests::ws::WsClient;
use tests::{TestApp, error_code};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn still_up(app: &TestApp) {
    let data = app.data("{ categories { code } }", json!({})).await;
    assert!(data["categories"].as_array().is_some_and(|c| !c.is_empty()));
}

fn post_raw(body: Vec<u8>) -> TestRequest {
    TestRequest::post()
        .uri("/graphql")
        .insert_header(("Content-Type", "application/json"))
        .set_payload(body)
}

/// The resident memory of this process, in KiB (Linux).
fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Sends a request head and as much of a body as the server takes; returns the status line.
async fn send_over_the_wire(addr: std::net::SocketAddr, head: &str, body_len: usize) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // A head over the server's limit may be cut off (reset) before it is all through: the
    // refusal then has no status line.
    if stream.write_all(head.as_bytes()).await.is_err() {
        return String::new();
    }
    let chunk = vec![b' '; 64 * 1024];
    let mut sent = 0;
    while sent < body_len {
        // The server may answer and close before the body is through: that is the point.
        if stream.write_all(&chunk).await.is_err() {
            break;
        }
        sent += chunk.len();
    }
    let mut answer = vec![0; 512];
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer))
        .await
        .unwrap_or(Ok(0))
        .unwrap_or(0);
    String::from_utf8_lossy(&answer[..read])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[actix_web::test]
async fn a_50_mb_body_is_refused_without_being_read_into_memory() {
    let app = TestApp::spawn().await;
    let served = app.serve();
    let before = resident_kib();
    let length = 50 * 1024 * 1024;
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    );
    let status = send_over_the_wire(served.addr, &head, length).await;
    assert!(status.contains(" 413 "), "{status}");
    if let (Some(before), Some(after)) = (before, resident_kib()) {
        assert!(
            after.saturating_sub(before) < 32 * 1024,
            "memory grew by {} KiB",
            after - before
        );
    }
    still_up(&app).await;
}

#[actix_web::test]
async fn a_client_that_never_finishes_its_request_is_cut_off() {
    let app = TestApp::spawn_with(|s| s.http.client_header_timeout_ms = 500).await;
    let served = app.serve();
    let mut stream = TcpStream::connect(served.addr).await.unwrap();
    stream
        .write_all(b"POST /graphql HTTP/1.1\r\nHost: loc")
        .await
        .unwrap();
    let mut answer = vec![0; 256];
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("the server answered or closed in time")
        .unwrap_or(0);
    let text = String::from_utf8_lossy(&answer[..read]);
    assert!(read == 0 || text.contains(" 408 "), "{text}");
    still_up(&app).await;
}

#[actix_web::test]
async fn floods_of_aliases_batches_and_whitespace_are_refused() {
    let app = TestApp::spawn().await;
    let aliases: Vec<String> = (0..10_000).map(|n| format!("a{n}: __typename")).collect();
    let flood = app
        .request(
            TestRequest::post()
                .uri("/graphql")
                .set_json(json!({ "query": format!("{{ {} }}", aliases.join(" ")) })),
        )
        .await;
    assert_eq!(flood.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&flood.body), Some("QUERY_TOO_COMPLEX"));

    let batch: Vec<_> = (0..10_000)
        .map(|_| json!({ "query": "{ __typename }" }))
        .collect();
    let batched = app
        .request(TestRequest::post().uri("/graphql").set_json(batch))
        .await;
    assert_eq!(batched.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&batched.body), Some("BAD_USER_INPUT"));

    // A megabyte of whitespace around a tiny query: in the body, and in a URL.
    let padded = format!("{}{{ __typename }}", " ".repeat(1024 * 1024));
    let body = app
        .request(
            TestRequest::post()
                .uri("/graphql")
                .set_json(json!({ "query": padded })),
        )
        .await;
    assert_eq!(body.status, StatusCode::PAYLOAD_TOO_LARGE);
    let served = app.serve();
    let head = format!(
        "GET /graphql?query={}%7B__typename%7D HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "%20".repeat(512 * 1024)
    );
    let status = send_over_the_wire(served.addr, &head, 0).await;
    // The head alone is over the server's limit: refused (431) or the connection closed.
    assert!(status.is_empty() || status.contains(" 4"), "{status}");
    still_up(&app).await;
}

#[actix_web::test]
async fn broken_encodings_wrong_types_and_unknown_operations_get_clear_errors() {
    let app = TestApp::spawn().await;
    let not_utf8 = app
        .request(post_raw(vec![b'{', b'"', 0xff, 0xfe, b'"', b'}']))
        .await;
    assert_eq!(not_utf8.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&not_utf8.body), Some("BAD_USER_INPUT"));
    let not_json = app
        .request(post_raw(b"{\"query\": \"{ __typename }\"".to_vec()))
        .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    let not_a_request = app.request(post_raw(b"[]".to_vec())).await;
    assert_eq!(not_a_request.status, StatusCode::BAD_REQUEST);

    let wrong_type = app
        .graphql(
            "query($first: Int) { offers(first: $first) { totalCount } }",
            json!({ "first": "many" }),
        )
        .await;
    assert_eq!(
        error_code(&wrong_type),
        Some("BAD_USER_INPUT"),
        "{wrong_type}"
    );
    assert!(wrong_type["data"].is_null());

    let unknown = app
        .request(TestRequest::post().uri("/graphql").set_json(json!({
            "query": "query A { __typename } query B { __typename }",
            "operationName": "C"
        })))
        .await;
    assert_eq!(
        error_code(&unknown.body),
        Some("BAD_USER_INPUT"),
        "{}",
        unknown.body
    );
    let ambiguous = app
        .graphql("query A { __typename } query B { __typename }", json!({}))
        .await;
    assert_eq!(
        error_code(&ambiguous),
        Some("BAD_USER_INPUT"),
        "{ambiguous}"
    );
    still_up(&app).await;
}

#[actix_web::test]
async fn production_mode_answers_no_introspection() {
    let app =
        TestApp::spawn_with(|s| s.server.mode = angebotsplattform::config::Mode::Production).await;
    let response = app
        .graphql("{ __schema { types { name } } }", json!({}))
        .await;
    assert!(response["data"]["__schema"].is_null(), "{response}");
    let by_type = app
        .graphql("{ __type(name: \"Offer\") { fields { name } } }", json!({}))
        .await;
    assert!(by_type["data"]["__type"].is_null(), "{by_type}");
    let typo = app.graphql("{ categoriez { code } }", json!({})).await;
    let message = typo["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(!message.contains("Did you mean"), "{message}");
    still_up(&app).await;
}

#[actix_web::test]
async fn an_oversized_websocket_frame_ends_only_that_connection() {
    let app = TestApp::spawn_with(|s| s.http.ws_max_inbound_burst_bytes = 10 * 1024 * 1024).await;
    let served = app.serve();
    let mut client = WsClient::accepted(served.addr, json!({})).await;
    client.send_text("x".repeat(2 * 1024 * 1024)).await;
    assert!(client.closed_within(Duration::from_secs(5)).await);
    let mut next = WsClient::accepted(served.addr, json!({})).await;
    assert!(!next.closed_within(Duration::from_millis(200)).await);
    still_up(&app).await;
}
