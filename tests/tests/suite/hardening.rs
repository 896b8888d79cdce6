//! Attacks that once got through, each reproduced and refused: sign-in guesses sent all at
//! once, credentials that dodged the address limit, IPv6 clients hopping addresses, demo
//! data in production, queries and mutations over the WebSocket, NUL characters and huge
//! input lists.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use angebotsplattform::config::{Cli, Settings};
use clap::Parser;
use entity::audit_log;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use tests::ws::WsClient;
use tests::{TestApp, error_code};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use uuid::Uuid;

const LOGIN: &str =
    "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }";
const PASSWORD: &str = "correct horse battery staple";

/// Redis for this test (a key prefix of its own), or none.
fn redis(settings: &mut Settings) -> bool {
    match std::env::var("TEST_REDIS_URL") {
        Ok(url) if !url.trim().is_empty() => {
            settings.caches.redis_url = Some(url.trim().to_owned().into());
            settings.caches.redis_key_prefix = format!("test-{}:", Uuid::now_v7().simple());
            true
        }
        _ => false,
    }
}

async fn admin(app: &TestApp, email: &str) {
    angebotsplattform::service::account::create_admin(
        &app.db,
        &app.app.settings,
        email,
        "Kanton",
        PASSWORD,
    )
    .await
    .unwrap();
}

async fn password_checks(app: &TestApp) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("session.login_failed"))
        .count(&app.db)
        .await
        .unwrap()
}

/// 40 wrong passwords for one account, all at once: only as many as the account's limit
/// are verified; the rest are refused before their hash is computed.
async fn concurrent_guesses_are_counted_before_they_are_checked(shared: bool) {
    let mut with_redis = false;
    let app = TestApp::spawn_with(|s| {
        s.auth.login_max_failures_per_account = 5;
        s.auth.login_max_failures_per_address = 30;
        if shared {
            with_redis = redis(s);
        } else {
            s.caches.redis_url = None;
        }
    })
    .await;
    if shared && !with_redis {
        eprintln!("concurrent guesses through Redis: not run (TEST_REDIS_URL not set)");
        return;
    }
    admin(&app, "kanton@example.org").await;
    let guesses = (0..40).map(|i| {
        app.graphql(
            LOGIN,
            json!({ "e": "kanton@example.org", "p": format!("guess number {i}") }),
        )
    });
    let answers = futures_util::future::join_all(guesses).await;
    let refused = answers
        .iter()
        .filter(|a| error_code(a) == Some("RATE_LIMITED"))
        .count();
    let wrong = answers
        .iter()
        .filter(|a| error_code(a) == Some("UNAUTHENTICATED"))
        .count();
    assert_eq!(wrong + refused, 40, "{answers:?}");
    assert_eq!(wrong, 5, "only the account's limit is verified");
    assert_eq!(password_checks(&app).await, 5);
    let locked = app
        .graphql(LOGIN, json!({ "e": "kanton@example.org", "p": PASSWORD }))
        .await;
    assert_eq!(error_code(&locked), Some("RATE_LIMITED"));
}

#[tokio::test]
async fn concurrent_guesses_are_throttled_in_the_process() {
    concurrent_guesses_are_counted_before_they_are_checked(false).await;
}

#[tokio::test]
async fn concurrent_guesses_are_throttled_through_redis() {
    concurrent_guesses_are_counted_before_they_are_checked(true).await;
}

#[tokio::test]
async fn a_successful_sign_in_does_not_use_up_the_address() {
    let app = TestApp::spawn_with(|s| {
        s.auth.login_max_failures_per_account = 5;
        s.auth.login_max_failures_per_address = 3;
    })
    .await;
    admin(&app, "kanton@example.org").await;
    for _ in 0..6 {
        let ok = app
            .graphql(LOGIN, json!({ "e": "kanton@example.org", "p": PASSWORD }))
            .await;
        assert!(ok["data"]["login"]["accessToken"].is_string(), "{ok}");
    }
}

#[tokio::test]
async fn made_up_credentials_count_against_the_address_limit() {
    let app = TestApp::spawn_with(|s| {
        s.http.trust_forwarded_headers = true;
        s.http.rate_limit_per_address = 3;
    })
    .await;
    let statuses = {
        let mut statuses = Vec::new();
        for i in 0..5 {
            let request = TestRequest::post()
                .uri("/graphql")
                .insert_header(("X-Forwarded-For", "198.51.100.4"))
                .insert_header(("Authorization", format!("Bearer made.up.{i}")))
                .set_json(json!({ "query": "{ categories { code } }" }));
            statuses.push(app.request(request).await.status);
        }
        statuses
    };
    assert_eq!(&statuses[..3], &[StatusCode::UNAUTHORIZED; 3]);
    assert_eq!(&statuses[3..], &[StatusCode::TOO_MANY_REQUESTS; 2]);
}

