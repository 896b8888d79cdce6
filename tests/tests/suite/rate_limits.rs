//! Rate limits per address and per API key: 429 with `Retry-After` and `RATE_LIMITED`,
//! held across instances through Redis (when `TEST_REDIS_URL` is set), and still enforced
//! per instance when Redis is gone.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use angebotsplattform::config::Settings;
use serde_json::json;
use tests::{HttpReply, TestApp};
use uuid::Uuid;

const QUERY: &str = "{ categories { code } }";

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

async fn from(app: &TestApp, address: &str, key: Option<&str>) -> HttpReply {
    let mut request = TestRequest::post()
        .uri("/graphql")
        .insert_header(("X-Forwarded-For", address))
        .set_json(json!({ "query": QUERY }));
    if let Some(key) = key {
        request = request.insert_header(("X-Api-Key", key));
    }
    app.request(request).await
}

fn header<'a>(reply: &'a HttpReply, name: &str) -> Option<&'a str> {
    reply.headers.get(name).and_then(|v| v.to_str().ok())
}

fn limited(reply: &HttpReply) -> bool {
    reply.status == StatusCode::TOO_MANY_REQUESTS
}

#[tokio::test]
async fn an_address_over_its_limit_gets_429_with_retry_after() {
    let mut with_redis = false;
    let app = TestApp::spawn_with(|s| {
        s.http.trust_forwarded_headers = true;
        s.http.rate_limit_per_address = 3;
        with_redis = redis(s);
    })
    .await;
    for remaining in [2, 1, 0] {
        let reply = from(&app, "203.0.113.7", None).await;
        assert_eq!(reply.status, StatusCode::OK);
        // Every answer says where the client stands (the IETF draft's headers).
        assert_eq!(
            header(&reply, "RateLimit-Policy"),
            Some("\"address\";q=3;w=60")
        );
        let state = header(&reply, "RateLimit").unwrap();
        assert!(
            state.starts_with(&format!("\"address\";r={remaining};t=")),
            "{state}"
        );
        let reset: u64 = state.rsplit("t=").next().unwrap().parse().unwrap();
        assert!((1..=60).contains(&reset), "{state}");
    }
    let refused = from(&app, "203.0.113.7", None).await;
    assert!(
        header(&refused, "RateLimit").is_some_and(|state| state.starts_with("\"address\";r=0;t=")),
        "{:?}",
        refused.headers
    );
    assert!(limited(&refused), "{:?}", refused.body);
    assert_eq!(
        refused.body["errors"][0]["extensions"]["code"],
        "RATE_LIMITED"
    );
    let retry: u64 = refused
        .headers
        .get("Retry-After")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=20).contains(&retry),
        "one token comes back every 20 s: {retry}"
    );
    assert_eq!(refused.body["errors"][0]["extensions"]["retryAfter"], retry);
    assert_eq!(
        from(&app, "203.0.113.8", None).await.status,
        StatusCode::OK,
        "another address has its own allowance"
    );
    assert!(!app.app.limiters.degraded(), "redis in use: {with_redis}");
    let ready = app.request(TestRequest::get().uri("/readyz")).await;
    let expected = if with_redis { "up" } else { "not configured" };
    assert_eq!(ready.body["redis"], expected);
    assert_eq!(ready.body["status"], "ready");
}

