//! The demo generator is deterministic, covers every district and pool, reads as the canton's
//! own (towns, names, rhythms), and refuses to run twice with one seed; the planner statistics
//! it refreshes afterwards are the platform's tables' only.

use angebotsplattform::demo::names::{NEWCOMERS, Names, SWISS};
use angebotsplattform::demo::{DemoSize, seed};
use entity::types::{Gender, Proficiency, RegionKind, RequestStatus};
use entity::{
    mentor, mentor_language, mentoring_pool, mentoring_request, offer, offer_location,
    offer_region, offer_schedule, offer_translation, region, request_language,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use std::collections::HashSet;
use tests::TestApp;

fn size() -> DemoSize {
    DemoSize {
        offers: 120,
        mentors: 20,
        requests: 10,
        seed: 42,
    }
}

#[actix_web::test]
async fn the_same_seed_gives_the_same_data() {
    let a = TestApp::spawn().await;
    let b = TestApp::spawn().await;
    seed(&a.db, &size()).await.unwrap();
    seed(&b.db, &size()).await.unwrap();
    let titles = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            offer_translation::Entity::find()
                .order_by_asc(offer_translation::Column::OfferId)
                .order_by_asc(offer_translation::Column::Locale)
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|t| (t.offer_id, t.locale, t.title))
                .collect::<Vec<_>>()
        }
    };
    let (ta, tb) = (titles(&a).await, titles(&b).await);
    assert!(!ta.is_empty());
    assert_eq!(ta, tb);
}

#[actix_web::test]
async fn a_second_run_with_the_same_seed_is_refused() {
    let app = TestApp::spawn().await;
    seed(&app.db, &size()).await.unwrap();
    let err = seed(&app.db, &size()).await.unwrap_err();
    assert_eq!(err.code().as_str(), "CONFLICT");
    assert_eq!(offer::Entity::find().count(&app.db).await.unwrap(), 120);
}

#[actix_web::test]
async fn the_small_demo_covers_every_district_and_every_pool() {
    let app = TestApp::spawn_with_demo().await;
    let districts = region::Entity::find()
        .filter(region::Column::Kind.eq(RegionKind::District))
        .all(&app.db)
        .await
        .unwrap();
    // An offer covers a district when it serves the district or one of its municipalities.
    let data = app
        .data(
            "{ offers(first: 100) { edges { node { locations { municipality { parents { code } } } regions { code kind parents { code } } } } } }",
            serde_json::json!({}),
        )
        .await;
    let mut covered = HashSet::new();
    for edge in data["offers"]["edges"].as_array().unwrap() {
        for region in edge["node"]["regions"].as_array().unwrap() {
            covered.insert(region["code"].as_str().unwrap().to_owned());
            for parent in region["parents"].as_array().unwrap() {
                covered.insert(parent["code"].as_str().unwrap().to_owned());
            }
        }
    }
    for district in &districts {
        assert!(
            covered.contains(&district.code),
            "no demo offer in {}",
            district.name
        );
    }
    assert!(offer_region::Entity::find().count(&app.db).await.unwrap() >= 300);

    let pools = mentoring_pool::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(pools.len(), 5);
    for pool in pools {
        let open = mentoring_request::Entity::find()
            .filter(mentoring_request::Column::PoolId.eq(pool.id))
            .filter(mentoring_request::Column::Status.eq(RequestStatus::Open))
            .count(&app.db)
            .await
            .unwrap();
        assert!(open > 0, "{} has no open requests", pool.name);
    }
}

