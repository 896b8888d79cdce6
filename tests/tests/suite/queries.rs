//! The first queries over HTTP: regions, categories, offers and nodes, with Relay paging,
//! languages and error codes.

use std::collections::HashSet;

use serde_json::{Value, json};
use tests::{TestApp, error_code};

const OFFERS_PAGE: &str = r#"
query Offers($first: Int, $after: String, $locale: String) {
  offers(first: $first, after: $after, locale: $locale) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node {
        id title servedLocale status
        provider { id name }
        categories { code label }
        regions { code kind }
      }
    }
  }
}"#;

#[actix_web::test]
async fn districts_are_counted() {
    let app = TestApp::spawn().await;
    let data = app
        .data("{ regions(kind: DISTRICT) { totalCount } }", json!({}))
        .await;
    assert_eq!(data["regions"]["totalCount"], 10);
}

#[actix_web::test]
async fn children_of_a_district_are_its_municipalities() {
    let app = TestApp::spawn().await;
    let data = app
        .data(
            r#"{ region(code: "SO-D-THAL") { id children(first: 100) { totalCount edges { node { kind } } } } }"#,
            json!({}),
        )
        .await;
    let thal = &data["region"];
    assert_eq!(thal["children"]["totalCount"], 8);
    let id = thal["id"].as_str().unwrap();
    let by_parent = app
        .data(
            "query($id: ID) { regions(parentId: $id, kind: MUNICIPALITY) { totalCount } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(by_parent["regions"]["totalCount"], 8);
}

#[actix_web::test]
async fn demo_offers_come_with_provider_and_categories() {
    let app = TestApp::spawn_with_demo().await;
    let data = app.data(OFFERS_PAGE, json!({ "first": 5 })).await;
    let edges = data["offers"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 5);
    for edge in edges {
        let offer = &edge["node"];
        assert_eq!(offer["status"], "PUBLISHED");
        assert!(!offer["title"].as_str().unwrap().is_empty());
        assert!(offer["provider"]["name"].as_str().is_some());
        assert!(!offer["categories"].as_array().unwrap().is_empty());
        assert!(!offer["regions"].as_array().unwrap().is_empty());
    }
}

#[actix_web::test]
async fn paging_forward_visits_every_public_offer_once() {
    let app = TestApp::spawn_with_demo().await;
    let mut seen = HashSet::new();
    let mut after: Value = Value::Null;
    let mut total = None;
    loop {
        let data = app
            .data(OFFERS_PAGE, json!({ "first": 37, "after": after }))
            .await;
        let page = &data["offers"];
        total.get_or_insert(page["totalCount"].as_u64().unwrap());
        for edge in page["edges"].as_array().unwrap() {
            assert!(
                seen.insert(edge["node"]["id"].as_str().unwrap().to_owned()),
                "duplicate"
            );
        }
        if !page["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(Some(seen.len() as u64), total);
    assert!(
        seen.len() > 200,
        "the demo set should publish most of its 300 offers"
    );
}

#[actix_web::test]
async fn paging_backward_mirrors_paging_forward() {
    let app = TestApp::spawn_with_demo().await;
    let forward = app
        .data(
            "{ regions(kind: MUNICIPALITY, first: 10) { edges { cursor node { code } } } }",
            json!({}),
        )
        .await;
    let codes = |v: &Value| -> Vec<String> {
        v["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let first_ten = codes(&forward["regions"]);
    let before = forward["regions"]["edges"][9]["cursor"].clone();
    assert!(before.is_string());
    let backward = app
        .data(
            "query($before: String) { regions(kind: MUNICIPALITY, last: 9, before: $before) { edges { node { code } } pageInfo { hasPreviousPage hasNextPage } } }",
            json!({ "before": before }),
        )
        .await;
    assert_eq!(codes(&backward["regions"]), first_ten[..9].to_vec());
    assert_eq!(backward["regions"]["pageInfo"]["hasPreviousPage"], false);
    assert_eq!(backward["regions"]["pageInfo"]["hasNextPage"], true);
}

#[actix_web::test]
async fn page_size_above_the_cap_is_bad_input() {
    let app = TestApp::spawn().await;
    let response = app
        .graphql("{ offers(first: 101) { totalCount } }", json!({}))
        .await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"));
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("100")
    );
}

#[actix_web::test]
async fn a_garbage_cursor_or_id_is_bad_input() {
    let app = TestApp::spawn().await;
    let response = app
        .graphql(r#"{ offers(after: "nonsense") { totalCount } }"#, json!({}))
        .await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"));
    let response = app
        .graphql(r#"{ offer(id: "nonsense") { id } }"#, json!({}))
        .await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"));
}

#[actix_web::test]
async fn texts_follow_the_requested_language_with_fallback() {
    let app = TestApp::spawn_with_demo().await;
    let data = app
        .data(OFFERS_PAGE, json!({ "first": 100, "locale": "ti" }))
        .await;
    let served: Vec<&str> = data["offers"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["servedLocale"].as_str().unwrap())
        .collect();
    assert!(served.contains(&"ti"), "some demo offers are in Tigrinya");
    assert!(served.contains(&"de"), "the others fall back to German");
    assert!(
        served
            .iter()
            .all(|l| *l == "ti" || *l == "de" || *l == "fr")
    );

    let by_header = app
        .graphql_with_headers(
            OFFERS_PAGE,
            json!({ "first": 20 }),
            &[("accept-language", "en;q=0.9, de;q=0.1")],
        )
        .await;
    let edges = by_header["data"]["offers"]["edges"].as_array().unwrap();
    assert!(edges.iter().any(|e| e["node"]["servedLocale"] == "en"));
}

#[actix_web::test]
async fn offer_and_node_find_a_public_offer_and_hide_drafts() {
    let app = TestApp::spawn_with_demo().await;
    let data = app.data(OFFERS_PAGE, json!({ "first": 1 })).await;
    let id = data["offers"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let one = app
        .data(
            "query($id: ID!) { offer(id: $id) { id } node(id: $id) { id ... on Offer { title } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(one["offer"]["id"], id.as_str());
    assert_eq!(one["node"]["id"], id.as_str());

    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let draft = entity::offer::Entity::find()
        .filter(entity::offer::Column::Status.eq(entity::types::OfferStatus::Draft))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the demo set has drafts");
    let draft_id = angebotsplattform::graphql::relay::global_id(
        angebotsplattform::graphql::relay::NodeType::Offer,
        draft.id,
    );
    let hidden = app
        .graphql(
            "query($id: ID!) { offer(id: $id) { id } node(id: $id) { id } }",
            json!({ "id": draft_id.to_string() }),
        )
        .await;
    assert_eq!(error_code(&hidden), Some("NOT_FOUND"));
    assert!(hidden["data"]["offer"].is_null());
    assert!(hidden["data"]["node"].is_null());
}

#[actix_web::test]
async fn providers_are_found_by_part_of_their_name_in_any_case() {
    let app = TestApp::spawn().await;
    tests::fixtures::provider(&app.db, "Verein Deutsch im Quartier").await;
    tests::fixtures::provider(&app.db, "Familienzentrum Olten").await;
    tests::fixtures::provider(&app.db, "100% Integration").await;
    let names = |part: &'static str| {
        let app = &app;
        async move {
            let data = app
                .data(
                    "query($p: String) { providers(filter: { nameContains: $p }) { totalCount edges { node { name } } } }",
                    json!({ "p": part }),
                )
                .await;
            data["providers"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(names("VEREIN").await, vec!["Verein Deutsch im Quartier"]);
    assert_eq!(names("olten").await, vec!["Familienzentrum Olten"]);
    assert_eq!(
        names("%").await,
        vec!["100% Integration"],
        "wildcards match literally"
    );
    assert_eq!(names("").await.len(), 3);
}
