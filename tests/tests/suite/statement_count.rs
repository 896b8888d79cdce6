//! Loaders batch: a page of offers with every nested field costs the same number of SQL
//! statements whether it holds 5 offers or 50.

use serde_json::json;
use tests::TestApp;

const NESTED: &str = r#"
query($first: Int) {
  offers(first: $first, locale: "fr") {
    totalCount
    edges {
      node {
        id title summary description servedLocale availableLocales machineTranslated
        level fide childcare online accessibility targetGroups
        cost { kind price { amount currency } unit }
        registration { url email phone }
        instructionLanguages supportLanguages
        provider { id name description servedLocale municipality { name } }
        categories { code label parent { code label } }
        regions { code name servedLocale parents { code name } }
        locations { name coordinates { lat lon } municipality { name } }
        schedules { weekday startDate endDate startTime endTime }
      }
    }
  }
}"#;

async fn statements_for(app: &TestApp, first: u32) -> usize {
    let before = app.statements();
    let data = app.data(NESTED, json!({ "first": first })).await;
    assert_eq!(
        data["offers"]["edges"].as_array().unwrap().len(),
        first as usize
    );
    app.statements() - before
}

/// The most statements one page may take: the page and its count, then one or two
/// statements per kind of nested data (offers' texts, languages, categories and their
/// labels and parents, regions and their names and parents, locations, schedules,
/// providers and their descriptions). An N+1 pattern would need one per offer.
const BOUND: usize = 26;

#[actix_web::test]
async fn a_page_of_offers_costs_a_bounded_number_of_statements_whatever_its_size() {
    let app = TestApp::spawn_with_demo().await;
    let mut counts = Vec::new();
    for size in [1, 10, 50, 100] {
        counts.push((size, statements_for(&app, size).await));
    }
    for (size, count) in &counts {
        assert!(
            *count <= BOUND,
            "{count} statements for a page of {size}: {counts:?}"
        );
    }
    eprintln!("statements per page size: {counts:?}");
    let fewest = counts.iter().map(|c| c.1).min().unwrap();
    let most = counts.iter().map(|c| c.1).max().unwrap();
    assert!(
        most - fewest <= 3,
        "statements grow with the page: {counts:?}"
    );
}
