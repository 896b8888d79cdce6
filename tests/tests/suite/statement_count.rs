//! Loaders batch: a page of offers with every nested field costs the same number of SQL
//! statements whether it holds 5 offers or 50, and a pool's proposal the same whether 6 or
//! 46 newcomers wait; regions and categories, held in memory, cost none.

use angebotsplattform::graphql::relay::NodeType;
use sea_orm::EntityTrait;
use serde_json::json;
use tests::TestApp;

use crate::ids::gid;

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

/// The most statements one page may take once regions and categories are held: the page
/// and its count, then one statement per kind of nested data the database keeps (offers'
/// texts, languages, category and region links, locations, schedules, providers and their
/// descriptions). An N+1 pattern would need one per offer.
const BOUND: usize = 10;

#[actix_web::test]
async fn a_page_of_offers_costs_a_bounded_number_of_statements_whatever_its_size() {
    let app = TestApp::spawn_with_demo().await;
    // Regions and categories are read into memory once.
    app.data("{ categories { label } }", json!({})).await;
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

/// A pool's proposal reads the pool's profiles in a fixed number of statements and records
/// every request it shows as read in one insert: its cost does not grow with the pool.
#[actix_web::test]
async fn a_pool_proposal_costs_the_same_statements_however_many_requests_wait() {
    let app = TestApp::spawn_with_demo().await;
    let admin = app
        .staff(
            entity::types::Role::Admin,
            tests::accounts::TestScope::default(),
        )
        .await
        .token;
    let pools = entity::mentoring_pool::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    // One pool gets 40 more waiting newcomers than the others.
    for _ in 0..40 {
        tests::mentoring::request(&app.db, pools[0].id, tests::mentoring::Person::default(), 3)
            .await;
    }
    let propose = |pool: uuid::Uuid| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let before = app.statements();
            let data = app
                .data_as(
                    Some(&admin),
                    "query($p: ID!) { proposePoolMatches(poolId: $p) { totalScore pairs { score request { id firstName } mentor { id firstName } } unmatchedRequests { reason request { id } } } }",
                    json!({ "p": gid(NodeType::MentoringPool, pool) }),
                )
                .await;
            let shown = data["proposePoolMatches"]["pairs"]
                .as_array()
                .unwrap()
                .len()
                + data["proposePoolMatches"]["unmatchedRequests"]
                    .as_array()
                    .unwrap()
                    .len();
            (shown, app.statements() - before)
        }
    };
    let mut counts = Vec::new();
    for pool in &pools {
        counts.push(propose(pool.id).await);
    }
    eprintln!("statements per proposal (requests shown, statements): {counts:?}");
    assert!(counts[0].0 >= 40, "{counts:?}");
    // Signing in (3, once), the pool, its requests with their languages, times and
    // refusals, open requests with a live match, one audit insert, then the answer's
    // mentors; the pool's mentors (4) when not yet held, homes (2) once.
    for (shown, count) in &counts {
        assert!(
            *count <= 17,
            "{count} statements for {shown} requests: {counts:?}"
        );
    }
    // Asked again, the pool's mentors are held and the sign-in remembered.
    let (shown, again) = propose(pools[0].id).await;
    assert!(again <= 8, "{again} statements for {shown} requests");
}

/// The public total is counted once per data version: the next page (another document, the
/// same list) reads only its rows; a published offer counts at once.
#[actix_web::test]
async fn a_public_total_is_counted_once_per_data_version_and_exact_after_a_write() {
    let app = TestApp::spawn_with_demo().await;
    let total = |data: &serde_json::Value| data["offers"]["totalCount"].as_u64().unwrap();
    let first = app
        .data("{ offers(first: 5) { totalCount } }", json!({}))
        .await;
    let before = app.statements();
    let next = app
        .data(
            "{ offers(first: 7) { totalCount edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(total(&next), total(&first));
    assert_eq!(app.statements() - before, 1, "only the page itself is read");

    let provider = tests::fixtures::provider(&app.db, "Verein").await;
    let mut spec = tests::fixtures::OfferSpec::new(provider, "Deutsch am Abend");
    spec.status = entity::types::OfferStatus::InReview;
    let id = tests::fixtures::offer(&app.db, spec).await;
    let admin = app.admin().await.token;
    app.data_as(
        Some(&admin),
        "mutation($o: ID!) { publishOffer(id: $o) { status } }",
        json!({ "o": crate::ids::offer_gid(id) }),
    )
    .await;
    let after = app
        .data("{ offers(first: 7) { totalCount } }", json!({}))
        .await;
    assert_eq!(total(&after), total(&first) + 1);
}

/// Regions and categories are held in memory: once they are, a page of offers with their
/// categories, regions, parents and municipalities reads none of them from the database.
#[actix_web::test]
async fn a_page_reads_regions_and_categories_from_memory() {
    let app = TestApp::spawn_with_demo().await;
    statements_for(&app, 10).await;
    let mark = app.statements();
    statements_for(&app, 50).await;
    let reference: Vec<String> = app
        .statements_since(mark)
        .into_iter()
        .filter(|sql| sql.contains(r#"FROM "region"#) || sql.contains(r#"FROM "category"#))
        .collect();
    assert_eq!(reference, Vec::<String>::new());
}
