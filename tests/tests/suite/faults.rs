//! Faults under load: the database connection cut and restored while writes are running.
//! While it is gone, requests get a clean `SERVICE_UNAVAILABLE`; afterwards the app
//! recovers by itself; every write it confirmed is there exactly once. (The search engine
//! going away is covered by the Meilisearch contract test, Redis going away by the
//! rate-limit, cache and subscription tests.)

use std::collections::HashMap;
use std::time::Duration;

use angebotsplattform::context::AppContext;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::json;
use tests::proxy::TcpProxy;
use tests::{Backend, TestApp, error_code, fixtures};

const CREATE: &str = "mutation($p: ID!, $r: String!) {
    createOffer(input: { providerId: $p, externalRef: $r, kind: COURSE, defaultLocale: \"de\",
        translations: [{ locale: \"de\", title: \"Deutsch am Abend\" }],
        categoryCodes: [\"language\"], cost: { kind: FREE } }) { id }
}";

#[derive(Debug, PartialEq)]
enum Outcome {
    Written,
    Unavailable,
    Other(String),
}

#[actix_web::test]
#[cfg_attr(
    not(with_postgres),
    ignore = "needs a PostgreSQL server: set TEST_DATABASE_URL"
)]
async fn writes_survive_the_database_going_away_under_load() {
    let Backend::Postgres(url) = Backend::from_env() else {
        unreachable!("TEST_DATABASE_URL is not set");
    };
    let mut app = TestApp::spawn().await;
    let provider = fixtures::provider(&app.db, "Verein").await;
    let admin = app.admin().await;
    let schema: String = app
        .db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT current_schema() AS s",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "s")
        .unwrap();

    // The app reaches PostgreSQL through a proxy the test can cut.
    let authority = url
        .split('@')
        .next_back()
        .and_then(|rest| rest.split('/').next())
        .unwrap();
    let target = tokio::net::lookup_host(authority)
        .await
        .unwrap()
        .next()
        .unwrap();
    let proxy = TcpProxy::start(target).await;
    let proxied_url = url.replacen(authority, &proxy.addr.to_string(), 1);
    let mut settings = (*app.app.settings).clone();
    settings.database.db_connect_timeout_secs = 1;
    let mut options = angebotsplattform::db::connect_options(&proxied_url, &settings);
    options.set_schema_search_path(schema);
    let proxied = angebotsplattform::db::open(options).await.unwrap();
    app.app = AppContext::with_search(
        proxied,
        settings,
        app.app.search.clone(),
        app.app.thesaurus.clone(),
    )
    .unwrap();

    let provider_id = crate::ids::gid(
        angebotsplattform::graphql::relay::NodeType::Provider,
        provider,
    );
    let write = |n: usize| {
        let app = &app;
        let token = admin.token.clone();
        let provider_id = provider_id.clone();
        async move {
            let reference = format!("fault-{n}");
            let response = app
                .graphql_as(
                    Some(&token),
                    CREATE,
                    json!({ "p": provider_id, "r": reference }),
                )
                .await;
            let outcome = match error_code(&response) {
                None if response["data"]["createOffer"]["id"].is_string() => Outcome::Written,
                Some("SERVICE_UNAVAILABLE") => Outcome::Unavailable,
                _ => Outcome::Other(response.to_string()),
            };
            (reference, outcome)
        }
    };

    // Four writers, one write after another each; the connection is cut for two seconds.
    let mut outcomes: Vec<(String, Outcome)> = Vec::new();
    let mut next = 0;
    let started = tokio::time::Instant::now();
    let mut cut = false;
    let mut restored = false;
    while started.elapsed() < Duration::from_secs(8) {
        if !cut && started.elapsed() > Duration::from_secs(2) {
            proxy.cut();
            cut = true;
        }
        if cut && !restored && started.elapsed() > Duration::from_secs(4) {
            proxy.restore();
            restored = true;
        }
        let round = futures_util::future::join_all((0..4).map(|i| write(next + i))).await;
        next += 4;
        outcomes.extend(round);
    }

    let unavailable = outcomes
        .iter()
        .filter(|(_, o)| *o == Outcome::Unavailable)
        .count();
    let others: Vec<&(String, Outcome)> = outcomes
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Other(_)))
        .collect();
    eprintln!(
        "database cut under load: {} writes, {unavailable} refused while it was gone",
        outcomes.len()
    );
    assert!(unavailable > 0, "the outage was noticed: {outcomes:?}");
    assert!(
        others.is_empty(),
        "only SERVICE_UNAVAILABLE while gone: {others:?}"
    );
    let tail = &outcomes[outcomes.len().saturating_sub(4)..];
    assert!(
        tail.iter().all(|(_, o)| *o == Outcome::Written),
        "recovered after the restore: {tail:?}"
    );

    // Every confirmed write is there, exactly once.
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT external_ref, COUNT(*) AS n FROM offer WHERE external_ref LIKE 'fault-%' GROUP BY external_ref",
        ))
        .await
        .unwrap();
    let stored: HashMap<String, i64> = rows
        .iter()
        .map(|row| {
            (
                row.try_get::<String>("", "external_ref").unwrap(),
                row.try_get::<i64>("", "n").unwrap(),
            )
        })
        .collect();
    assert!(
        stored.values().all(|n| *n == 1),
        "no duplicates: {stored:?}"
    );
    for (reference, outcome) in &outcomes {
        if *outcome == Outcome::Written {
            assert_eq!(stored.get(reference), Some(&1), "{reference} was confirmed");
        }
    }
}
