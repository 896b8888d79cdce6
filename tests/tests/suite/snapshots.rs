//! The shapes of the main answers, kept as snapshots (`snapshots/`), so a change to a
//! response's shape that no other test names shows up in review: an offer with every
//! nested field, a search answer with facets, ranked candidates with their reasons, and
//! the error envelope of each code. Ids, times, dates and request ids change from run to
//! run and are redacted. (The SDL's own snapshot is `schema.graphql`, checked by
//! `schema_drift`.) After an intended change: `INSTA_UPDATE=always cargo test -p tests
//! --test suite snapshots`, then review the diff.

use actix_web::test::TestRequest;
use angebotsplattform::graphql::relay::NodeType;
use angebotsplattform::service::indexing as indexer;
use entity::types::{CefrLevel, CostKind, Proficiency};
use insta::assert_json_snapshot;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use tests::fixtures::{self, OfferSpec};
use tests::mentoring::{self, Person, RankingScene};
use tests::{HttpReply, TestApp};

use crate::ids::gid;

const OFFER: &str = "query($id: ID!) { offer(id: $id) {
  id status kind externalRef defaultLocale title summary description descriptionHtml
  servedLocale machineTranslated availableLocales
  provider { id name kind verified }
  categories { code kind label parent { code } }
  regions { code kind name }
  level fide instructionLanguages supportLanguages
  cost { kind price { amount currency } unit }
  childcare online accessibility targetGroups
  registration { url email phone }
  validFrom validUntil publishedAt updatedAt version
  locations { name street postcode locality coordinates { lat lon } municipality { code name } }
  schedules { startDate endDate weekday startTime endTime note }
} }";

#[tokio::test]
async fn an_offer_with_every_nested_field() {
    let app = TestApp::spawn().await;
    let provider = fixtures::provider(&app.db, "Volkshochschule Olten").await;
    let mut spec = OfferSpec::new(provider, "Deutschkurs B1 am Abend");
    spec.level = Some(CefrLevel::B1);
    spec.cost = CostKind::Paid;
    spec.regions = vec!["SO-D-OLTEN"];
    let id = fixtures::offer(&app.db, spec).await;
    let data = app
        .data(OFFER, json!({ "id": gid(NodeType::Offer, id) }))
        .await;
    assert_json_snapshot!(data, {
        ".offer.id" => "[id]",
        ".offer.provider.id" => "[id]",
        ".offer.publishedAt" => "[time]",
        ".offer.updatedAt" => "[time]",
        ".offer.schedules[].startDate" => "[date]",
        ".offer.schedules[].endDate" => "[date]",
        ".offer.validFrom" => "[date]",
    });
}

#[tokio::test]
async fn a_search_answer_with_facets() {
    let app = TestApp::spawn().await;
    let provider = fixtures::provider(&app.db, "Verein Deutsch").await;
    let mut a1 = OfferSpec::new(provider, "Deutschkurs A1 am Morgen");
    a1.level = Some(CefrLevel::A1);
    a1.childcare = true;
    a1.starts_on -= chrono::Duration::days(5);
    fixtures::offer(&app.db, a1).await;
    let mut b1 = OfferSpec::new(provider, "Deutschkurs B1 am Abend");
    b1.level = Some(CefrLevel::B1);
    b1.cost = CostKind::Paid;
    fixtures::offer(&app.db, b1).await;
    // Distinct start dates, so the order (soonest first) does not depend on the engine.
    let mut cafe = OfferSpec::new(provider, "Sprachcafé");
    cafe.starts_on += chrono::Duration::days(5);
    fixtures::offer(&app.db, cafe).await;
    indexer::reindex(&app.db, &*app.app.search, 100)
        .await
        .unwrap();
    let data = app
        .data(
            "{ searchOffers(query: \"Deutschkurs\", sort: START_DATE, first: 5) {
                totalHits correctedQuery
                hits { offer { title level } distanceKm highlights { field snippet } }
                facets { levels { value count } costs { value count } childcare { value count }
                         instructionLanguages { value count } }
                pageInfo { hasNextPage }
            } }",
            json!({}),
        )
        .await;
    assert_json_snapshot!(data);
}

#[tokio::test]
async fn candidates_with_their_reasons() {
    let app = TestApp::spawn().await;
    let scene = RankingScene::in_olten(&app).await;
    let pool = scene.pool;
    for languages in [
        vec![("de", Proficiency::Native), ("ti", Proficiency::Fluent)],
        vec![("de", Proficiency::Native)],
    ] {
        mentoring::mentor(
            &app.db,
            pool,
            Person {
                languages,
                ..Person::default()
            },
        )
        .await;
    }
    let data = scene.candidates(&app).await;
    assert_json_snapshot!(data, { ".mentorCandidates[].mentor.id" => "[id]" });
}

/// What a client receives: the status and the body.
fn envelope(reply: &HttpReply) -> Value {
    json!({ "status": reply.status.as_u16(), "body": reply.body })
}

async fn post(app: &TestApp, token: Option<&str>, body: Value) -> Value {
    let mut request = TestRequest::post().uri("/graphql").set_json(body);
    if let Some(token) = token {
        request = request.insert_header(("Authorization", format!("Bearer {token}")));
    }
    envelope(&app.request(request).await)
}

