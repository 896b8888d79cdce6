//! Request ids and metrics: every answer names its request, GraphQL errors carry the same
//! id, and `/metrics` counts requests by operation and outcome next to the pool, outbox,
//! cache and subscription gauges.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::json;
use tests::fixtures::{self, OfferSpec};
use tests::{TestApp, request_id};

#[tokio::test]
async fn every_answer_names_its_request_and_errors_repeat_the_id() {
    let app = TestApp::spawn().await;
    let health = app.request(TestRequest::get().uri("/healthz")).await;
    let first = request_id(&health);
    assert!(!first.is_empty());

    let failing = app
        .request(
            TestRequest::post()
                .uri("/graphql")
                .set_json(json!({ "query": "query Missing { offer(id: \"nope\") { id } }" })),
        )
        .await;
    let id = request_id(&failing);
    assert_ne!(id, first, "each request has its own id");
    assert_eq!(failing.body["errors"][0]["extensions"]["requestId"], id);

    // Refusals of the request's form (here 415) repeat the id as well, like every error.
    for refused in [
        app.request(
            TestRequest::post()
                .uri("/graphql")
                .insert_header(("Content-Type", "text/plain"))
                .set_payload("{ __typename }"),
        )
        .await,
        app.request(TestRequest::get().uri("/feeds/offers/nope/calendar.ics"))
            .await,
    ] {
        assert!(refused.status.is_client_error(), "{:?}", refused.status);
        let id = request_id(&refused);
        assert_eq!(
            refused.body["errors"][0]["extensions"]["requestId"], id,
            "{}",
            refused.body
        );
    }

    // An id from a client is not taken unless the proxy in front is trusted.
    let claimed = app
        .request(
            TestRequest::get()
                .uri("/healthz")
                .insert_header(("X-Request-Id", "from-the-client")),
        )
        .await;
    assert_ne!(request_id(&claimed), "from-the-client");
    let mut trusting = TestApp::spawn().await;
    trusting.reconfigure(|s| s.http.trust_forwarded_headers = true);
    let kept = trusting
        .request(
            TestRequest::get()
                .uri("/healthz")
                .insert_header(("X-Request-Id", "edge-4711")),
        )
        .await;
    assert_eq!(request_id(&kept), "edge-4711");
    let odd = trusting
        .request(
            TestRequest::get()
                .uri("/healthz")
                .insert_header(("X-Request-Id", "not a token; DROP")),
        )
        .await;
    assert_ne!(request_id(&odd), "not a token; DROP");
}

#[tokio::test]
async fn metrics_count_requests_by_operation_and_outcome() {
    let app = TestApp::spawn_with(|s| s.caches.response_cache_secs = 60).await;
    let provider = fixtures::provider(&app.db, "Verein").await;
    fixtures::offer(&app.db, OfferSpec::new(provider, "Sprachcafé")).await;
    for _ in 0..2 {
        app.graphql(
            "query Catalogue { offers(first: 5) { totalCount } }",
            json!({}),
        )
        .await;
    }
    app.graphql("query Missing { offer(id: \"nope\") { id } }", json!({}))
        .await;
    let refused = app
        .request(
            TestRequest::post()
                .uri("/graphql")
                .insert_header(("Content-Type", "text/plain"))
                .set_payload("{ offers { totalCount } }"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let scraped = app.request(TestRequest::get().uri("/metrics")).await;
    assert_eq!(scraped.status, StatusCode::OK);
    let text = metrics_text(&app).await;
    for line in [
        "ap_graphql_requests_total{operation=\"Catalogue\",outcome=\"ok\"} 2",
        "ap_graphql_requests_total{operation=\"Missing\",outcome=\"errors\"} 1",
        "ap_graphql_requests_total{operation=\"anonymous\",outcome=\"refused\"} 1",
        "ap_graphql_request_seconds_count{operation=\"Catalogue\"} 2",
        "ap_response_cache_total{result=\"hit\"} 1",
        // The failing read was cacheable too (and computed: answers with errors are not kept).
        "ap_response_cache_total{result=\"miss\"} 2",
        "ap_response_cache_hit_ratio 0.33",
        "ap_rate_limited_total 0",
        "ap_subscriptions 0",
    ] {
        assert!(text.contains(line), "missing `{line}` in:\n{text}");
    }
    // Fixtures write no outbox rows: nothing waits. The pool has connections open.
    assert!(text.contains("ap_search_outbox_pending 0"), "{text}");
    assert!(text.contains("ap_search_outbox_lag_seconds "), "{text}");
    assert!(text.contains("ap_db_pool_connections "), "{text}");
    // Statements sent: what a request costs in SQL, over the process.
    let statements = |text: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix("ap_db_statements_total "))
            .unwrap()
            .parse()
            .unwrap()
    };
    let before = statements(&text);
    app.data("{ offers(first: 1) { totalCount } }", serde_json::json!({}))
        .await;
    assert!(statements(&metrics_text(&app).await) > before);
}

