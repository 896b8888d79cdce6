//! Persisted queries: the APQ protocol (hash first, text on a miss), `GET` by hash with
//! `Cache-Control`, `ETag` and `304`, and partner apps held to registered operations.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use angebotsplattform::cache::persisted::sha256_hex;
use serde_json::{Value, json};
use tests::{HttpReply, TestApp, error_code, percent_encode as encode};

const CATEGORIES: &str = "query Categories { categories { code } }";

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

async fn post(app: &TestApp, body: Value, headers: &[(&str, &str)]) -> HttpReply {
    let mut request = TestRequest::post().uri("/graphql").set_json(body);
    for (name, value) in headers {
        request = request.insert_header((*name, *value));
    }
    app.request(request).await
}

async fn get_by_hash(app: &TestApp, hash: &str, headers: &[(&str, &str)]) -> HttpReply {
    let uri = format!(
        "/graphql?extensions={}",
        encode(&persisted(hash).to_string())
    );
    let mut request = TestRequest::get().uri(&uri);
    for (name, value) in headers {
        request = request.insert_header((*name, *value));
    }
    app.request(request).await
}

fn header<'a>(reply: &'a HttpReply, name: &str) -> Option<&'a str> {
    reply.headers.get(name).and_then(|v| v.to_str().ok())
}