#[tokio::test]
async fn a_partner_key_has_its_own_limit() {
    let app = TestApp::spawn_with(|s| {
        s.http.trust_forwarded_headers = true;
        redis(s);
    })
    .await;
    let admin = app.admin().await;
    let created = app
        .data_as(
            Some(&admin.token),
            "mutation { createApiClient(name: \"Kantons-App\", requestsPerMinute: 2) { key } }",
            json!({}),
        )
        .await;
    let key = created["createApiClient"]["key"]
        .as_str()
        .unwrap()
        .to_owned();
    // Different addresses, one key: the key's limit holds.
    assert_eq!(
        from(&app, "198.51.100.1", Some(&key)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        from(&app, "198.51.100.2", Some(&key)).await.status,
        StatusCode::OK
    );
    assert!(limited(&from(&app, "198.51.100.3", Some(&key)).await));
    assert_eq!(
        from(&app, "198.51.100.3", None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
#[cfg_attr(not(with_redis), ignore = "needs a Redis server: set TEST_REDIS_URL")]
async fn a_limit_holds_across_instances_sharing_redis() {
    let mut with_redis = false;
    let first = TestApp::spawn_with(|s| {
        s.http.trust_forwarded_headers = true;
        s.http.rate_limit_per_address = 3;
        with_redis = redis(s);
    })
    .await;
    assert!(with_redis, "TEST_REDIS_URL is not set");
    let mut second = TestApp::spawn_with(|_| {}).await;
    // The second instance runs with the first one's settings: the same Redis and prefix.
    let settings = (*first.app.settings).clone();
    second.reconfigure(|s| *s = settings);
    assert_eq!(from(&first, "192.0.2.9", None).await.status, StatusCode::OK);
    assert_eq!(from(&first, "192.0.2.9", None).await.status, StatusCode::OK);
    assert_eq!(
        from(&second, "192.0.2.9", None).await.status,
        StatusCode::OK
    );
    assert!(
        limited(&from(&second, "192.0.2.9", None).await),
        "the other instance's requests count"
    );
}

#[tokio::test]
async fn requests_keep_succeeding_when_redis_is_gone() {
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://{}", closed.local_addr().unwrap());
    drop(closed);
    let app = TestApp::spawn_with(|s| {
        s.http.trust_forwarded_headers = true;
        s.http.rate_limit_per_address = 2;
        s.caches.redis_url = Some(url.into());
    })
    .await;
    assert_eq!(
        from(&app, "203.0.113.50", None).await.status,
        StatusCode::OK
    );
    assert!(
        app.app.limiters.degraded(),
        "the shared store is known to be down"
    );
    assert_eq!(
        from(&app, "203.0.113.50", None).await.status,
        StatusCode::OK
    );
    assert!(
        limited(&from(&app, "203.0.113.50", None).await),
        "the instance still limits on its own"
    );
    let ready = app.request(TestRequest::get().uri("/readyz")).await;
    assert_eq!(ready.status, StatusCode::OK, "it still serves");
    assert_eq!(
        ready.body,
        json!({
            "status": "degraded",
            "database": "up",
            "redis": "down",
            "search": "up",
            // Nobody has subscribed yet, so no relay has tried to listen.
            "events": "idle",
            "subscribers": 0
        })
    );
}

#[tokio::test]
#[cfg_attr(not(with_redis), ignore = "needs a Redis server: set TEST_REDIS_URL")]
async fn failed_sign_ins_count_across_instances_sharing_redis() {
    const PASSWORD: &str = "correct horse battery staple";
    const LOGIN: &str =
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }";
    let mut with_redis = false;
    let first = TestApp::spawn_with(|s| {
        s.auth.login_max_failures_per_account = 2;
        with_redis = redis(s);
    })
    .await;
    assert!(with_redis, "TEST_REDIS_URL is not set");
    angebotsplattform::service::account::create_admin(
        &first.db,
        &first.app.settings,
        "kanton@example.org",
        "Kanton",
        PASSWORD,
    )
    .await
    .unwrap();
    let mut second = TestApp::spawn_with(|_| {}).await;
    let settings = (*first.app.settings).clone();
    second.reconfigure(|s| *s = settings);
    // The second instance reads the first one's database: one account, two instances.
    second.app.db = first.db.clone();
    for app in [&first, &second] {
        let wrong = app
            .graphql(LOGIN, json!({ "e": "kanton@example.org", "p": "not it" }))
            .await;
        assert_eq!(tests::error_code(&wrong), Some("UNAUTHENTICATED"));
    }
    let locked = first
        .graphql(LOGIN, json!({ "e": "kanton@example.org", "p": PASSWORD }))
        .await;
    assert_eq!(
        tests::error_code(&locked),
        Some("RATE_LIMITED"),
        "one failure on each instance reaches the limit of two: {locked}"
    );
}
