//! Limits of the server itself: CORS for browsers, subscription connections and what a
//! client may send on one, and background jobs stopping when asked.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::json;
use tests::TestApp;
use tests::ws::{WsClient, upgrade_status, wait_for_subscribers};

fn preflight(origin: &str) -> TestRequest {
    TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/graphql")
        .insert_header(("Origin", origin))
        .insert_header(("Access-Control-Request-Method", "POST"))
        .insert_header((
            "Access-Control-Request-Headers",
            "content-type, authorization",
        ))
}

fn allowed_origin(reply: &tests::HttpReply) -> Option<&str> {
    reply
        .headers
        .get("Access-Control-Allow-Origin")
        .and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn browsers_may_call_from_any_origin_unless_a_list_is_set() {
    let open = TestApp::spawn().await;
    let reply = open.request(preflight("https://www.example.org")).await;
    assert_eq!(reply.status, StatusCode::OK);
    // `*` rather than the caller's origin, so a shared cache keeps one copy.
    assert_eq!(allowed_origin(&reply), Some("*"));
    let read = open
        .request(
            TestRequest::post()
                .uri("/graphql")
                .insert_header(("Origin", "https://www.example.org"))
                .set_json(json!({ "query": "{ categories { code } }" })),
        )
        .await;
    assert_eq!(allowed_origin(&read), Some("*"));
    let exposed = read
        .headers
        .get("Access-Control-Expose-Headers")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(exposed.contains("x-request-id"), "{exposed}");

    let listed = TestApp::spawn_with(|s| {
        s.http.cors_allowed_origins =
            "https://www.integration-so.ch, https://app.example.org".into()
    })
    .await;
    let partner = listed.request(preflight("https://app.example.org")).await;
    assert_eq!(partner.status, StatusCode::OK);
    assert_eq!(allowed_origin(&partner), Some("https://app.example.org"));
    let stranger = listed.request(preflight("https://evil.example.com")).await;
    assert_ne!(stranger.status, StatusCode::OK);
    assert_eq!(allowed_origin(&stranger), None);
}

#[actix_web::test]
async fn an_instance_holds_only_so_many_subscription_connections() {
    let app = TestApp::spawn_with(|s| s.http.ws_max_connections = 1).await;
    let served = app.serve();
    let first = WsClient::accepted(served.addr, json!({})).await;
    assert_eq!(upgrade_status(served.addr).await, 503);
    drop(first);
    // The slot is freed when the connection ends.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while upgrade_status(served.addr).await != 101 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the slot was never freed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[actix_web::test]
async fn a_client_that_sends_too_much_is_disconnected() {
    let app = TestApp::spawn_with(|s| {
        s.http.ws_max_inbound_burst_bytes = 4096;
        s.http.ws_inbound_bytes_per_sec = 10;
    })
    .await;
    let served = app.serve();
    let mut polite = WsClient::accepted(served.addr, json!({})).await;
    polite
        .subscribe("all", "subscription { offerChanged { change } }", json!({}))
        .await;
    wait_for_subscribers(&app, 1).await;

    let mut flooding = WsClient::accepted(served.addr, json!({})).await;
    let padding = "x".repeat(8 * 1024);
    flooding
        .send_text(
            json!({ "id": "1", "type": "subscribe", "payload": { "query": format!("# {padding}\nsubscription {{ offerChanged {{ change }} }}") } })
                .to_string(),
        )
        .await;
    assert!(
        flooding.closed_within(Duration::from_secs(5)).await,
        "the flooding client was disconnected"
    );
    // The polite one is still served, and the server still answers.
    assert!(!polite.closed_within(Duration::from_millis(200)).await);
    let health = app.request(TestRequest::get().uri("/healthz")).await;
    assert_eq!(health.status, StatusCode::OK);
}

#[tokio::test]
async fn background_jobs_stop_when_asked() {
    let app = TestApp::spawn().await;
    let (switch, stop) = angebotsplattform::jobs::stop_switch();
    let retention = angebotsplattform::jobs::spawn::<angebotsplattform::jobs::retention::Retention>(
        app.db.clone(),
        app.app.effects.clone(),
        Duration::from_secs(3600),
        stop.clone(),
    );
    let indexer = angebotsplattform::jobs::search_indexer::spawn(
        app.db.clone(),
        app.app.search.clone(),
        app.app.thesaurus.clone(),
        app.app.effects.clone(),
        100,
        1000,
        Duration::from_secs(3600),
        stop,
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    switch.stop();
    let stopped = tokio::time::timeout(
        Duration::from_secs(10),
        futures_util::future::join(retention, indexer),
    )
    .await;
    let (retention, indexer) = stopped.unwrap();
    assert!(
        retention.is_ok() && indexer.is_ok(),
        "both ended on their own"
    );
}