#[tokio::test]
async fn metrics_speak_prometheus_text_or_openmetrics_as_asked_with_process_and_build_metrics() {
    let app = TestApp::spawn().await;
    app.data("{ categories { code } }", json!({})).await;
    let classic = app.request(TestRequest::get().uri("/metrics")).await;
    assert_eq!(
        classic.headers.get("Content-Type").unwrap(),
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let text = String::from_utf8(classic.bytes.clone()).unwrap();
    for family in [
        "# TYPE ap_graphql_requests_total counter",
        "# TYPE ap_graphql_request_seconds histogram",
        "# TYPE process_cpu_seconds_total counter",
        "# TYPE process_resident_memory_bytes gauge",
        "# TYPE process_open_fds gauge",
        "# TYPE process_max_fds gauge",
        "# TYPE process_start_time_seconds gauge",
        "ap_build_info{version=\"",
    ] {
        assert!(text.contains(family), "missing `{family}` in:\n{text}");
    }
    let resident: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("process_resident_memory_bytes "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(resident > 1_000_000.0, "{resident}");
    assert!(!text.contains("# EOF"));

    let prometheus_accept =
        "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1";
    let open = app
        .request(
            TestRequest::get()
                .uri("/metrics")
                .insert_header(("Accept", prometheus_accept)),
        )
        .await;
    assert!(
        open.headers
            .get("Content-Type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text; version=1.0.0"),
        "{:?}",
        open.headers
    );
    let text = String::from_utf8(open.bytes.clone()).unwrap();
    assert!(text.ends_with("# EOF\n"), "{text}");
    // OpenMetrics names a counter's family without `_total`; its samples keep it.
    assert!(
        text.contains("# TYPE ap_graphql_requests counter"),
        "{text}"
    );
    assert!(text.contains("ap_graphql_requests_total{"), "{text}");
    assert!(text.contains("# TYPE ap_build info"), "{text}");
}

async fn metrics_text(app: &TestApp) -> String {
    let schema = angebotsplattform::build_schema(app.app.clone(), &app.limits);
    let service = actix_web::test::init_service(
        actix_web::App::new().configure(angebotsplattform::configure(schema, app.app.clone())),
    )
    .await;
    let response =
        actix_web::test::call_service(&service, TestRequest::get().uri("/metrics").to_request())
            .await;
    let bytes = actix_web::test::read_body(response).await;
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test]
async fn a_metrics_token_keeps_scrapers_honest() {
    let app = TestApp::spawn_with(|s| {
        s.telemetry.metrics_token = Some("scrape-secret".to_owned().into())
    })
    .await;
    let without = app.request(TestRequest::get().uri("/metrics")).await;
    assert_eq!(without.status, StatusCode::UNAUTHORIZED);
    let wrong = app
        .request(
            TestRequest::get()
                .uri("/metrics")
                .insert_header(("Authorization", "Bearer guess")),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let right = app
        .request(
            TestRequest::get()
                .uri("/metrics")
                .insert_header(("Authorization", "Bearer scrape-secret")),
        )
        .await;
    assert_eq!(right.status, StatusCode::OK);
}

#[tokio::test]
async fn readiness_reports_each_dependency() {
    let app = TestApp::spawn().await;
    let ready = app.request(TestRequest::get().uri("/readyz")).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.body["database"], "up");
    assert_eq!(ready.body["search"], "up");

    // A search engine nobody answers for: still serving (search falls back to the
    // database), but degraded.
    let app = TestApp::spawn_with(|s| {
        s.search.meili_url = Some("http://127.0.0.1:9".into());
        s.search.search_timeout_ms = 500;
    })
    .await;
    let ready = app.request(TestRequest::get().uri("/readyz")).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.body["search"], "down");
    assert_eq!(ready.body["status"], "degraded");
}