#[tokio::test]
async fn an_ipv6_client_is_limited_per_64_not_per_address() {
    let app = TestApp::spawn_with(|s| {
        s.http.trust_forwarded_headers = true;
        s.http.rate_limit_per_address = 3;
    })
    .await;
    let mut statuses = Vec::new();
    for i in 1..=5 {
        let request = TestRequest::post()
            .uri("/graphql")
            .insert_header(("X-Forwarded-For", format!("2001:db8:77:1::{i:x}")))
            .set_json(json!({ "query": "{ categories { code } }" }));
        statuses.push(app.request(request).await.status);
    }
    assert_eq!(&statuses[3..], &[StatusCode::TOO_MANY_REQUESTS; 2]);
    let neighbour = TestRequest::post()
        .uri("/graphql")
        .insert_header(("X-Forwarded-For", "2001:db8:77:2::1"))
        .set_json(json!({ "query": "{ categories { code } }" }));
    assert_eq!(
        app.request(neighbour).await.status,
        StatusCode::OK,
        "another /64 has its own allowance"
    );
}

#[test]
fn demo_data_is_loaded_by_default_only_in_development() {
    let development = Cli::parse_from(["angebotsplattform"]).settings;
    assert!(development.seed_demo_enabled());
    let production = Cli::parse_from(["angebotsplattform", "--mode", "production"]).settings;
    assert!(!production.seed_demo_enabled());
    let asked = Cli::parse_from([
        "angebotsplattform",
        "--mode",
        "production",
        "--seed-demo-when-empty",
        "true",
    ])
    .settings;
    assert!(asked.seed_demo_enabled());
}

#[tokio::test]
async fn an_empty_production_catalogue_stays_empty() {
    let app = TestApp::spawn_with(|s| {
        s.server.mode = angebotsplattform::config::Mode::Production;
        s.server.seed_demo_when_empty = None;
    })
    .await;
    let offers = entity::offer::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(offers, 0);
}

/// The next message that is not a subscription's `complete`.
async fn answer_within(socket: &mut WsClient, wait: Duration) -> Option<serde_json::Value> {
    loop {
        let message = socket.message_within(wait).await?;
        if message["type"] != "complete" {
            return Some(message);
        }
    }
}

async fn answer(socket: &mut WsClient) -> serde_json::Value {
    answer_within(socket, Duration::from_secs(10))
        .await
        .unwrap()
}

/// The error code of a subscription message (`next` or `error`).
fn socket_error_code(message: &serde_json::Value) -> Option<&str> {
    message["payload"]["errors"][0]["extensions"]["code"]
        .as_str()
        .or_else(|| message["payload"][0]["extensions"]["code"].as_str())
}

#[actix_web::test]
async fn the_socket_runs_subscriptions_only() {
    let app = TestApp::spawn().await;
    let served = app.serve();
    let admin = app.admin().await.token;
    let provider = tests::fixtures::provider(&app.db, "Verein").await;
    let mut socket = WsClient::accepted(
        served.addr,
        json!({ "authorization": format!("Bearer {admin}") }),
    )
    .await;
    socket
        .subscribe("q", "{ categories { code } }", json!({}))
        .await;
    let query = answer(&mut socket).await;
    assert_eq!(socket_error_code(&query), Some("BAD_USER_INPUT"), "{query}");
    socket
        .subscribe(
            "m",
            "mutation($p: ID!) { createOffer(input: { providerId: $p, kind: COURSE, defaultLocale: \"de\", translations: [{ locale: \"de\", title: \"Über den Socket\" }], categoryCodes: [\"language\"], cost: { kind: FREE } }) { id } }",
            json!({ "p": crate::ids::provider_gid(provider) }),
        )
        .await;
    let mutation = answer(&mut socket).await;
    assert_eq!(
        socket_error_code(&mutation),
        Some("BAD_USER_INPUT"),
        "{mutation}"
    );
    socket
        .subscribe(
            "l",
            LOGIN,
            json!({ "e": "kanton@example.org", "p": "a guess" }),
        )
        .await;
    let login = answer(&mut socket).await;
    assert_eq!(socket_error_code(&login), Some("BAD_USER_INPUT"), "{login}");
    let offers = entity::offer::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(offers, 0, "nothing was written over the socket");
}

