//! The term file as admins edit it through the API: a query term is read by the next
//! search, a term that tags offers re-indexes the offers holding its words (not the whole
//! catalogue), a change that would break the file changes nothing, a row set empty is
//! removed, and only admins may edit.

use entity::search_outbox;
use sea_orm::sea_query::Expr;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use tests::fixtures::{self, OfferSpec};
use tests::{TestApp, error_code};

const SET: &str = "mutation($i: SetSearchTermsInput!) {
  setSearchTerms(input: $i) { concept locale terms queryTerms changedAt } }";
const SEARCH: &str = "query($q: String) { searchOffers(query: $q, locale: \"de\") { totalHits hits { offer { title } } } }";

fn titles(data: &Value) -> Vec<String> {
    data["searchOffers"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["offer"]["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn admins_edit_the_term_file_and_searches_read_it_without_a_rebuild() {
    let app = TestApp::spawn().await;
    let provider = fixtures::provider(&app.db, "Verein").await;
    for title in [
        "Sprachkurs Deutsch am Morgen",
        "Velotreff am Samstag",
        "Mittagstisch für alle",
    ] {
        fixtures::offer(&app.db, OfferSpec::new(provider, title)).await;
    }
    angebotsplattform::service::indexing::reindex(&app.db, &*app.app.search, 100)
        .await
        .unwrap();
    let admin = app.admin().await;

    // A query term in a new language: Swahili "lugha" (language) names the concept
    // "language course" from the next search on; no offer is indexed again.
    assert_eq!(
        app.data(SEARCH, json!({ "q": "lugha" })).await["searchOffers"]["totalHits"],
        0
    );
    let set = app
        .data_as(
            Some(&admin.token),
            SET,
            json!({ "i": { "concept": "language-course", "locale": "sw",
                "terms": ["kozi ya lugha"], "queryTerms": ["lugha"] } }),
        )
        .await;
    assert_eq!(set["setSearchTerms"]["locale"], "sw");
    assert!(set["setSearchTerms"]["changedAt"].is_string());
    assert_eq!(
        titles(&app.data(SEARCH, json!({ "q": "lugha" })).await),
        ["Sprachkurs Deutsch am Morgen"]
    );
    assert_eq!(
        search_outbox::Entity::find().count(&app.db).await.unwrap(),
        0
    );

    // A term that tags offers: a "Velotreff" is sport. Only the offer holding the word is
    // queued to be indexed again, not the catalogue.
    assert!(titles(&app.data(SEARCH, json!({ "q": "sports" })).await).is_empty());
    let shipped = app
        .data(
            "{ searchTerms(concept: \"sport\", locale: \"de\") { terms queryTerms changedAt } }",
            json!({}),
        )
        .await;
    let mut terms: Vec<Value> = shipped["searchTerms"][0]["terms"]
        .as_array()
        .unwrap()
        .clone();
    assert!(shipped["searchTerms"][0]["changedAt"].is_null());
    terms.push(json!("Velotreff"));
    app.data_as(
        Some(&admin.token),
        SET,
        json!({ "i": { "concept": "sport", "locale": "de", "terms": terms } }),
    )
    .await;
    assert_eq!(
        search_outbox::Entity::find().count(&app.db).await.unwrap(),
        1
    );
    // Due a few seconds later (every instance reads the new terms first): made due now.
    search_outbox::Entity::update_many()
        .col_expr(
            search_outbox::Column::NextAttemptAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .exec(&app.db)
        .await
        .unwrap();
    app.index_pending().await;
    assert_eq!(
        titles(&app.data(SEARCH, json!({ "q": "sports" })).await),
        ["Velotreff am Samstag"]
    );

    // A term of another concept would make the file ambiguous: refused, nothing changed.
    let refused = app
        .graphql_as(
            Some(&admin.token),
            SET,
            json!({ "i": { "concept": "health", "locale": "de", "terms": ["Sprachkurs"] } }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    assert!(
        refused.to_string().contains("names two concepts"),
        "{refused}"
    );
    let health = app
        .data(
            "{ searchTerms(concept: \"health\", locale: \"de\") { terms changedAt } }",
            json!({}),
        )
        .await;
    assert!(health["searchTerms"][0]["changedAt"].is_null());

    // Empty lists remove the row.
    app.data_as(
        Some(&admin.token),
        SET,
        json!({ "i": { "concept": "language-course", "locale": "sw", "terms": [] } }),
    )
    .await;
    let swahili = app
        .data("{ searchTerms(locale: \"sw\") { concept } }", json!({}))
        .await;
    assert_eq!(swahili["searchTerms"], json!([]));
    assert_eq!(
        app.data(SEARCH, json!({ "q": "lugha" })).await["searchOffers"]["totalHits"],
        0
    );

    // Only admins edit.
    let anonymous = app
        .graphql(
            SET,
            json!({ "i": { "concept": "sport", "locale": "de", "terms": ["Velo"] } }),
        )
        .await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
}

/// A server started later reads the canton's rows: the terms set survive a restart.
#[tokio::test]
async fn edited_terms_are_read_again_at_start() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    app.data_as(
        Some(&admin.token),
        SET,
        json!({ "i": { "concept": "housing", "locale": "sw", "terms": ["nyumba"] } }),
    )
    .await;
    let thesaurus = angebotsplattform::service::search_terms::in_use(&app.db)
        .await
        .unwrap();
    let units = angebotsplattform::search::query::parse(&thesaurus, "nyumba");
    assert!(matches!(
        &units[0],
        angebotsplattform::search::query::QueryUnit::Concept { code, .. } if code == "housing"
    ));
}
