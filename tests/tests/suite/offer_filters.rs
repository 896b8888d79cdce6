//! `offers(filter, orderBy)`: every filter alone and combined, orderings, paging across a
//! whole result while rows are inserted, visibility and delta sync.

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use entity::types::{CefrLevel, CostKind, OfferStatus};
use serde_json::{Value, json};
use tests::fixtures::{OfferSpec, offer, provider, region_id};
use tests::{TestApp, error_code};

const TITLES: &str = r#"
query($filter: OfferFilter, $orderBy: OfferOrder, $first: Int, $after: String, $last: Int, $before: String) {
  offers(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id title } }
  }
}"#;

/// The catalogue of these tests: four public offers and four the public may not see.
struct Catalogue {
    app: TestApp,
    second_provider: String,
    hidden: Vec<String>,
}

async fn catalogue() -> Catalogue {
    let app = TestApp::spawn().await;
    let db = &app.db;
    let p1 = provider(db, "Verein Deutsch").await;
    let p2 = provider(db, "Beratungsstelle").await;
    let today = Utc::now().date_naive();

    let mut a = OfferSpec::new(p1, "A Deutsch A1 Olten");
    a.regions = vec!["2581"];
    a.location = Some("2581");
    a.level = Some(CefrLevel::A1);
    a.childcare = true;
    offer(db, a).await;

    let mut b = OfferSpec::new(p1, "B Deutsch B1 Thal");
    b.regions = vec!["SO-D-THAL"];
    b.level = Some(CefrLevel::B1);
    b.cost = CostKind::Paid;
    b.slot = Some((3, (18, 30)));
    b.starts_on = today + Duration::days(40);
    offer(db, b).await;

    let mut c = OfferSpec::new(p1, "C Eltern-Kind Olten-Gösgen");
    c.regions = vec!["SO-MR-OLTEN-GOESGEN-NIEDERAMT"];
    c.category = "early-childhood";
    c.cost = CostKind::Subsidised;
    c.instruction = "fr";
    c.slot = Some((2, (14, 0)));
    offer(db, c).await;

    let mut d = OfferSpec::new(p2, "D Beratung online");
    d.category = "counselling";
    d.online = true;
    d.slot = None;
    offer(db, d).await;

    let mut hidden = Vec::new();
    for (title, status, expired) in [
        ("E Entwurf", OfferStatus::Draft, false),
        ("F Archiviert", OfferStatus::Archived, false),
        ("G Abgelaufen", OfferStatus::Published, true),
        ("H In Prüfung", OfferStatus::InReview, false),
    ] {
        let mut spec = OfferSpec::new(p1, title);
        spec.regions = vec!["2581"];
        spec.status = status;
        if expired {
            spec.starts_on = today - Duration::days(30);
            spec.valid_until = Some(today - Duration::days(1));
        }
        let id = offer(db, spec).await;
        hidden.push(global(id));
    }
    Catalogue {
        second_provider: angebotsplattform::graphql::relay::global_id(
            angebotsplattform::graphql::relay::NodeType::Provider,
            p2,
        )
        .to_string(),
        app,
        hidden,
    }
}

fn global(id: uuid::Uuid) -> String {
    angebotsplattform::graphql::relay::global_id(
        angebotsplattform::graphql::relay::NodeType::Offer,
        id,
    )
    .to_string()
}

async fn region(app: &TestApp, code: &str) -> String {
    angebotsplattform::graphql::relay::global_id(
        angebotsplattform::graphql::relay::NodeType::Region,
        region_id(&app.db, code).await,
    )
    .to_string()
}

/// The first letters of the titles a filter finds.
async fn found(app: &TestApp, filter: Value) -> String {
    let data = app
        .data(TITLES, json!({ "filter": filter, "first": 100 }))
        .await;
    let letters: BTreeSet<char> = data["offers"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().chars().next().unwrap())
        .collect();
    assert_eq!(
        data["offers"]["totalCount"].as_u64().unwrap() as usize,
        letters.len(),
        "totalCount disagrees with the list"
    );
    letters.into_iter().collect()
}