#[actix_web::test]
async fn subscriptions_count_against_the_address_limit() {
    let app = TestApp::spawn_with(|s| s.http.rate_limit_per_address = 5).await;
    let served = app.serve();
    let mut socket = WsClient::accepted(served.addr, json!({})).await;
    let mut refused = 0;
    for i in 0..10 {
        socket
            .subscribe(
                &format!("s{i}"),
                "subscription { offerChanged { change } }",
                json!({}),
            )
            .await;
        if let Some(message) = answer_within(&mut socket, Duration::from_millis(300)).await {
            assert_eq!(
                socket_error_code(&message),
                Some("RATE_LIMITED"),
                "{message}"
            );
            refused += 1;
        }
    }
    // The upgrade took one of the five; four subscriptions pass.
    assert_eq!(refused, 6);
    let over_http = app
        .request(
            TestRequest::post()
                .uri("/graphql")
                .peer_addr("127.0.0.1:40000".parse().unwrap())
                .set_json(json!({ "query": "{ categories { code } }" })),
        )
        .await;
    assert_eq!(
        over_http.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the socket and HTTP share the address's allowance"
    );
}

#[actix_web::test]
async fn one_connection_runs_only_so_many_subscriptions() {
    let app = TestApp::spawn_with(|s| s.http.ws_max_subscriptions_per_connection = 3).await;
    let served = app.serve();
    let mut socket = WsClient::accepted(served.addr, json!({})).await;
    for i in 0..3 {
        socket
            .subscribe(
                &format!("s{i}"),
                "subscription { offerChanged { change } }",
                json!({}),
            )
            .await;
    }
    tests::ws::wait_for_subscribers(&app, 3).await;
    socket
        .subscribe("s3", "subscription { offerChanged { change } }", json!({}))
        .await;
    let refused = answer(&mut socket).await;
    assert_eq!(
        socket_error_code(&refused),
        Some("RATE_LIMITED"),
        "{refused}"
    );
    socket
        .send_text(json!({ "id": "s0", "type": "complete" }).to_string())
        .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while app.app.events.subscriber_count() > 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the slot was not freed"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    socket
        .subscribe("s4", "subscription { offerChanged { change } }", json!({}))
        .await;
    tests::ws::wait_for_subscribers(&app, 3).await;
}

#[actix_web::test]
async fn a_long_document_is_refused_on_the_socket_too() {
    let app = TestApp::spawn().await;
    let served = app.serve();
    let mut socket = WsClient::accepted(served.addr, json!({})).await;
    let padding = "#".repeat(40 * 1024);
    socket
        .subscribe(
            "long",
            &format!("subscription {{ offerChanged {{ change }} }}\n{padding}"),
            json!({}),
        )
        .await;
    let refused = answer(&mut socket).await;
    assert_eq!(
        socket_error_code(&refused),
        Some("QUERY_TOO_COMPLEX"),
        "{refused}"
    );
}

#[tokio::test]
async fn nul_characters_and_huge_lists_are_bad_input() {
    let app = TestApp::spawn().await;
    let nul = app
        .graphql(LOGIN, json!({ "e": "kanton\u{0}@example.org", "p": "x" }))
        .await;
    assert_eq!(error_code(&nul), Some("BAD_USER_INPUT"), "{nul}");
    let literal = app
        .graphql(
            "mutation { login(email: \"a\\u0000b@example.org\", password: \"x\") { accessToken } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&literal), Some("BAD_USER_INPUT"), "{literal}");
    let levels: Vec<&str> = vec!["A1"; 70_000];
    let huge = app
        .graphql(
            "query($l: [CefrLevel!]) { offers(filter: { levels: $l }) { totalCount } }",
            json!({ "l": levels }),
        )
        .await;
    assert_eq!(error_code(&huge), Some("BAD_USER_INPUT"), "{huge}");
    let ids: Vec<String> = (0..5_000).map(|i| format!("UmVnaW9uOj{i}")).collect();
    let many = app
        .graphql(
            "query($r: [ID!]) { offers(filter: { regionIds: $r }) { totalCount } }",
            json!({ "r": ids }),
        )
        .await;
    assert_eq!(error_code(&many), Some("BAD_USER_INPUT"), "{many}");
    assert!(
        many["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("500"),
        "{many}"
    );
}

/// Opens a connection and sends a POST's head announcing `length` body bytes.
async fn trickling_request(addr: std::net::SocketAddr, length: usize) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n{{"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
}

/// What the server sends on `stream` within `wait`, until it closes (or the wait ends).
async fn read_until_closed(stream: &mut TcpStream, wait: Duration) -> (String, bool) {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let mut buffer = [0u8; 1024];
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Err(_) => return (String::from_utf8_lossy(&seen).into_owned(), false),
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&seen).into_owned(), true),
            Ok(Ok(read)) => seen.extend_from_slice(&buffer[..read]),
        }
    }
}