#[tokio::test]
async fn the_error_envelope_of_each_code() {
    let app = TestApp::spawn_with(|s| s.queries.automatic_persisted_queries = true).await;
    let provider = fixtures::provider(&app.db, "Verein").await;
    let offer = fixtures::offer(&app.db, OfferSpec::new(provider, "Sprachcafé")).await;
    let editor = app.editor(&[provider]).await.token;
    let mut deep = String::from("code");
    for _ in 0..20 {
        deep = format!("parents {{ {deep} }}");
    }
    let mut envelopes = serde_json::Map::new();
    let mut add = |code: &str, value: Value| {
        envelopes.insert(code.to_owned(), value);
    };
    add(
        "BAD_USER_INPUT",
        post(
            &app,
            None,
            json!({ "query": "{ region(by: {}) { name } }" }),
        )
        .await,
    );
    add(
        "UNAUTHENTICATED",
        post(&app, None, json!({ "query": "{ apiClients { id } }" })).await,
    );
    add(
        "FORBIDDEN",
        post(
            &app,
            Some(&editor),
            json!({ "query": "{ apiClients { id } }" }),
        )
        .await,
    );
    add(
        "NOT_FOUND",
        post(
            &app,
            None,
            json!({ "query": "{ region(by: { postcode: \"9999\" }) { name } }" }),
        )
        .await,
    );
    add(
        "CONFLICT",
        post(
            &app,
            Some(&editor),
            json!({
                "query": "mutation($id: ID!) { updateOffer(id: $id, input: { fide: true }, expectedVersion: 99) { id } }",
                "variables": { "id": gid(NodeType::Offer, offer) }
            }),
        )
        .await,
    );
    add(
        "QUERY_TOO_COMPLEX",
        post(
            &app,
            None,
            json!({ "query": format!("{{ region(by: {{ code: \"2581\" }}) {{ {deep} }} }}") }),
        )
        .await,
    );
    let unknown = "0".repeat(64);
    add(
        "PERSISTED_QUERY_NOT_FOUND",
        post(
            &app,
            None,
            json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": unknown } } }),
        )
        .await,
    );
    add(
        "PERSISTED_QUERY_NOT_SUPPORTED",
        post(
            &app,
            None,
            json!({ "extensions": { "persistedQuery": { "version": 2, "sha256Hash": unknown } } }),
        )
        .await,
    );

    let admin = app.admin().await.token;
    let created = app
        .data_as(
            Some(&admin),
            "mutation { createApiClient(name: \"Regionalsite\") { key client { id } } }",
            json!({}),
        )
        .await;
    app.data_as(
        Some(&admin),
        "mutation($c: ID!) { updateApiClient(id: $c, input: { allowListOnly: true }) { id } }",
        json!({ "c": created["createApiClient"]["client"]["id"] }),
    )
    .await;
    let key = created["createApiClient"]["key"].as_str().unwrap();
    let unregistered = TestRequest::post()
        .uri("/graphql")
        .insert_header(("X-Api-Key", key))
        .set_json(json!({ "query": "{ categories { code } }" }));
    add(
        "OPERATION_NOT_REGISTERED",
        envelope(&app.request(unregistered).await),
    );

    let limited = TestApp::spawn_with(|s| {
        s.http.trust_forwarded_headers = true;
        s.http.rate_limit_per_address = 1;
    })
    .await;
    let from_one_address = || {
        TestRequest::post()
            .uri("/graphql")
            .insert_header(("X-Forwarded-For", "198.51.100.7"))
            .set_json(json!({ "query": "{ __typename }" }))
    };
    limited.request(from_one_address()).await;
    add(
        "RATE_LIMITED",
        envelope(&limited.request(from_one_address()).await),
    );

    let broken = TestApp::spawn_with_demo().await;
    broken
        .db
        .execute_unprepared("DROP TABLE offer_schedule")
        .await
        .unwrap();
    add(
        "INTERNAL_SERVER_ERROR",
        post(
            &broken,
            None,
            json!({ "query": "{ offers(first: 1) { nodes { schedules { startDate } } } }" }),
        )
        .await,
    );
    let closed = TestApp::spawn().await;
    closed.db.clone().close().await.unwrap();
    add(
        "SERVICE_UNAVAILABLE",
        post(
            &closed,
            None,
            json!({ "query": "{ regions(first: 1) { totalCount } }" }),
        )
        .await,
    );

    for (code, envelope) in &envelopes {
        assert_eq!(
            envelope["body"]["errors"][0]["extensions"]["code"], *code,
            "{envelope}"
        );
    }
    // Every code of the API has its envelope here.
    assert_eq!(
        envelopes
            .keys()
            .map(String::as_str)
            .collect::<std::collections::BTreeSet<_>>(),
        angebotsplattform::error::Code::ALL
            .iter()
            .map(|code| code.as_str())
            .collect()
    );
    assert_json_snapshot!(Value::Object(envelopes), {
        ".*.body.errors[].extensions.requestId" => "[request id]",
        ".*.body.errors[].extensions.retryAfter" => "[seconds]",
    });
}
