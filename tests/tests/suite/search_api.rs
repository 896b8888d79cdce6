//! `searchOffers` end to end: changes reach the index through the outbox, the answer carries
//! hits, highlights, facets and paging, and the index catches up after the engine was down.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use angebotsplattform::search::embedded::EmbeddedIndex;
use angebotsplattform::search::terms::Thesaurus;
use angebotsplattform::search::{
    OfferDocument, Rebuild, SearchError, SearchIndex, SearchRequest, SearchResults,
};
use angebotsplattform::service::indexing as indexer;
use chrono::NaiveDate;
use entity::search_outbox;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use tests::fixtures::{self, OfferSpec};
use tests::{TestApp, error_code};
use uuid::Uuid;

use crate::ids::{provider_gid, region_gid};

const SEARCH: &str = "query($q: String, $f: OfferFilter, $near: NearInput, $sort: SearchSort, $first: Int, $after: String) {
  searchOffers(query: $q, filter: $f, near: $near, sort: $sort, first: $first, after: $after, locale: \"de\") {
    totalHits processingTimeMs correctedQuery
    hits { offer { id title } distanceKm highlights { field snippet } }
    facets { levels { value count } childcare { value count } categories { value count } }
    pageInfo { hasNextPage endCursor }
  }
}";

async fn publish(
    app: &TestApp,
    editor: &str,
    admin: &str,
    provider: Uuid,
    title: &str,
    level: Option<&str>,
    childcare: bool,
) -> String {
    let created = app
        .data_as(
            Some(editor),
            "mutation($i: CreateOfferInput!) { createOffer(input: $i) { id } }",
            json!({ "i": {
                "providerId": provider_gid(provider), "kind": "COURSE", "defaultLocale": "de",
                "translations": [{ "locale": "de", "title": title, "summary": format!("{title} in Olten") }],
                "categoryCodes": ["language"], "level": level, "childcare": childcare,
                "cost": { "kind": "FREE" },
                "locations": [{ "locality": "Olten", "coordinates": { "lat": 47.35, "lon": 7.9 } }]
            } }),
        )
        .await;
    let id = created["createOffer"]["id"].as_str().unwrap().to_owned();
    app.data_as(
        Some(admin),
        "mutation($id: ID!) { publishOffer(id: $id) { status } }",
        json!({ "id": id }),
    )
    .await;
    id
}