#[actix_web::test]
async fn a_body_sent_a_byte_at_a_time_is_cut_off_at_its_deadline() {
    let app = TestApp::spawn_with(|s| s.http.client_body_timeout_ms = 800).await;
    let served = app.serve();
    let mut clients = Vec::new();
    for _ in 0..20 {
        clients.push(trickling_request(served.addr, 1000).await);
    }
    let started = std::time::Instant::now();
    let trickle = async {
        for _ in 0..10 {
            for client in &mut clients {
                // The server may already have closed this one.
                let _ = client.write_all(b" ").await;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    trickle.await;
    for client in &mut clients {
        let (answer, closed) = read_until_closed(client, Duration::from_secs(5)).await;
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(closed, "the connection is closed after the 408");
    }
    assert!(started.elapsed() < Duration::from_secs(10));
    let data = app.data("{ categories { code } }", json!({})).await;
    assert!(data["categories"].as_array().is_some_and(|c| !c.is_empty()));
}

#[actix_web::test]
async fn one_network_holds_only_so_many_connections() {
    let app = TestApp::spawn_with(|s| s.http.max_connections_per_address = 5).await;
    let served = app.serve();
    let mut held = Vec::new();
    for _ in 0..5 {
        held.push(trickling_request(served.addr, 1_000_000).await);
    }
    let ip: std::net::IpAddr = "127.0.0.1".parse().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while app.app.connections.open_from(ip) < 5 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the connections were not counted"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut extra = trickling_request(served.addr, 10).await;
    let (answer, closed) = read_until_closed(&mut extra, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 429"), "{answer}");
    assert!(closed, "the extra connection is closed at once");
    // Closing the held ones gives their places back.
    drop(held);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while app.app.connections.open_from(ip) > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the places were not given back"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut fresh = TcpStream::connect(served.addr).await.unwrap();
    let body = r#"{"query":"{ categories { code } }"}"#;
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    fresh.write_all(request.as_bytes()).await.unwrap();
    let (answer, _) = read_until_closed(&mut fresh, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

fn cache_status(reply: &tests::HttpReply) -> Option<&str> {
    reply.headers.get("X-Cache").and_then(|v| v.to_str().ok())
}

async fn anonymous_post(app: &TestApp, body: serde_json::Value) -> tests::HttpReply {
    app.request(
        TestRequest::post()
            .uri("/graphql")
            .peer_addr("192.0.2.50:40000".parse().unwrap())
            .set_json(body),
    )
    .await
}

#[tokio::test]
async fn a_comment_or_new_layout_does_not_make_a_new_cache_entry() {
    let app = TestApp::spawn_with(|s| {
        s.caches.response_cache_secs = 60;
        s.caches.redis_url = None;
    })
    .await;
    let first = anonymous_post(&app, json!({ "query": "{ categories { code } }" })).await;
    assert_eq!(cache_status(&first), Some("MISS"));
    for variant in [
        "{categories{code}}",
        "# a comment that changes nothing\n{ categories { code } }",
        "{ categories { code, } } # trailing",
    ] {
        let again = anonymous_post(&app, json!({ "query": variant })).await;
        assert_eq!(cache_status(&again), Some("HIT"), "{variant}");
    }
}

#[tokio::test]
async fn a_flood_of_distinct_queries_keeps_the_cache_within_its_bytes() {
    const MAX_BYTES: u64 = 512 * 1024;
    let app = TestApp::spawn_with(|s| {
        s.caches.response_cache_secs = 60;
        s.caches.response_cache_max_bytes = MAX_BYTES;
        s.caches.response_cache_max_entry_bytes = 64 * 1024;
        s.http.rate_limit_per_address = 1_000_000;
        s.caches.redis_url = None;
    })
    .await;
    // Every alias makes a different, valid document with a sizeable answer.
    for i in 0..300 {
        let query =
            format!("{{ a{i}: regions(first: 100) {{ edges {{ node {{ code name kind }} }} }} }}");
        let reply = anonymous_post(&app, json!({ "query": query })).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let held = app.app.responses.local_bytes();
    assert!(held <= MAX_BYTES, "the cache holds {held} bytes");
    assert!(held > 0, "answers were cached");
    // An answer above the entry limit is not kept.
    let big = TestApp::spawn_with(|s| {
        s.caches.response_cache_secs = 60;
        s.caches.response_cache_max_entry_bytes = 100;
        s.caches.redis_url = None;
    })
    .await;
    let once = anonymous_post(&big, json!({ "query": "{ categories { code label } }" })).await;
    let twice = anonymous_post(&big, json!({ "query": "{ categories { code label } }" })).await;
    assert_eq!(cache_status(&once), Some("MISS"));
    assert_eq!(cache_status(&twice), Some("MISS"), "too large to keep");
}

#[tokio::test]
async fn a_mutation_behind_a_root_fragment_drops_cached_answers() {
    let app = TestApp::spawn_with(|s| s.caches.response_cache_secs = 60).await;
    let provider = tests::fixtures::provider(&app.db, "Verein").await;
    let offer = tests::fixtures::offer(
        &app.db,
        tests::fixtures::OfferSpec::new(provider, "Sprachcafé"),
    )
    .await;
    let read = json!({ "query": "{ offers(first: 5) { totalCount } }" });
    assert_eq!(
        anonymous_post(&app, read.clone()).await.body["data"]["offers"]["totalCount"],
        1
    );
    let admin = app.admin().await.token;
    app.data_as(
        Some(&admin),
        "mutation($o: ID!) { ... on Mutation { archiveOffer(id: $o) { status } } }",
        json!({ "o": crate::ids::offer_gid(offer) }),
    )
    .await;
    let after = anonymous_post(&app, read).await;
    assert_eq!(
        after.body["data"]["offers"]["totalCount"], 0,
        "{:?}",
        after.body
    );
}

fn persisted_extension(text: &str) -> serde_json::Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": angebotsplattform::cache::persisted::sha256_hex(text) } })
}

#[tokio::test]
async fn only_texts_that_run_are_persisted_and_each_client_persists_few() {
    let app = TestApp::spawn_with(|s| {
        s.queries.persisted_queries_per_minute = 3;
        s.queries.persisted_query_max_bytes = 1024;
    })
    .await;
    // A text that does not parse, and one that does not validate: neither is kept.
    for broken in ["{ categories { code ", "{ categories { nonsense } }"] {
        let sent = anonymous_post(
            &app,
            json!({ "query": broken, "extensions": persisted_extension(broken) }),
        )
        .await;
        assert!(sent.body["errors"].is_array(), "{:?}", sent.body);
        let by_hash =
            anonymous_post(&app, json!({ "extensions": persisted_extension(broken) })).await;
        assert_eq!(
            error_code(&by_hash.body),
            Some("PERSISTED_QUERY_NOT_FOUND"),
            "{broken} was stored"
        );
    }
    // Too long to persist.
    let long = format!("{{ categories {{ code }} }} #{}", "x".repeat(2000));
    let refused = anonymous_post(
        &app,
        json!({ "query": long, "extensions": persisted_extension(&long) }),
    )
    .await;
    assert_eq!(
        error_code(&refused.body),
        Some("BAD_USER_INPUT"),
        "{:?}",
        refused.body
    );
    // A valid text is kept; sending it again is not a new text.
    let good = "{ categories { code } }";
    for _ in 0..3 {
        let kept = anonymous_post(
            &app,
            json!({ "query": good, "extensions": persisted_extension(good) }),
        )
        .await;
        assert!(kept.body["data"]["categories"].is_array());
    }
    let by_hash = anonymous_post(&app, json!({ "extensions": persisted_extension(good) })).await;
    assert!(
        by_hash.body["data"]["categories"].is_array(),
        "{:?}",
        by_hash.body
    );
    // Three new texts a minute: the broken ones counted, then the good one; one more is too many.
    let fresh = "{ categories { label } }";
    let over = anonymous_post(
        &app,
        json!({ "query": fresh, "extensions": persisted_extension(fresh) }),
    )
    .await;
    assert_eq!(
        over.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{:?}",
        over.body
    );
}

#[test]
fn persisted_texts_live_a_day_by_default() {
    let settings = Cli::parse_from(["angebotsplattform"]).settings;
    assert_eq!(settings.queries.persisted_query_ttl_secs, 24 * 3600);
}

/// A Redis that accepts connections and reads every command but never answers (a frozen
/// server), counting the bytes it was sent.
async fn frozen_redis() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("redis://{}", listener.local_addr().unwrap());
    let received = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = received.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                while let Ok(read) = socket.read(&mut buffer).await {
                    if read == 0 {
                        break;
                    }
                    counter.fetch_add(read, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    (url, received)
}

#[tokio::test]
async fn a_frozen_redis_is_left_alone_instead_of_slowing_every_request() {
    let (url, received) = frozen_redis().await;
    let app = TestApp::spawn_with(|s| {
        s.caches.redis_url = Some(url.into());
        s.caches.redis_timeout_ms = 200;
        s.caches.redis_breaker_failures = 3;
        s.caches.redis_breaker_cooldown_ms = 60_000;
        s.caches.response_cache_secs = 60;
    })
    .await;
    // The first requests wait for Redis and find it failing.
    for _ in 0..3 {
        let reply = anonymous_post(&app, json!({ "query": "{ categories { code } }" })).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let store = app.app.redis.clone().unwrap();
    assert!(store.failing(), "the breaker opened");
    let sent_before = received.load(std::sync::atomic::Ordering::Relaxed);
    let started = std::time::Instant::now();
    for _ in 0..50 {
        let reply = anonymous_post(&app, json!({ "query": "{ categories { code } }" })).await;
        assert_eq!(reply.status, StatusCode::OK, "requests are still served");
    }
    // Each of these would have waited 2 × 200 ms for Redis (20 s in all) without the breaker.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "50 requests took {:?}",
        started.elapsed()
    );
    assert_eq!(
        received.load(std::sync::atomic::Ordering::Relaxed),
        sent_before,
        "nothing more was sent to the failing Redis"
    );
}

#[tokio::test]
async fn production_serves_metrics_only_with_a_token() {
    let open = TestApp::spawn_with(|s| {
        s.server.mode = angebotsplattform::config::Mode::Production;
        s.telemetry.metrics_token = None;
    })
    .await;
    let reply = open.request(TestRequest::get().uri("/metrics")).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let guarded = TestApp::spawn_with(|s| {
        s.server.mode = angebotsplattform::config::Mode::Production;
        s.telemetry.metrics_token = Some("scrape-secret".to_owned().into());
    })
    .await;
    let without = guarded.request(TestRequest::get().uri("/metrics")).await;
    assert_eq!(without.status, StatusCode::UNAUTHORIZED);
    let with = guarded
        .request(
            TestRequest::get()
                .uri("/metrics")
                .insert_header(("Authorization", "Bearer scrape-secret")),
        )
        .await;
    assert_eq!(with.status, StatusCode::OK);
}

#[tokio::test]
async fn right_to_left_overrides_are_refused_in_names_and_titles() {
    let app = TestApp::spawn().await;
    let pool_region = tests::fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    tests::mentoring::pool(&app.db, pool_region, false).await;
    let municipality = tests::fixtures::region_id(&app.db, "2581").await;
    let applied = app
        .graphql(
            "mutation($m: ID!, $n: String!) { applyAsMentor(input: { firstName: $n, lastName: \"Muster\", email: \"eva@example.org\", municipalityId: $m, languages: [{ language: \"de\", proficiency: NATIVE }], consent: true }) { id } }",
            json!({ "m": crate::ids::gid(angebotsplattform::graphql::relay::NodeType::Region, municipality), "n": "Eva\u{202E}lissA" }),
        )
        .await;
    assert_eq!(error_code(&applied), Some("BAD_USER_INPUT"), "{applied}");
    assert_eq!(
        applied["errors"][0]["extensions"]["fields"][0]["field"],
        "input.firstName"
    );
    let admin = app.admin().await.token;
    let provider = tests::fixtures::provider(&app.db, "Verein").await;
    let created = app
        .graphql_as(
            Some(&admin),
            "mutation($p: ID!, $t: String!) { createOffer(input: { providerId: $p, kind: COURSE, defaultLocale: \"de\", translations: [{ locale: \"de\", title: $t }], categoryCodes: [\"language\"], cost: { kind: FREE } }) { id } }",
            json!({ "p": crate::ids::provider_gid(provider), "t": "Deutschkurs \u{2066}gratis\u{2069}" }),
        )
        .await;
    assert_eq!(error_code(&created), Some("BAD_USER_INPUT"), "{created}");
}