#[actix_web::test]
async fn demo_people_and_places_read_as_the_canton_would_recognise_them() {
    let app = TestApp::spawn_with_demo().await;

    // Offers gather in the towns: each of the three largest has several times the share of
    // an average municipality.
    let municipalities = region::Entity::find()
        .filter(region::Column::Kind.eq(RegionKind::Municipality))
        .all(&app.db)
        .await
        .unwrap();
    let located = offer_location::Entity::find().all(&app.db).await.unwrap();
    let average = located.len() as f64 / municipalities.len() as f64;
    for town in ["Olten", "Grenchen", "Solothurn"] {
        let id = municipalities.iter().find(|m| m.name == town).unwrap().id;
        let here = located
            .iter()
            .filter(|l| l.municipality_id == Some(id))
            .count();
        assert!(
            here as f64 >= 4.0 * average,
            "{town}: {here} offers, average {average:.1}"
        );
    }

    // A given name is read as the gender the record has, and comes from a language the
    // person speaks natively.
    let communities: Vec<&Names> = NEWCOMERS.iter().chain([&SWISS]).collect();
    let fits = |name: &str, gender: Option<Gender>, languages: &[String]| {
        communities.iter().any(|c| {
            let listed = match gender {
                Some(Gender::Female) => c.women.contains(&name),
                Some(Gender::Male) => c.men.contains(&name),
                _ => c.women.contains(&name) || c.men.contains(&name),
            };
            listed && languages.iter().any(|l| l == c.language)
        })
    };
    for mentor in mentor::Entity::find().all(&app.db).await.unwrap() {
        let languages: Vec<String> = mentor_language::Entity::find()
            .filter(mentor_language::Column::MentorId.eq(mentor.id))
            .filter(
                mentor_language::Column::Proficiency
                    .is_in([Proficiency::Native, Proficiency::Fluent]),
            )
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|l| l.language)
            .collect();
        assert!(
            fits(&mentor.first_name, mentor.gender, &languages),
            "mentor {} ({:?}) speaks {languages:?}",
            mentor.first_name,
            mentor.gender
        );
    }
    for request in mentoring_request::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
    {
        let languages: Vec<String> = request_language::Entity::find()
            .filter(request_language::Column::RequestId.eq(request.id))
            .filter(request_language::Column::Proficiency.eq(Proficiency::Native))
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|l| l.language)
            .collect();
        assert!(
            fits(&request.first_name, None, &languages),
            "newcomer {} speaks {languages:?}",
            request.first_name
        );
    }

    // An offer that says it meets every month meets once a month, not weekly.
    let monthly: Vec<_> = offer_translation::Entity::find()
        .filter(offer_translation::Column::Locale.eq("de"))
        .filter(offer_translation::Column::Summary.contains("jeden Monat"))
        .all(&app.db)
        .await
        .unwrap();
    assert!(!monthly.is_empty());
    for text in monthly {
        let sessions = offer_schedule::Entity::find()
            .filter(offer_schedule::Column::OfferId.eq(text.offer_id))
            .order_by_asc(offer_schedule::Column::StartDate)
            .all(&app.db)
            .await
            .unwrap();
        assert!(!sessions.is_empty(), "{}", text.title);
        for pair in sessions.windows(2) {
            let gap = (pair[1].start_date - pair[0].start_date).num_days();
            assert!((28..=35).contains(&gap), "{}: {gap} days", text.title);
        }
        assert!(
            sessions
                .iter()
                .all(|s| s.weekday.is_none() && s.end_date.is_none()),
            "{} meets weekly",
            text.title
        );
    }
}

/// The planner's statistics are refreshed for the platform's own tables: on PostgreSQL
/// another schema of the same database is left alone (a bare `ANALYZE` read its tables,
/// and failed when that schema was dropped meanwhile).
#[actix_web::test]
async fn statistics_are_refreshed_for_the_platforms_tables_only() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};

    let app = TestApp::spawn().await;
    let number = |sql: &str| {
        let db = app.db.clone();
        let sql = sql.to_owned();
        async move {
            db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap()
                .unwrap()
                .try_get_by_index::<i64>(0)
                .unwrap()
        }
    };
    match app.backend() {
        DbBackend::Postgres => {
            let other = format!("other_{}", uuid::Uuid::now_v7().simple());
            app.db
                .execute_unprepared(&format!(
                    "CREATE SCHEMA {other}; CREATE TABLE {other}.notes (n integer);
                     INSERT INTO {other}.notes SELECT generate_series(1, 100);"
                ))
                .await
                .unwrap();
            angebotsplattform::db::refresh_statistics(&app.db)
                .await
                .unwrap();
            // `reltuples` is -1 until a table is first analysed.
            let own = number(
                "SELECT reltuples::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = current_schema() AND c.relname = 'region'",
            )
            .await;
            let others = number(&format!(
                "SELECT reltuples::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = '{other}' AND c.relname = 'notes'"
            ))
            .await;
            app.db
                .execute_unprepared(&format!("DROP SCHEMA {other} CASCADE"))
                .await
                .unwrap();
            assert!(own > 0, "the platform's regions are counted: {own}");
            assert_eq!(others, -1, "another schema's table is left alone");
        }
        _ => {
            angebotsplattform::db::refresh_statistics(&app.db)
                .await
                .unwrap();
            let analysed = number("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'region'").await;
            assert!(analysed > 0);
        }
    }
}