#[tokio::test]
async fn published_offers_are_found_and_archived_ones_leave() {
    let app = TestApp::spawn().await;
    let provider = fixtures::provider(&app.db, "Verein").await;
    let editor = app.editor(&[provider]).await;
    let admin = app.admin().await;
    let a1 = publish(
        &app,
        &editor.token,
        &admin.token,
        provider,
        "Deutschkurs A1 mit Kinderhüte",
        Some("A1"),
        true,
    )
    .await;
    publish(
        &app,
        &editor.token,
        &admin.token,
        provider,
        "Deutschkurs B1 am Abend",
        Some("B1"),
        false,
    )
    .await;
    // A draft is never searchable.
    app.data_as(
        Some(&editor.token),
        "mutation($i: CreateOfferInput!) { createOffer(input: $i) { id } }",
        json!({ "i": { "providerId": provider_gid(provider), "kind": "COURSE", "defaultLocale": "de",
            "translations": [{ "locale": "de", "title": "Deutschkurs Entwurf" }],
            "categoryCodes": ["language"], "cost": { "kind": "FREE" } } }),
    )
    .await;
    app.index_pending().await;

    let found = app
        .data(SEARCH, json!({ "q": "Deutschkurz", "first": 1 }))
        .await["searchOffers"]
        .clone();
    assert_eq!(found["totalHits"], 2, "{found}");
    assert_eq!(found["hits"].as_array().unwrap().len(), 1);
    assert_eq!(found["pageInfo"]["hasNextPage"], true);
    assert_eq!(
        found["facets"]["levels"].as_array().unwrap().len(),
        2,
        "facets cover the whole result"
    );
    // Facets asked for through a fragment are counted too; those not asked for are not
    // part of the answer.
    let through_fragment = app
        .data(
            "query($q: String) { searchOffers(query: $q) { ...Counts } }
             fragment Counts on OfferSearchResult { facets { ... on SearchFacets { levels { value count } } } }",
            json!({ "q": "Deutschkurz" }),
        )
        .await["searchOffers"]
        .clone();
    assert_eq!(
        through_fragment["facets"]["levels"], found["facets"]["levels"],
        "{through_fragment}"
    );
    let snippet = found["hits"][0]["highlights"][0]["snippet"]
        .as_str()
        .unwrap();
    assert!(snippet.contains("<em>Deutschkurs</em>"), "{snippet}");
    let next = app
        .data(
            SEARCH,
            json!({ "q": "Deutschkurz", "first": 1, "after": found["pageInfo"]["endCursor"] }),
        )
        .await["searchOffers"]
        .clone();
    assert_eq!(next["pageInfo"]["hasNextPage"], false);
    assert_ne!(
        next["hits"][0]["offer"]["id"],
        found["hits"][0]["offer"]["id"]
    );

    let english = app
        .data(SEARCH, json!({ "q": "german course", "f": { "childcare": true }, "near": { "lat": 47.35, "lon": 7.9, "radiusKm": 5 }, "sort": "DISTANCE" }))
        .await["searchOffers"]
        .clone();
    assert_eq!(english["totalHits"], 1);
    assert_eq!(english["hits"][0]["offer"]["id"], a1.as_str());
    assert!(english["hits"][0]["distanceKm"].as_f64().unwrap() < 0.1);

    let nothing = app.data(SEARCH, json!({ "q": "Abnd" })).await["searchOffers"].clone();
    assert_eq!(nothing["totalHits"], 0);
    assert_eq!(nothing["correctedQuery"], "abend");

    let suggestions = app
        .data(
            "{ suggestOffers(prefix: \"deutschk\", limit: 5) { title } }",
            json!({}),
        )
        .await;
    assert_eq!(suggestions["suggestOffers"].as_array().unwrap().len(), 2);

    app.data_as(
        Some(&editor.token),
        "mutation($id: ID!) { archiveOffer(id: $id) { status } }",
        json!({ "id": a1 }),
    )
    .await;
    app.index_pending().await;
    let after = app.data(SEARCH, json!({ "q": "Deutschkurs" })).await["searchOffers"].clone();
    assert_eq!(after["totalHits"], 1, "archived offers leave the index");

    let bad = app
        .graphql(
            SEARCH,
            json!({ "q": "x", "sort": "DISTANCE", "near": { "lat": 95, "lon": 7, "radiusKm": 0 } }),
        )
        .await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"));
    assert_eq!(
        bad["errors"][0]["extensions"]["fields"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let status = app
        .data_as(
            Some(&admin.token),
            "{ searchIndexStatus { engine documents pending } }",
            json!({}),
        )
        .await;
    assert_eq!(status["searchIndexStatus"]["pending"], 0);
    assert_eq!(status["searchIndexStatus"]["documents"], 1);
    let hidden = app
        .graphql("{ searchIndexStatus { pending } }", json!({}))
        .await;
    assert_eq!(error_code(&hidden), Some("UNAUTHENTICATED"));
}

/// An engine that can be switched off.
struct Flaky {
    inner: EmbeddedIndex,
    down: AtomicBool,
    searches: std::sync::atomic::AtomicUsize,
}

impl Flaky {
    fn new(down: bool) -> Self {
        Self {
            inner: EmbeddedIndex::in_memory(Thesaurus::shipped().unwrap()).unwrap(),
            down: AtomicBool::new(down),
            searches: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    fn check(&self) -> Result<(), SearchError> {
        if self.down.load(Ordering::SeqCst) {
            Err(SearchError::Unavailable("switched off by the test".into()))
        } else {
            Ok(())
        }
    }
}

#[async_trait::async_trait]
impl SearchIndex for Flaky {
    fn name(&self) -> &'static str {
        "flaky"
    }
    async fn upsert(&self, documents: Vec<OfferDocument>) -> Result<(), SearchError> {
        self.check()?;
        self.inner.upsert(documents).await
    }
    async fn delete(&self, ids: Vec<Uuid>) -> Result<(), SearchError> {
        self.check()?;
        self.inner.delete(ids).await
    }
    async fn clear(&self) -> Result<(), SearchError> {
        self.check()?;
        self.inner.clear().await
    }
    async fn count(&self) -> Result<u64, SearchError> {
        self.inner.count().await
    }
    async fn search(&self, request: SearchRequest) -> Result<SearchResults, SearchError> {
        self.searches.fetch_add(1, Ordering::SeqCst);
        self.check()?;
        self.inner.search(request).await
    }
    async fn suggest(
        &self,
        prefix: String,
        limit: usize,
        today: NaiveDate,
    ) -> Result<Vec<Uuid>, SearchError> {
        self.check()?;
        self.inner.suggest(prefix, limit, today).await
    }
    async fn use_terms(&self, thesaurus: Arc<Thesaurus>) -> Result<(), SearchError> {
        self.inner.use_terms(thesaurus).await
    }
    async fn holding_words(&self, words: Vec<String>) -> Result<Vec<Uuid>, SearchError> {
        self.check()?;
        self.inner.holding_words(words).await
    }
    async fn rebuild(&self) -> Result<Box<dyn Rebuild>, SearchError> {
        self.check()?;
        self.inner.rebuild().await
    }
}

#[tokio::test]
async fn the_outbox_waits_while_the_engine_is_down_and_catches_up() {
    let app = TestApp::spawn().await;
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
    let engine = Arc::new(Flaky::new(true));
    let report = indexer::drain_once(&app.db, &*engine, 100).await.unwrap();
    assert!(report.failed);
    let status = indexer::status(&app.db).await.unwrap();
    assert_eq!(status.pending, 1);
    assert!(status.last_error.unwrap().contains("switched off"));
    let row = search_outbox::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.attempts, 1);
    assert!(
        row.next_attempt_at > row.created_at,
        "retried later, not at once"
    );

    engine.down.store(false, Ordering::SeqCst);
    let early = indexer::drain_once(&app.db, &*engine, 100).await.unwrap();
    assert_eq!(early.rows, 0, "the row waits for its retry time");
    // Let the retry time pass.
    search_outbox::Entity::update_many()
        .col_expr(
            search_outbox::Column::NextAttemptAt,
            Expr::value(angebotsplattform::clock::now()),
        )
        .filter(search_outbox::Column::Id.eq(row.id))
        .exec(&app.db)
        .await
        .unwrap();
    let report = indexer::drain_once(&app.db, &*engine, 100).await.unwrap();
    assert_eq!((report.rows, report.indexed, report.failed), (1, 1, false));
    assert_eq!(indexer::status(&app.db).await.unwrap().pending, 0);
    assert_eq!(engine.count().await.unwrap(), 1);

    // A full rebuild finds the same.
    assert_eq!(indexer::reindex(&app.db, &*engine, 10).await.unwrap(), 1);
}

#[tokio::test]
async fn a_failing_engine_is_answered_from_the_database_and_the_breaker_opens() {
    let mut app = TestApp::spawn_with(|s| {
        s.search.search_breaker_failures = 2;
        s.search.search_breaker_cooldown_secs = 60;
    })
    .await;
    let provider = fixtures::provider(&app.db, "Verein").await;
    fixtures::offer(&app.db, OfferSpec::new(provider, "Sprachcafé am Markt")).await;
    fixtures::offer(&app.db, OfferSpec::new(provider, "Nähatelier")).await;
    let engine = Arc::new(Flaky::new(true));
    app.app = angebotsplattform::context::AppContext::with_search(
        app.db.clone(),
        (*app.app.settings).clone(),
        engine.clone(),
        app.app.thesaurus.clone(),
    )
    .unwrap();
    for _ in 0..3 {
        let response = app.graphql(SEARCH, json!({ "q": "sprachcafé" })).await;
        assert!(response.get("errors").is_none(), "{response}");
        assert_eq!(response["data"]["searchOffers"]["totalHits"], 1);
        assert_eq!(
            response["data"]["searchOffers"]["hits"][0]["offer"]["title"],
            "Sprachcafé am Markt"
        );
        assert_eq!(response["extensions"]["search"]["engine"], "database");
        assert_eq!(response["extensions"]["search"]["degraded"], true);
    }
    assert_eq!(
        engine.searches.load(Ordering::SeqCst),
        2,
        "after two failures the breaker stops asking the engine"
    );
    let healthy = TestApp::spawn().await;
    let plain = healthy.graphql(SEARCH, json!({ "q": "x" })).await;
    assert!(
        plain
            .get("extensions")
            .is_none_or(|e| e.get("search").is_none())
    );
}

#[tokio::test]
async fn a_circle_around_a_region_holds_with_the_engine_and_with_the_database() {
    let mut app = TestApp::spawn().await;
    let provider = fixtures::provider(&app.db, "Verein").await;
    let mut olten = OfferSpec::new(provider, "Sprachtreff Olten");
    olten.location = Some("2571");
    let olten = fixtures::offer(&app.db, olten).await;
    let mut grenchen = OfferSpec::new(provider, "Sprachtreff Grenchen");
    grenchen.location = Some("2546");
    fixtures::offer(&app.db, grenchen).await;
    indexer::reindex(&app.db, &*app.app.search, 100)
        .await
        .unwrap();
    // Boningen lies some 6 km from Olten, Grenchen some 40 km.
    let around = region_gid(fixtures::region_id(&app.db, "2581").await);
    let variables = json!({
        "q": "sprachtreff",
        "near": { "regionId": around, "radiusKm": 10 },
        "sort": "DISTANCE",
    });

    let found = app.data(SEARCH, variables.clone()).await["searchOffers"].clone();
    assert_eq!(found["totalHits"], 1);
    assert_eq!(found["hits"][0]["offer"]["title"], "Sprachtreff Olten");
    let distance = found["hits"][0]["distanceKm"].as_f64().unwrap();
    assert!((3.0..8.0).contains(&distance), "{distance}");

    app.app = angebotsplattform::context::AppContext::with_search(
        app.db.clone(),
        (*app.app.settings).clone(),
        Arc::new(Flaky::new(true)),
        app.app.thesaurus.clone(),
    )
    .unwrap();
    let response = app.graphql(SEARCH, variables).await;
    assert_eq!(response["extensions"]["search"]["engine"], "database");
    let fallback = &response["data"]["searchOffers"];
    assert_eq!(fallback["totalHits"], 1, "the database keeps the radius");
    assert_eq!(
        fallback["hits"][0]["offer"]["id"],
        crate::ids::offer_gid(olten).as_str()
    );
    let fallback_distance = fallback["hits"][0]["distanceKm"].as_f64().unwrap();
    assert!(
        (fallback_distance - distance).abs() < 0.1,
        "{fallback_distance}"
    );

    let suggested = app
        .graphql(
            "{ suggestOffers(prefix: \"sprachtr\") { title } }",
            json!({}),
        )
        .await;
    assert_eq!(suggested["extensions"]["search"]["engine"], "database");
    assert_eq!(
        suggested["data"]["suggestOffers"].as_array().unwrap().len(),
        2,
        "suggestions are answered from the database too"
    );

    for (near, field) in [
        (json!({ "radiusKm": 5 }), "near"),
        (
            json!({ "lat": 47.3, "lon": 7.9, "regionId": around, "radiusKm": 5 }),
            "near",
        ),
        (
            json!({ "regionId": provider_gid(provider), "radiusKm": 5 }),
            "near.regionId",
        ),
    ] {
        let bad = app.graphql(SEARCH, json!({ "q": "x", "near": near })).await;
        assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"), "{bad}");
        assert_eq!(bad["errors"][0]["extensions"]["fields"][0]["field"], field);
    }
}

#[tokio::test]
async fn text_typed_with_combining_marks_is_stored_and_found_as_composed_text() {
    let app = TestApp::spawn().await;
    let provider = fixtures::provider(&app.db, "Verein").await;
    let editor = app.editor(&[provider]).await;
    let admin = app.admin().await;
    // Written decomposed ("a" + U+0308), as some keyboards and file systems send it.
    let decomposed = "Treffpunkt Ha\u{0308}gendorf";
    let id = publish(
        &app,
        &editor.token,
        &admin.token,
        provider,
        decomposed,
        None,
        false,
    )
    .await;
    let stored = app
        .data(
            "query($id: ID!) { offer(id: $id) { title } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(stored["offer"]["title"], "Treffpunkt Hägendorf");
    app.index_pending().await;

    for query in ["Hägendorf", "Ha\u{0308}gendorf"] {
        let found = app.data(SEARCH, json!({ "q": query })).await["searchOffers"].clone();
        assert_eq!(found["totalHits"], 1, "{query:?}: {found}");
    }
    // A literal in the document is composed as well.
    let literal = app
        .data(
            "{ searchOffers(query: \"Ha\u{0308}gendorf\") { totalHits } }",
            json!({}),
        )
        .await;
    assert_eq!(literal["searchOffers"]["totalHits"], 1, "{literal}");
}

/// A suggestion shows the title that matched what was typed: "Deu" typed without a locale
/// shows "Deutschkurs", not the French title the offer was written in first; a locale asked
/// for still wins.
#[tokio::test]
async fn a_suggestion_shows_the_title_that_matched_what_was_typed() {
    let app = TestApp::spawn().await;
    let provider = fixtures::provider(&app.db, "Verein Lire").await;
    let mut spec = OfferSpec::new(provider, "Cours d'allemand A1");
    spec.titles = vec![
        ("fr", "Cours d'allemand A1".to_owned()),
        ("de", "Deutschkurs A1".to_owned()),
        ("en", "German course A1".to_owned()),
    ];
    fixtures::offer(&app.db, spec).await;
    indexer::reindex(&app.db, &*app.app.search, 100)
        .await
        .unwrap();
    let titles = |data: serde_json::Value| -> Vec<String> {
        data["suggestOffers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let typed = |prefix: &str, locale: Option<&str>| {
        let locale = locale.map_or(String::new(), |l| format!(", locale: \"{l}\""));
        format!("{{ suggestOffers(prefix: \"{prefix}\"{locale}) {{ title }} }}")
    };
    assert_eq!(
        titles(app.data(&typed("Deu", None), json!({})).await),
        ["Deutschkurs A1"]
    );
    assert_eq!(
        titles(app.data(&typed("germ", None), json!({})).await),
        ["German course A1"]
    );
    assert_eq!(
        titles(app.data(&typed("cours d'all", None), json!({})).await),
        ["Cours d'allemand A1"]
    );
    assert_eq!(
        titles(app.data(&typed("Deu", Some("fr")), json!({})).await),
        ["Cours d'allemand A1"]
    );
}

/// A search that finds nothing says what would: the closest concept of the term file in
/// the script typed, and how many offers the text finds without its filter. Its words are
/// counted per month, and admins see the words several searches used; nothing else of the
/// searches is kept.
#[tokio::test]
async fn a_search_without_hits_says_what_would_find_something_and_its_words_are_counted() {
    let app = TestApp::spawn().await;
    let provider = fixtures::provider(&app.db, "Verein").await;
    fixtures::offer(&app.db, OfferSpec::new(provider, "Deutschkurs A1")).await;
    indexer::reindex(&app.db, &*app.app.search, 100)
        .await
        .unwrap();
    let query = "query($q: String, $f: OfferFilter) { searchOffers(query: $q, filter: $f) {
        totalHits noHits { correctedQuery closestConcept { code query } totalWithoutFilters } } }";

    let found = app.data(query, json!({ "q": "Deutschkurs" })).await;
    assert_eq!(found["searchOffers"]["totalHits"], 1);
    assert!(found["searchOffers"]["noHits"].is_null());

    let typo = app.data(query, json!({ "q": "Alphabetisirung" })).await;
    assert_eq!(typo["searchOffers"]["totalHits"], 0);
    assert_eq!(
        typo["searchOffers"]["noHits"]["closestConcept"],
        json!({ "code": "literacy", "query": "alphabetisierung" })
    );
    // Misspelt, the Russian for "German courses" names no concept: the closest term is
    // suggested, in Cyrillic.
    let russian = app.data(query, json!({ "q": "курсы немецкаго" })).await;
    assert_eq!(russian["searchOffers"]["totalHits"], 0);
    assert_eq!(
        russian["searchOffers"]["noHits"]["closestConcept"],
        json!({ "code": "german-course", "query": "курсы немецкого" })
    );

    let filtered = app
        .data(
            query,
            json!({ "q": "Deutschkurs", "f": { "categoryCodes": ["interpreting"] } }),
        )
        .await;
    assert_eq!(filtered["searchOffers"]["totalHits"], 0);
    assert_eq!(filtered["searchOffers"]["noHits"]["totalWithoutFilters"], 1);

    for _ in 0..3 {
        app.data(query, json!({ "q": "Zwiebelkuchenbacken 0791234567" }))
            .await;
    }
    app.data(query, json!({ "q": "Quarkstrudel" })).await;
    app.app.search_misses.write(&app.db).await.unwrap();

    let admin = app.admin().await;
    let misses = app
        .data_as(
            Some(&admin.token),
            "{ searchMisses { term misses } }",
            json!({}),
        )
        .await;
    let listed = misses["searchMisses"].as_array().unwrap();
    assert!(listed.contains(&json!({ "term": "zwiebelkuchenbacken", "misses": 3 })));
    // Used by fewer than three searches, a number, or a word of a search that found
    // something only through its filter: not listed.
    for hidden in ["quarkstrudel", "0791234567", "deutschkurs"] {
        assert!(!listed.iter().any(|m| m["term"] == hidden), "{hidden}");
    }
    let anonymous = app.graphql("{ searchMisses { term } }", json!({})).await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
}
