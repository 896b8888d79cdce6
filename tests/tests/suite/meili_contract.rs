//! The Meilisearch adapter's contract: what it sends to the server (index, settings,
//! documents, searches with filters, facets, geo and sort, facet searches, swaps, task
//! polling) and how it reads the answers, checked against a stand-in server. Real
//! behaviour is the conformance suite's job, against a real server.

use std::time::Duration;

use angebotsplattform::search::meili::{MeiliConfig, MeiliIndex};
use angebotsplattform::search::terms::Thesaurus;
use angebotsplattform::search::{
    Facet, Near, OfferDocument, SearchFilter, SearchIndex, SearchRequest, SearchSort,
};
use angebotsplattform::service::indexing as indexer;
use chrono::{Duration as Days, NaiveDate, Utc};
use entity::search_outbox;
use sea_orm::sea_query::Expr;
use sea_orm::{EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tests::TestApp;
use tests::fixtures::{self, OfferSpec};
use tests::meili_mock::MeiliMock;
use uuid::Uuid;

const INDEX: &str = "offers";

fn engine(mock: &MeiliMock) -> MeiliIndex {
    MeiliIndex::new(
        MeiliConfig {
            url: mock.url.clone(),
            api_key: Some("a-test-key".into()),
            index: INDEX.into(),
            task_timeout: Duration::from_secs(5),
            max_total_hits: 50_000,
        },
        Thesaurus::shipped().unwrap(),
    )
    .unwrap()
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn doc(title: &str) -> OfferDocument {
    OfferDocument {
        id: Uuid::now_v7(),
        provider_id: Uuid::nil(),
        titles: vec![title.to_owned()],
        bodies: vec!["Für alle".into()],
        category_labels: vec![],
        context: vec!["Sprache".into()],
        categories: vec!["language".into()],
        regions: vec![],
        districts: vec!["SO-D-OLTEN".into()],
        instruction_languages: vec!["de".into()],
        level: Some("A1".into()),
        cost: "FREE".into(),
        childcare: true,
        online: false,
        weekdays: vec![1, 3],
        times_of_day: vec!["MORNING".into()],
        starts_on: today() + Days::days(5),
        valid_until: None,
        updated_at: Utc::now(),
        point: Some((47.35, 7.90)),
    }
}

fn path(tail: &str) -> String {
    format!("/indexes/{INDEX}{tail}")
}

#[tokio::test]
async fn settings_are_applied_once_before_the_first_write_and_every_write_is_awaited() {
    let mock = MeiliMock::start();
    let index = engine(&mock);
    let first = doc("Deutschkurs A1");
    index.upsert(vec![first.clone()]).await.unwrap();
    index.upsert(vec![doc("Deutsch Kurs B1")]).await.unwrap();

    let created = mock.requests_to("POST", "/indexes");
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].body, json!({ "uid": INDEX, "primaryKey": "id" }));
    let settings = mock.requests_to("PATCH", &path("/settings"));
    assert_eq!(settings.len(), 1, "settings are applied once per process");
    let settings = &settings[0].body;
    assert_eq!(
        settings["searchableAttributes"],
        json!([
            "title",
            "title_concept",
            "parts",
            "body",
            "context",
            "concept"
        ])
    );
    for attribute in [
        "category",
        "district",
        "level",
        "weekday",
        "_geo",
        "valid_until",
    ] {
        assert!(
            settings["filterableAttributes"]
                .as_array()
                .unwrap()
                .contains(&json!(attribute)),
            "{attribute} is filterable"
        );
    }
    assert_eq!(settings["sortableAttributes"], json!(["starts_on", "_geo"]));
    assert_eq!(settings["rankingRules"][0], "sort");
    assert_eq!(
        settings["typoTolerance"]["minWordSizeForTypos"],
        json!({ "oneTypo": 5, "twoTypos": 9 })
    );
    assert_eq!(settings["pagination"]["maxTotalHits"], 50_000);
    let synonyms = settings["synonyms"].as_object().unwrap();
    assert!(
        synonyms["german course"]
            .as_array()
            .unwrap()
            .contains(&json!("conceptgermancourse")),
        "the term file becomes synonyms"
    );

    let added = mock.requests_to("POST", &path("/documents"));
    assert_eq!(added.len(), 2);
    assert_eq!(added[0].query, "primaryKey=id");
    let stored = &mock.documents(INDEX)[&first.id.to_string()];
    // Texts as the platform's folded words, as queries are sent.
    assert_eq!(stored["title"], json!(["deutschkurs a1"]));
    assert_eq!(stored["_geo"], json!({ "lat": 47.35, "lng": 7.9 }));
    assert_eq!(stored["weekday"], json!(["1", "3"]));
    assert_eq!(stored["childcare"], json!(true));
    assert!(stored["parts"].as_str().unwrap().contains("kurs"));
    // Each write was followed until its task had finished.
    let polled = mock
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/tasks/"))
        .count();
    assert!(polled >= 4, "tasks were polled: {polled}");
    assert_eq!(index.count().await.unwrap(), 2);
}

