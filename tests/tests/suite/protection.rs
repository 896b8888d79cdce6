//! The endpoint's defences: limits on query shape and size, one operation per request, JSON
//! only, no mutations over GET, and errors that never show internals.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use sea_orm::ConnectionTrait;
use serde_json::json;
use tests::{TestApp, error_code};

async fn still_up(app: &TestApp) {
    let data = app
        .data("{ regions(kind: DISTRICT) { totalCount } }", json!({}))
        .await;
    assert_eq!(data["regions"]["totalCount"], 10);
}

#[actix_web::test]
async fn a_20_deep_query_is_refused() {
    let app = TestApp::spawn().await;
    let mut query = String::from("code");
    for _ in 0..20 {
        query = format!("parents {{ {query} }}");
    }
    let response = app
        .graphql(
            &format!(r#"{{ region(code: "2581") {{ {query} }} }}"#),
            json!({}),
        )
        .await;
    assert_eq!(
        error_code(&response),
        Some("QUERY_TOO_COMPLEX"),
        "{response}"
    );
    let extensions = &response["errors"][0]["extensions"];
    assert_eq!(extensions["depth"], 22, "{response}");
    assert_eq!(extensions["limit"], app.limits.max_depth, "{response}");
    still_up(&app).await;
}

#[actix_web::test]
async fn a_1000_alias_query_is_refused() {
    let app = TestApp::spawn().await;
    let fields: Vec<String> = (0..1000).map(|n| format!("a{n}: __typename")).collect();
    let response = app
        .graphql(&format!("{{ {} }}", fields.join(" ")), json!({}))
        .await;
    assert_eq!(
        error_code(&response),
        Some("QUERY_TOO_COMPLEX"),
        "{response}"
    );
    still_up(&app).await;
}

#[actix_web::test]
async fn cost_grows_with_page_size() {
    let app = TestApp::spawn().await;
    let query = |first: u32| {
        format!(
            "{{ regions(first: {first}) {{ edges {{ node {{ name children(first: 100) {{ edges {{ node {{ name code postcodes centroid {{ lat lon }} }} }} }} }} }} }} }}"
        )
    };
    let small = app.graphql(&query(2), json!({})).await;
    assert!(small.get("errors").is_none(), "{small}");
    // Every answer says what its query cost, beside the limits.
    let cost = &small["extensions"]["cost"];
    let complexity = cost["complexity"].as_u64().unwrap();
    assert!(complexity > 2 * 100, "{small}");
    assert_eq!(cost["maxComplexity"], app.limits.max_complexity, "{small}");
    assert_eq!(cost["depth"], 8, "{small}");
    assert_eq!(cost["maxDepth"], app.limits.max_depth, "{small}");

    let big = app.graphql(&query(100), json!({})).await;
    assert_eq!(error_code(&big), Some("QUERY_TOO_COMPLEX"), "{big}");
    // The refusal names the cost and the limit, and the cost grew with the page.
    let extensions = &big["errors"][0]["extensions"];
    assert_eq!(extensions["limit"], app.limits.max_complexity, "{big}");
    assert!(
        extensions["cost"].as_u64().unwrap() >= complexity * 40,
        "{big}"
    );
    assert!(
        big["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("at most")
    );
}

#[actix_web::test]
async fn an_overlong_query_and_an_oversized_body_are_refused() {
    let app = TestApp::spawn().await;
    let padded = format!("{{ categories {{ code }} }}{}", " ".repeat(40 * 1024));
    let reply = app
        .request(
            TestRequest::post()
                .uri("/graphql")
                .set_json(json!({ "query": padded })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        reply.body["errors"][0]["extensions"]["code"],
        "QUERY_TOO_COMPLEX"
    );

    let body = format!(
        r#"{{"query":"{{ categories {{ code }} }}","variables":{{"x":"{}"}}}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    let reply = app
        .request(
            TestRequest::post()
                .uri("/graphql")
                .insert_header(("content-type", "application/json"))
                .set_payload(body),
        )
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        reply.body["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
    still_up(&app).await;
}

#[actix_web::test]
async fn only_json_posts_are_executed() {
    let app = TestApp::spawn().await;
    let reply = app
        .request(
            TestRequest::post()
                .uri("/graphql")
                .insert_header(("content-type", "text/plain"))
                .set_payload(r#"{"query":"{ categories { code } }"}"#),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let reply = app
        .request(
            TestRequest::post()
                .uri("/graphql")
                .insert_header(("content-type", "application/json"))
                .set_payload("{ not json"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.body["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
}

/// The message of a `400 Bad Request` answer to a POST of `body`.
async fn refused_post(app: &TestApp, body: serde_json::Value) -> String {
    let reply = app
        .request(TestRequest::post().uri("/graphql").set_json(body))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{:?}", reply.body);
    reply.body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[actix_web::test]
async fn batches_are_refused() {
    let app = TestApp::spawn().await;
    let batch = json!([
        { "query": "{ categories { code } }" },
        { "query": "{ categories { code } }" }
    ]);
    assert!(refused_post(&app, batch).await.contains("one operation"));
    // An array of bare strings is no request either (a struct can be read from a list).
    let strings = json!(["{ categories { code } }"]);
    assert!(refused_post(&app, strings).await.contains("one operation"));
    let number = json!({ "query": 7 });
    assert!(
        refused_post(&app, number)
            .await
            .contains("not a GraphQL request")
    );
}

#[actix_web::test]
async fn get_runs_queries_but_refuses_mutations() {
    let app = TestApp::spawn().await;
    let reply = app
        .request(TestRequest::get().uri("/graphql?query=%7Bcategories%7Bcode%7D%7D"))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.body["data"]["categories"].as_array().unwrap().len(),
        3
    );

    let reply = app
        .request(TestRequest::get().uri("/graphql?query=mutation%20%7B%20logout%20%7D"))
        .await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.headers.get("allow").unwrap(), "POST");
}

#[actix_web::test]
async fn introspection_and_suggestions_can_be_switched_off() {
    let app = TestApp::spawn_with(|s| s.queries.introspection = Some(false)).await;
    let response = app
        .graphql("{ __schema { types { name } } }", json!({}))
        .await;
    assert!(response["data"]["__schema"].is_null(), "{response}");
    let response = app.graphql("{ categoriez { code } }", json!({})).await;
    let message = response["errors"][0]["message"].as_str().unwrap();
    assert!(!message.contains("Did you mean"), "{message}");

    let open = TestApp::spawn().await;
    let response = open
        .graphql("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(response["data"]["__schema"]["queryType"]["name"], "Query");
}

#[actix_web::test]
async fn a_failing_statement_is_an_internal_error_without_details() {
    let app = TestApp::spawn_with_demo().await;
    app.db
        .execute_unprepared("DROP TABLE offer_schedule")
        .await
        .unwrap();
    let response = app
        .graphql(
            "{ offers(first: 3) { edges { node { schedules { startDate } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        error_code(&response),
        Some("INTERNAL_SERVER_ERROR"),
        "{response}"
    );
    let text = response["errors"].to_string().to_lowercase();
    for leak in ["offer_schedule", "select", "sql", "table"] {
        assert!(!text.contains(leak), "error shows `{leak}`: {text}");
    }
}

#[actix_web::test]
async fn an_unreachable_database_is_service_unavailable() {
    let app = TestApp::spawn().await;
    app.db.clone().close().await.unwrap();
    let response = app
        .graphql("{ regions(kind: DISTRICT) { totalCount } }", json!({}))
        .await;
    assert_eq!(
        error_code(&response),
        Some("SERVICE_UNAVAILABLE"),
        "{response}"
    );

    let reply = app.request(TestRequest::get().uri("/readyz")).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    let reply = app.request(TestRequest::get().uri("/healthz")).await;
    assert_eq!(reply.status, StatusCode::OK);
}