/// An API key of a new partner app, optionally in allow-list mode.
async fn partner_key(app: &TestApp, admin: &str, allow_list_only: bool) -> String {
    let created = app
        .data_as(
            Some(admin),
            "mutation($n: String!) { createApiClient(name: $n) { key client { id } } }",
            json!({ "n": format!("Regionalsite {}", uuid::Uuid::now_v7().simple()) }),
        )
        .await;
    let id = created["createApiClient"]["client"]["id"].clone();
    let updated = app
        .data_as(
            Some(admin),
            "mutation($c: ID!, $only: Boolean!) {
                updateApiClient(id: $c, input: { allowListOnly: $only }) { allowListOnly }
            }",
            json!({ "c": id, "only": allow_list_only }),
        )
        .await;
    assert_eq!(
        updated["updateApiClient"]["allowListOnly"],
        json!(allow_list_only)
    );
    created["createApiClient"]["key"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_hash_is_answered_once_the_text_was_sent_with_it() {
    let app = TestApp::spawn().await;
    let hash = sha256_hex(CATEGORIES);

    let miss = post(&app, json!({ "extensions": persisted(&hash) }), &[]).await;
    assert_eq!(miss.status, StatusCode::OK);
    assert_eq!(error_code(&miss.body), Some("PERSISTED_QUERY_NOT_FOUND"));
    assert_eq!(miss.body["errors"][0]["message"], "PersistedQueryNotFound");

    let with_text = post(
        &app,
        json!({ "query": CATEGORIES, "extensions": persisted(&hash) }),
        &[],
    )
    .await;
    assert!(with_text.body.get("errors").is_none(), "{}", with_text.body);
    let by_hash = post(&app, json!({ "extensions": persisted(&hash) }), &[]).await;
    assert!(by_hash.body.get("errors").is_none(), "{}", by_hash.body);
    assert_eq!(by_hash.body["data"], with_text.body["data"]);
    assert!(
        by_hash.body["data"]["categories"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    );
}

#[tokio::test]
async fn a_text_that_does_not_match_its_hash_is_refused_and_not_kept() {
    let app = TestApp::spawn().await;
    let claimed = sha256_hex("{ categories { code label } }");
    let wrong = post(
        &app,
        json!({ "query": CATEGORIES, "extensions": persisted(&claimed) }),
        &[],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        wrong.body["errors"][0]["message"],
        "provided sha does not match query"
    );
    let later = post(&app, json!({ "extensions": persisted(&claimed) }), &[]).await;
    assert_eq!(error_code(&later.body), Some("PERSISTED_QUERY_NOT_FOUND"));

    for extensions in [
        json!({ "persistedQuery": { "version": 2, "sha256Hash": claimed } }),
        json!({ "persistedQuery": { "version": 1, "sha256Hash": "not-a-hash" } }),
        json!({ "persistedQuery": "yes" }),
    ] {
        let refused = post(&app, json!({ "extensions": extensions }), &[]).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{extensions}");
        assert!(error_code(&refused.body).is_some());
    }
}

#[tokio::test]
async fn turning_automatic_persistence_off_keeps_registered_operations_working() {
    let app = TestApp::spawn_with(|s| s.queries.automatic_persisted_queries = false).await;
    let hash = sha256_hex(CATEGORIES);
    let refused = post(
        &app,
        json!({ "query": CATEGORIES, "extensions": persisted(&hash) }),
        &[],
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        error_code(&refused.body),
        Some("PERSISTED_QUERY_NOT_SUPPORTED")
    );
    let admin = app.admin().await;
    app.data_as(
        Some(&admin.token),
        "mutation($d: String!) { registerOperation(document: $d) { sha256 } }",
        json!({ "d": CATEGORIES }),
    )
    .await;
    let by_hash = post(&app, json!({ "extensions": persisted(&hash) }), &[]).await;
    assert!(by_hash.body.get("errors").is_none(), "{}", by_hash.body);
}

#[tokio::test]
async fn get_by_hash_carries_cache_headers_and_answers_304_when_unchanged() {
    let app = TestApp::spawn().await;
    let hash = sha256_hex(CATEGORIES);
    post(
        &app,
        json!({ "query": CATEGORIES, "extensions": persisted(&hash) }),
        &[],
    )
    .await;

    let first = get_by_hash(&app, &hash, &[]).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body["data"]["categories"].is_array());
    assert_eq!(header(&first, "Cache-Control"), Some("public, max-age=60"));
    let etag = header(&first, "ETag").expect("an ETag").to_owned();
    assert!(etag.starts_with("W/\"") && etag.ends_with('"'), "{etag}");
    assert!(header(&first, "Vary").is_some_and(|v| v.contains("Accept-Language")));

    let unchanged = get_by_hash(&app, &hash, &[("If-None-Match", &etag)]).await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
    assert_eq!(unchanged.body, Value::Null);
    assert_eq!(header(&unchanged, "ETag"), Some(etag.as_str()));

    let strong = etag.trim_start_matches("W/");
    let also = get_by_hash(&app, &hash, &[("If-None-Match", strong)]).await;
    assert_eq!(also.status, StatusCode::NOT_MODIFIED);
    let other = get_by_hash(&app, &hash, &[("If-None-Match", "\"something-else\"")]).await;
    assert_eq!(other.status, StatusCode::OK);

    // Another language is another answer, with another tag.
    let french = get_by_hash(&app, &hash, &[("Accept-Language", "fr")]).await;
    assert_eq!(french.status, StatusCode::OK);

    // What staff receive is never shared.
    let admin = app.admin().await;
    let bearer = format!("Bearer {}", admin.token);
    let staff = get_by_hash(&app, &hash, &[("Authorization", &bearer)]).await;
    assert_eq!(staff.status, StatusCode::OK);
    assert_eq!(header(&staff, "Cache-Control"), Some("private, no-store"));
    assert_eq!(header(&staff, "ETag"), None);
}

#[tokio::test]
async fn answers_with_errors_are_not_cacheable_and_writes_never_travel_by_get() {
    let app = TestApp::spawn().await;
    let missing =
        "query { offer(id: \"T2ZmZXI6MDE5MzAwMDAtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAw\") { id } }";
    let reply = app
        .request(TestRequest::get().uri(&format!("/graphql?query={}", encode(missing))))
        .await;
    assert_eq!(header(&reply, "Cache-Control"), Some("private, no-store"));

    // A registered mutation may still not be sent by hash in a URL.
    let admin = app.admin().await;
    let logout = "mutation SignOut { logout }";
    app.data_as(
        Some(&admin.token),
        "mutation($d: String!) { registerOperation(document: $d) { sha256 } }",
        json!({ "d": logout }),
    )
    .await;
    let refused = get_by_hash(&app, &sha256_hex(logout), &[]).await;
    assert_eq!(refused.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(header(&refused, "Allow"), Some("POST"));
}

#[tokio::test]
async fn an_allow_list_partner_may_send_registered_operations_only() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let key = partner_key(&app, &admin.token, true).await;
    let headers = [("X-Api-Key", key.as_str())];
    let hash = sha256_hex(CATEGORIES);

    // Neither the text nor the hash of an unregistered operation is accepted, and the
    // partner cannot persist it by itself.
    let text = post(&app, json!({ "query": CATEGORIES }), &headers).await;
    assert_eq!(text.status, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&text.body), Some("OPERATION_NOT_REGISTERED"));
    let persisting = post(
        &app,
        json!({ "query": CATEGORIES, "extensions": persisted(&hash) }),
        &headers,
    )
    .await;
    assert_eq!(persisting.status, StatusCode::FORBIDDEN);
    let by_hash = post(&app, json!({ "extensions": persisted(&hash) }), &headers).await;
    assert_eq!(by_hash.status, StatusCode::FORBIDDEN);

    let registered = app
        .data_as(
            Some(&admin.token),
            "mutation($d: String!) { registerOperation(document: $d) { sha256 name } }",
            json!({ "d": CATEGORIES }),
        )
        .await;
    assert_eq!(registered["registerOperation"]["sha256"], json!(hash));
    assert_eq!(registered["registerOperation"]["name"], "Categories");
    // Registering the same text again is the same operation.
    let again = app
        .data_as(
            Some(&admin.token),
            "mutation($d: String!) { registerOperation(document: $d) { sha256 } }",
            json!({ "d": CATEGORIES }),
        )
        .await;
    assert_eq!(again["registerOperation"]["sha256"], json!(hash));
    let listed = app
        .data_as(
            Some(&admin.token),
            "{ registeredOperations { sha256 } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["registeredOperations"].as_array().unwrap().len(), 1);

    let by_hash = post(&app, json!({ "extensions": persisted(&hash) }), &headers).await;
    assert!(by_hash.body.get("errors").is_none(), "{}", by_hash.body);
    let text = post(&app, json!({ "query": CATEGORIES }), &headers).await;
    assert!(text.body.get("errors").is_none(), "{}", text.body);
    // Other operations stay closed to this partner, open to everyone else.
    let other = post(
        &app,
        json!({ "query": "{ categories { code label } }" }),
        &headers,
    )
    .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let open_key = partner_key(&app, &admin.token, false).await;
    let open = post(
        &app,
        json!({ "query": "{ categories { code label } }" }),
        &[("X-Api-Key", open_key.as_str())],
    )
    .await;
    assert!(open.body.get("errors").is_none(), "{}", open.body);

    // A withdrawn registration stops working at once, even though the text is cached.
    app.data_as(
        Some(&admin.token),
        "mutation($h: String!) { unregisterOperation(sha256: $h) { sha256 } }",
        json!({ "h": hash }),
    )
    .await;
    let withdrawn = post(&app, json!({ "extensions": persisted(&hash) }), &headers).await;
    assert_eq!(withdrawn.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn registering_checks_the_document() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    for document in ["", "query {", "{ categories { code } "] {
        let refused = app
            .graphql_as(
                Some(&admin.token),
                "mutation($d: String!) { registerOperation(document: $d) { sha256 } }",
                json!({ "d": document }),
            )
            .await;
        assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{document:?}");
        assert_eq!(
            refused["errors"][0]["extensions"]["fields"][0]["field"],
            "document"
        );
    }
    let unknown = app
        .graphql_as(
            Some(&admin.token),
            "mutation { unregisterOperation(sha256: \"0000000000000000000000000000000000000000000000000000000000000000\") { sha256 } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&unknown), Some("NOT_FOUND"));
    let listed = app
        .data_as(
            Some(&admin.token),
            "{ registeredOperations { sha256 } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["registeredOperations"], json!([]));
}

#[tokio::test]
#[cfg_attr(not(with_redis), ignore = "needs a Redis server: set TEST_REDIS_URL")]
async fn a_query_persisted_on_one_instance_is_known_to_the_others() {
    let first = TestApp::spawn().await;
    assert!(first.app.redis.is_some(), "TEST_REDIS_URL is not set");
    let mut second = TestApp::spawn().await;
    let settings = (*first.app.settings).clone();
    second.reconfigure(|s| *s = settings);
    let hash = sha256_hex(CATEGORIES);
    let sent = post(
        &first,
        json!({ "query": CATEGORIES, "extensions": persisted(&hash) }),
        &[],
    )
    .await;
    assert!(sent.body.get("errors").is_none(), "{}", sent.body);
    let elsewhere = post(&second, json!({ "extensions": persisted(&hash) }), &[]).await;
    assert!(elsewhere.body.get("errors").is_none(), "{}", elsewhere.body);
    assert_eq!(elsewhere.body["data"], sent.body["data"]);
}

#[tokio::test]
async fn without_redis_persisted_queries_fall_back_to_the_process() {
    // Nothing listens on port 9: the shared store fails and the process store answers.
    let app = TestApp::spawn_with(|s| {
        s.caches.redis_url = Some("redis://127.0.0.1:9".to_owned().into());
        s.caches.redis_timeout_ms = 100;
    })
    .await;
    let hash = sha256_hex(CATEGORIES);
    let sent = post(
        &app,
        json!({ "query": CATEGORIES, "extensions": persisted(&hash) }),
        &[],
    )
    .await;
    assert!(sent.body.get("errors").is_none(), "{}", sent.body);
    let by_hash = post(&app, json!({ "extensions": persisted(&hash) }), &[]).await;
    assert!(by_hash.body.get("errors").is_none(), "{}", by_hash.body);
}