#[tokio::test]
async fn searches_send_filters_facets_geo_sort_and_pages_and_read_the_answer() {
    let mock = MeiliMock::start();
    let index = engine(&mock);
    let offer = doc("Deutschkurs A1");
    index.upsert(vec![offer.clone()]).await.unwrap();

    let mut request = SearchRequest {
        text: "deutschkurs".into(),
        filter: SearchFilter {
            levels: vec!["A1".into()],
            weekdays: vec![1],
            childcare: Some(true),
            ..SearchFilter::default()
        },
        near: Some(Near {
            lat: 47.36,
            lon: 7.91,
            radius_km: 10.0,
        }),
        sort: SearchSort::Distance,
        offset: 0,
        limit: 20,
        today: today(),
        facets: Facet::ALL.to_vec(),
    };
    let results = index.search(request.clone()).await.unwrap();
    let sent = mock.requests_to("POST", &path("/search"));
    let body = &sent.last().unwrap().body;
    assert_eq!(body["q"], "deutschkurs");
    let filter = body["filter"].as_str().unwrap();
    for part in [
        "valid_until >= ",
        "level IN [\"A1\"]",
        "weekday IN [\"1\"]",
        "childcare = true",
        "_geoRadius(47.36, 7.91, 10000)",
    ] {
        assert!(filter.contains(part), "{part} in {filter}");
    }
    assert_eq!(body["facets"], json!(Facet::ALL.map(Facet::field)));
    assert_eq!(body["sort"], json!(["_geoPoint(47.36, 7.91):asc"]));
    assert_eq!(
        (body["page"].clone(), body["hitsPerPage"].clone()),
        (json!(1), json!(20))
    );
    assert_eq!(body["matchingStrategy"], "all");
    assert_eq!(body["attributesToRetrieve"], json!(["id", "_geo"]));
    assert_eq!(body["showRankingScore"], true);

    assert_eq!(results.total, 1);
    assert_eq!(results.hits[0].id, offer.id);
    let distance = results.hits[0].distance_km.unwrap();
    assert!(
        (1.0..2.0).contains(&distance),
        "distance from _geo: {distance}"
    );
    assert_eq!(results.facets[&Facet::Level]["A1"], 1);
    assert_eq!(results.facets[&Facet::Weekday]["3"], 1);
    assert_eq!(results.facets[&Facet::Childcare]["true"], 1);

    // A page that does not start on a page boundary asks by offset.
    request.offset = 5;
    request.limit = 3;
    request.sort = SearchSort::StartDate;
    index.search(request.clone()).await.unwrap();
    let body = mock.last_body("POST", &path("/search"));
    assert_eq!(
        (body["offset"].clone(), body["limit"].clone()),
        (json!(5), json!(3))
    );
    assert_eq!(body["sort"], json!(["starts_on:asc"]));

    // Relevance with words leaves the order to Meilisearch; without words, soonest first.
    request.sort = SearchSort::Relevance;
    index.search(request.clone()).await.unwrap();
    let body = mock.last_body("POST", &path("/search"));
    assert!(body.get("sort").is_none_or(Value::is_null));
    request.text = String::new();
    index.search(request).await.unwrap();
    let body = mock.last_body("POST", &path("/search"));
    assert_eq!(body["sort"], json!(["starts_on:asc"]));
}