#[actix_web::test]
async fn the_public_sees_published_current_offers_only() {
    let c = catalogue().await;
    assert_eq!(found(&c.app, json!({})).await, "ABCD");
    for id in &c.hidden {
        let response = c
            .app
            .graphql(
                "query($id: ID!) { offer(id: $id) { id } node(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(error_code(&response), Some("NOT_FOUND"), "{response}");
        assert!(response["data"]["node"].is_null());
    }
    let unknown = global(uuid::Uuid::now_v7());
    let response = c
        .app
        .graphql(
            "query($id: ID!) { offer(id: $id) { id } }",
            json!({ "id": unknown }),
        )
        .await;
    assert_eq!(
        error_code(&response),
        Some("NOT_FOUND"),
        "same answer as for a hidden offer"
    );
}

#[actix_web::test]
async fn asking_for_hidden_statuses_is_forbidden_to_the_public() {
    let c = catalogue().await;
    let response = c
        .app
        .graphql(TITLES, json!({ "filter": { "statuses": ["DRAFT"] } }))
        .await;
    assert_eq!(error_code(&response), Some("FORBIDDEN"));
    assert_eq!(
        found(&c.app, json!({ "statuses": ["PUBLISHED"] })).await,
        "ABCD"
    );
}

#[actix_web::test]
async fn regions_include_what_lies_inside_what_they_lie_in_and_canton_wide_offers() {
    let c = catalogue().await;
    let app = &c.app;
    let olten_town = region(app, "2581").await;
    let olten_district = region(app, "SO-D-OLTEN").await;
    let thal = region(app, "SO-D-THAL").await;
    // The town: its own offer, its mentoring region's, the canton's.
    assert_eq!(
        found(app, json!({ "regionIds": [olten_town] })).await,
        "ACD"
    );
    // The district: offers of its municipalities too.
    assert_eq!(
        found(app, json!({ "regionIds": [olten_district] })).await,
        "ACD"
    );
    assert_eq!(found(app, json!({ "regionIds": [thal] })).await, "BD");
    assert_eq!(
        found(app, json!({ "regionIds": [thal, olten_town] })).await,
        "ABCD"
    );
}

#[actix_web::test]
async fn a_lead_municipality_s_offers_reach_the_municipalities_it_serves() {
    let c = catalogue().await;
    let file = "code,kind,name,part_of,served_by\n2503,MUNICIPALITY,Dulliken,SO-D-OLTEN,2581\n";
    let records = angebotsplattform::reference::region_csv::parse(file.as_bytes()).unwrap();
    let written = angebotsplattform::service::region_import::import(
        &c.app.db,
        &records,
        angebotsplattform::service::region_import::ImportMode::Upsert,
    )
    .await
    .unwrap();
    c.app.app.effects.apply(written).await;
    let dulliken = region(&c.app, "2503").await;
    assert_eq!(
        found(&c.app, json!({ "regionIds": [dulliken] })).await,
        "ACD"
    );
}

#[actix_web::test]
async fn each_filter_alone() {
    let c = catalogue().await;
    let app = &c.app;
    let today = Utc::now().date_naive();
    let cases = [
        (json!({ "categoryCodes": ["language"] }), "AB"),
        (json!({ "categoryCodes": ["education-work"] }), "ABC"),
        (
            json!({ "categoryCodes": ["counselling", "early-childhood"] }),
            "CD",
        ),
        (json!({ "providerIds": [c.second_provider] }), "D"),
        (json!({ "instructionLanguages": ["fr"] }), "C"),
        (json!({ "instructionLanguages": ["DE"] }), "ABD"),
        (json!({ "levels": ["A1"] }), "A"),
        (json!({ "levels": ["A1", "B1"] }), "AB"),
        (json!({ "costs": ["PAID"] }), "B"),
        (json!({ "costs": ["FREE", "SUBSIDISED"] }), "ACD"),
        (json!({ "childcare": true }), "A"),
        (json!({ "childcare": false }), "BCD"),
        (json!({ "weekdays": ["MONDAY"] }), "A"),
        (json!({ "weekdays": ["TUESDAY", "WEDNESDAY"] }), "BC"),
        (json!({ "timesOfDay": ["EVENING"] }), "B"),
        (json!({ "timesOfDay": ["MORNING", "AFTERNOON"] }), "AC"),
        (
            json!({ "startsAfter": (today + Duration::days(20)).to_string() }),
            "B",
        ),
        (
            json!({ "startsBefore": (today + Duration::days(20)).to_string() }),
            "ACD",
        ),
        (json!({ "online": true }), "D"),
        (json!({ "online": false }), "ABC"),
        (
            json!({ "updatedSince": (Utc::now() - Duration::hours(1)).to_rfc3339() }),
            "ABCD",
        ),
        (
            json!({ "updatedSince": (Utc::now() + Duration::hours(1)).to_rfc3339() }),
            "",
        ),
    ];
    for (filter, expected) in cases {
        assert_eq!(
            found(app, filter.clone()).await,
            expected,
            "filter {filter}"
        );
    }
}

#[actix_web::test]
async fn filters_combine() {
    let c = catalogue().await;
    let app = &c.app;
    let olten_town = region(app, "2581").await;
    assert_eq!(
        found(
            app,
            json!({ "regionIds": [olten_town], "categoryCodes": ["education-work"], "childcare": false })
        )
        .await,
        "C"
    );
    assert_eq!(
        found(
            app,
            json!({ "weekdays": ["MONDAY"], "timesOfDay": ["EVENING"] })
        )
        .await,
        "",
        "weekday and time of day must hold for the same slot"
    );
    assert_eq!(
        found(
            app,
            json!({ "levels": ["A1", "B1"], "costs": ["PAID"], "timesOfDay": ["EVENING"] })
        )
        .await,
        "B"
    );
}

#[actix_web::test]
async fn bad_filters_list_every_problem() {
    let c = catalogue().await;
    let response = c
        .app
        .graphql(
            TITLES,
            json!({ "filter": {
                "regionIds": ["nonsense"],
                "startsAfter": "2027-02-01",
                "startsBefore": "2027-01-01"
            } }),
        )
        .await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"));
    let fields = response["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap();
    assert_eq!(fields.len(), 1, "ids are checked first: {fields:?}");
    assert_eq!(fields[0]["field"], "filter.regionIds[0]");

    let response = c
        .app
        .graphql(
            TITLES,
            json!({ "filter": { "startsAfter": "2027-02-01", "startsBefore": "2027-01-01" } }),
        )
        .await;
    assert_eq!(
        response["errors"][0]["extensions"]["fields"][0]["field"],
        "filter.startsBefore"
    );
}

#[actix_web::test]
async fn orderings_sort_and_break_ties_by_id() {
    let c = catalogue().await;
    let order = |field: &str, direction: &str| {
        let app = &c.app;
        let variables =
            json!({ "orderBy": { "field": field, "direction": direction }, "first": 10 });
        async move {
            let data = app.data(TITLES, variables).await;
            data["offers"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["title"].as_str().unwrap().chars().next().unwrap())
                .collect::<String>()
        }
    };
    assert_eq!(order("TITLE", "ASC").await, "ABCD");
    assert_eq!(order("TITLE", "DESC").await, "DCBA");
    assert!(order("START_DATE", "ASC").await.ends_with('B'));
    assert!(order("START_DATE", "DESC").await.starts_with('B'));
    assert_eq!(order("UPDATED_AT", "ASC").await.len(), 4);
}

#[actix_web::test]
async fn a_cursor_of_one_ordering_is_refused_by_another() {
    let c = catalogue().await;
    let data = c
        .app
        .data(
            TITLES,
            json!({ "orderBy": { "field": "TITLE" }, "first": 1 }),
        )
        .await;
    let cursor = data["offers"]["pageInfo"]["endCursor"].clone();
    let response = c
        .app
        .graphql(
            TITLES,
            json!({ "orderBy": { "field": "START_DATE" }, "first": 1, "after": cursor }),
        )
        .await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"));
}

async fn page_titles(app: &TestApp, variables: Value) -> (Vec<String>, Value) {
    let data = app.data(TITLES, variables).await;
    let titles = data["offers"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
        .collect();
    (titles, data["offers"]["pageInfo"].clone())
}

#[actix_web::test]
async fn paging_both_ways_has_no_duplicates_or_gaps_even_with_inserts_between_pages() {
    let app = TestApp::spawn().await;
    let p = provider(&app.db, "Kursanbieter").await;
    let mut expected = Vec::new();
    for n in 0..30 {
        let title = format!("Kurs {n:02}");
        offer(&app.db, OfferSpec::new(p, &title)).await;
        expected.push(title);
    }
    let order = json!({ "field": "TITLE", "direction": "ASC" });

    let mut seen = Vec::new();
    let mut after = Value::Null;
    let mut pages = 0;
    loop {
        let (titles, info) = page_titles(
            &app,
            json!({ "orderBy": order, "first": 7, "after": after }),
        )
        .await;
        seen.extend(titles);
        pages += 1;
        if pages == 2 {
            // One lands before the reader's position, one after it.
            offer(&app.db, OfferSpec::new(p, "Kurs 00a")).await;
            offer(&app.db, OfferSpec::new(p, "Kurs 99")).await;
        }
        if !info["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = info["endCursor"].clone();
    }
    let originals: Vec<&String> = seen.iter().filter(|t| expected.contains(t)).collect();
    assert_eq!(
        originals.len(),
        30,
        "every original offer exactly once: {seen:?}"
    );
    assert_eq!(originals, expected.iter().collect::<Vec<_>>(), "in order");
    assert!(
        seen.contains(&"Kurs 99".to_owned()),
        "a row inserted ahead is reached"
    );
    assert!(
        !seen.contains(&"Kurs 00a".to_owned()),
        "a row inserted behind is not revisited"
    );

    // Backwards from the end gives the same list reversed.
    let mut backwards = Vec::new();
    let mut before = Value::Null;
    loop {
        let (titles, info) = page_titles(
            &app,
            json!({ "orderBy": order, "last": 9, "before": before }),
        )
        .await;
        backwards.splice(0..0, titles);
        if !info["hasPreviousPage"].as_bool().unwrap() {
            break;
        }
        before = info["startCursor"].clone();
    }
    let mut all = expected.clone();
    all.push("Kurs 00a".into());
    all.push("Kurs 99".into());
    all.sort();
    assert_eq!(backwards, all);
}

#[actix_web::test]
async fn tombstones_tell_offline_apps_what_to_drop() {
    let c = catalogue().await;
    let since = (Utc::now() - Duration::days(2)).to_rfc3339();
    let data = c
        .app
        .data(
            "query($since: DateTime!) { offerTombstones(since: $since, first: 50) { totalCount edges { node { id reason removedAt } } } }",
            json!({ "since": since }),
        )
        .await;
    let mut reasons: Vec<(String, String)> = data["offerTombstones"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node"]["id"].as_str().unwrap().to_owned(),
                e["node"]["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    reasons.sort_by_key(|r| r.1.clone());
    let ids: Vec<&str> = reasons.iter().map(|r| r.0.as_str()).collect();
    assert!(
        !ids.contains(&c.hidden[0].as_str()),
        "a draft never published is not announced"
    );
    let by_reason: Vec<&str> = reasons.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(by_reason, vec!["ARCHIVED", "EXPIRED", "UNPUBLISHED"]);

    let later = (Utc::now() + Duration::minutes(1)).to_rfc3339();
    let none = c
        .app
        .data(
            "query($since: DateTime!) { offerTombstones(since: $since) { totalCount } }",
            json!({ "since": later }),
        )
        .await;
    assert_eq!(none["offerTombstones"]["totalCount"], 0);
}

#[actix_web::test]
async fn texts_fall_back_to_the_offer_s_own_language_before_german() {
    let app = TestApp::spawn().await;
    let p = provider(&app.db, "Association").await;
    let mut french = OfferSpec::new(p, "unused");
    french.titles = vec![
        ("fr", "Cours".into()),
        ("de", "Kurs".into()),
        ("en", "Course".into()),
    ];
    offer(&app.db, french).await;
    let mut german = OfferSpec::new(p, "unused");
    german.titles = vec![("de", "Kurs DE".into()), ("en", "Course EN".into())];
    offer(&app.db, german).await;

    let served = |locale: &'static str| {
        let app = &app;
        async move {
            let data = app
                .data(
                    "query($l: String) { offers(locale: $l, orderBy: {field: TITLE}) { edges { node { title servedLocale } } } }",
                    json!({ "l": locale }),
                )
                .await;
            let mut out: Vec<String> = data["offers"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    format!(
                        "{}/{}",
                        e["node"]["servedLocale"].as_str().unwrap(),
                        e["node"]["title"].as_str().unwrap()
                    )
                })
                .collect();
            out.sort();
            out
        }
    };
    assert_eq!(served("ti").await, vec!["de/Kurs DE", "fr/Cours"]);
    assert_eq!(served("en-GB").await, vec!["en/Course", "en/Course EN"]);
    assert_eq!(served("de-CH").await, vec!["de/Kurs", "de/Kurs DE"]);
}
