//! The response cache: anonymous catalogue reads are served from it, staff never are, and a
//! write to public data is seen at once — on every instance when they share Redis.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{Value, json};
use tests::fixtures::{self, OfferSpec};
use tests::{HttpReply, TestApp};

const OFFERS: &str = "{ offers(first: 10) { totalCount edges { node { id title status } } } }";

async fn read(app: &TestApp, token: Option<&str>) -> HttpReply {
    let mut request = TestRequest::post()
        .uri("/graphql")
        .set_json(json!({ "query": OFFERS }));
    if let Some(token) = token {
        request = request.insert_header(("Authorization", format!("Bearer {token}")));
    }
    app.request(request).await
}

fn cache_header(reply: &HttpReply) -> Option<String> {
    reply
        .headers
        .get("X-Cache")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn total(reply: &HttpReply) -> Value {
    reply.body["data"]["offers"]["totalCount"].clone()
}

#[tokio::test]
async fn anonymous_reads_are_cached_and_writes_are_seen_at_once() {
    let app = TestApp::spawn_with(|s| s.caches.response_cache_secs = 60).await;
    let provider = fixtures::provider(&app.db, "Verein").await;
    let offer = fixtures::offer(&app.db, OfferSpec::new(provider, "Sprachcafé")).await;

    let first = read(&app, None).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(cache_header(&first).as_deref(), Some("MISS"));
    let second = read(&app, None).await;
    assert_eq!(cache_header(&second).as_deref(), Some("HIT"));
    assert_eq!(second.body, first.body);

    // Staff are never served from the cache.
    let admin = app.admin().await;
    let staff = read(&app, Some(&admin.token)).await;
    assert_eq!(cache_header(&staff), None);

    // Archiving through the API: the next anonymous read is fresh.
    app.data_as(
        Some(&admin.token),
        "mutation($o: ID!) { archiveOffer(id: $o) { status } }",
        json!({ "o": crate::ids::offer_gid(offer) }),
    )
    .await;
    let after = read(&app, None).await;
    assert_eq!(cache_header(&after).as_deref(), Some("MISS"));
    assert_eq!(total(&after), 0);
}

#[tokio::test]
#[cfg_attr(not(with_redis), ignore = "needs a Redis server: set TEST_REDIS_URL")]
async fn a_write_on_one_instance_reaches_the_cache_of_the_others() {
    let first = TestApp::spawn_with(|s| s.caches.response_cache_secs = 60).await;
    assert!(first.app.redis.is_some(), "TEST_REDIS_URL is not set");
    let mut second = TestApp::spawn_with(|_| {}).await;
    let settings = (*first.app.settings).clone();
    second.reconfigure(|s| *s = settings);
    second.app.db = first.db.clone();
    let provider = fixtures::provider(&first.db, "Verein").await;
    let offer = fixtures::offer(&first.db, OfferSpec::new(provider, "Sprachcafé")).await;
    assert_eq!(total(&read(&second, None).await), 1);
    let cached = read(&second, None).await;
    assert_eq!(cache_header(&cached).as_deref(), Some("HIT"));
    let admin = first.admin().await;
    first
        .data_as(
            Some(&admin.token),
            "mutation($o: ID!) { archiveOffer(id: $o) { status } }",
            json!({ "o": crate::ids::offer_gid(offer) }),
        )
        .await;
    let fresh = read(&second, None).await;
    assert_eq!(cache_header(&fresh).as_deref(), Some("MISS"));
    assert_eq!(
        total(&fresh),
        0,
        "the other instance does not serve the old answer"
    );
}

#[tokio::test]
async fn reads_bypass_the_cache_when_redis_is_gone() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://{}", closed.local_addr().unwrap());
    drop(closed);
    let app = TestApp::spawn_with(|s| {
        s.caches.response_cache_secs = 60;
        s.caches.redis_url = Some(url.into());
    })
    .await;
    for _ in 0..2 {
        let reply = read(&app, None).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(cache_header(&reply), None, "answered afresh");
    }
}