#[tokio::test]
async fn no_match_retries_with_some_words_then_offers_a_correction() {
    let mock = MeiliMock::start();
    let index = engine(&mock);
    index
        .upsert(vec![doc("Deutsch Kurs für Berufstätige")])
        .await
        .unwrap();
    let results = index
        .search(SearchRequest {
            text: "Kurz Abend".into(),
            limit: 10,
            today: today(),
            ..SearchRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(results.total, 0);
    assert_eq!(results.corrected.as_deref(), Some("kurs abend"));
    let strategies: Vec<Value> = mock
        .requests_to("POST", &path("/search"))
        .iter()
        .map(|r| r.body["matchingStrategy"].clone())
        .collect();
    assert_eq!(strategies, [json!("all"), json!("frequency")]);
    let facet_search = mock.requests_to("POST", &path("/facet-search"));
    assert_eq!(facet_search[0].body["facetName"], "words");
    assert_eq!(facet_search[0].body["facetQuery"], "kur");
}

#[tokio::test]
async fn suggestions_deletes_and_clearing() {
    let mock = MeiliMock::start();
    let index = engine(&mock);
    let (a, b) = (doc("Treffpunkt am Markt"), doc("Deutschkurs"));
    index.upsert(vec![a.clone(), b.clone()]).await.unwrap();

    let suggested = index.suggest("treffp".into(), 5, today()).await.unwrap();
    let body = mock.last_body("POST", &path("/search"));
    assert_eq!(body["attributesToSearchOn"], json!(["title"]));
    assert_eq!(body["limit"], 5);
    assert!(
        body["filter"]
            .as_str()
            .unwrap()
            .starts_with("valid_until >= ")
    );
    assert_eq!(suggested, [a.id]);

    index.delete(vec![a.id]).await.unwrap();
    let deleted = mock.requests_to("POST", &path("/documents/delete-batch"));
    assert_eq!(deleted[0].body, json!([a.id.to_string()]));
    assert_eq!(index.count().await.unwrap(), 1);
    index.clear().await.unwrap();
    assert_eq!(mock.requests_to("DELETE", &path("/documents")).len(), 1);
    assert_eq!(index.count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_rebuild_fills_a_second_index_and_swaps_it_in() {
    let mock = MeiliMock::start();
    let index = engine(&mock);
    let old = doc("Alter Kurs");
    index.upsert(vec![old.clone()]).await.unwrap();

    let fresh = doc("Neuer Kurs");
    let more: Vec<OfferDocument> = (0..3).map(|i| doc(&format!("Kurs {i}"))).collect();
    let mut rebuild = index.rebuild().await.unwrap();
    let polls = |mock: &MeiliMock| {
        mock.requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path.starts_with("/tasks/"))
            .count()
    };
    let polled_before = polls(&mock);
    rebuild.add(vec![fresh.clone()]).await.unwrap();
    for one in &more {
        rebuild.add(vec![one.clone()]).await.unwrap();
    }
    assert_eq!(
        polls(&mock),
        polled_before,
        "batches are sent without waiting for each to be applied"
    );
    assert!(
        mock.documents(INDEX).contains_key(&old.id.to_string()),
        "searches see the old documents while the rebuild runs"
    );
    let staging = format!("{INDEX}_rebuild");
    assert_eq!(
        mock.requests_to("PATCH", &format!("/indexes/{staging}/settings"))
            .len(),
        1,
        "the new index gets the settings before its documents"
    );
    rebuild.finish().await.unwrap();

    let live = mock.documents(INDEX);
    let mut expected: Vec<String> = more.iter().map(|d| d.id.to_string()).collect();
    expected.push(fresh.id.to_string());
    expected.sort();
    assert_eq!(live.keys().cloned().collect::<Vec<_>>(), expected);
    assert!(
        polls(&mock) >= polled_before + 4,
        "the swap waited for every batch"
    );
    let swaps = mock.requests_to("POST", "/swap-indexes");
    assert_eq!(swaps[0].body, json!([{ "indexes": [INDEX, staging] }]));
    assert_eq!(
        mock.requests_to("DELETE", &format!("/indexes/{staging}"))
            .len(),
        2,
        "a leftover is removed before, the replaced index after"
    );
    assert!(mock.documents(&staging).is_empty());
}

#[tokio::test]
async fn failures_are_errors_and_the_outbox_catches_up_when_the_server_returns() {
    let app = TestApp::spawn().await;
    let mock = MeiliMock::start();
    let index = engine(&mock);
    let provider = fixtures::provider(&app.db, "Verein").await;
    let offer = fixtures::offer(&app.db, OfferSpec::new(provider, "Sprachcafé")).await;
    angebotsplattform::service::outbox::enqueue(
        &app.db,
        entity::types::OutboxEntity::Offer,
        offer,
        entity::types::OutboxOperation::Upsert,
    )
    .await
    .unwrap();

    mock.set_down(true);
    let report = indexer::drain_once(&app.db, &index, 100).await.unwrap();
    assert!(report.failed);
    let status = indexer::status(&app.db).await.unwrap();
    assert_eq!(status.pending, 1, "the row waits");
    assert!(status.last_error.is_some());
    assert!(index.search(SearchRequest::default()).await.is_err());

    mock.set_down(false);
    search_outbox::Entity::update_many()
        .col_expr(
            search_outbox::Column::NextAttemptAt,
            Expr::value(angebotsplattform::clock::now()),
        )
        .filter(sea_orm::ColumnTrait::eq(
            &search_outbox::Column::EntityId,
            offer,
        ))
        .exec(&app.db)
        .await
        .unwrap();
    let report = indexer::drain_once(&app.db, &index, 100).await.unwrap();
    assert_eq!((report.indexed, report.failed), (1, false));
    assert!(mock.documents(INDEX).contains_key(&offer.to_string()));
    assert_eq!(indexer::status(&app.db).await.unwrap().pending, 0);

    // A full rebuild through the swap finds the same offer.
    assert_eq!(indexer::reindex(&app.db, &index, 10).await.unwrap(), 1);
    assert!(mock.documents(INDEX).contains_key(&offer.to_string()));
}

#[tokio::test]
async fn an_unreachable_server_is_answered_from_the_database() {
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let app = TestApp::spawn_with(|s| s.search.meili_url = Some(url)).await;
    assert_eq!(app.app.search.name(), "meilisearch");
    let provider = fixtures::provider(&app.db, "Verein").await;
    fixtures::offer(&app.db, OfferSpec::new(provider, "Sprachcafé am Markt")).await;
    let response = app
        .graphql(
            "query($q: String!) { searchOffers(query: $q) { totalHits hits { offer { title } } } }",
            json!({ "q": "sprachcafé" }),
        )
        .await;
    assert!(response.get("errors").is_none(), "{response}");
    assert_eq!(response["data"]["searchOffers"]["totalHits"], 1);
    assert_eq!(response["extensions"]["search"]["engine"], "database");
    assert_eq!(response["extensions"]["search"]["degraded"], true);
}
