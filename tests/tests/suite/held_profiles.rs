//! Rankings read their candidate mentors from memory: a second ranking reads no mentor
//! profile rows, and every write through the platform that changes what the matching
//! reads (application, screening, status, a match's state, erasure) is seen by the next
//! ranking at once. A change made beside the platform is seen once the held profiles'
//! age (`MENTOR_PROFILE_MAX_AGE_SECS`) has run out.

use angebotsplattform::graphql::relay::NodeType;
use entity::mentor;
use entity::types::MentorStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tests::TestApp;
use tests::fixtures;
use tests::mentoring::{self, Person};
use uuid::Uuid;

use crate::ids::gid;

const RANK: &str = "query($r: ID!) { mentorCandidates(requestId: $r, first: 20) { mentor { id } reasons { criterion explanation } } }";

/// The ids of the mentors ranked for `request`, best first.
async fn ranked(app: &TestApp, token: &str, request: Uuid) -> Vec<String> {
    let data = app
        .data_as(
            Some(token),
            RANK,
            json!({ "r": gid(NodeType::MentoringRequest, request) }),
        )
        .await;
    data["mentorCandidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["mentor"]["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn step(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    app.data_as(Some(token), query, variables).await
}

#[tokio::test]
async fn a_second_ranking_reads_no_mentor_profile_rows() {
    let app = TestApp::spawn().await;
    let region = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let pool = mentoring::pool(&app.db, region, false).await;
    let token = app.coordinator_of("SO-D-OLTEN").await;
    let request = mentoring::request(&app.db, pool, Person::default(), 3).await;
    for _ in 0..5 {
        mentoring::mentor(&app.db, pool, Person::default()).await;
    }
    assert_eq!(ranked(&app, &token, request).await.len(), 5);

    let mark = app.statements();
    assert_eq!(ranked(&app, &token, request).await.len(), 5);
    let sent = app.statements_since(mark);
    let profile_reads: Vec<&String> = sent
        .iter()
        .filter(|sql| {
            // Languages, weekly times and the current load of mentors (the request's own
            // declined matches are read, and are no mentor's profile).
            sql.contains("\"mentor_language\"")
                || sql.contains("\"mentor_availability\"")
                || (sql.contains("\"mentor_match\"") && sql.contains("COUNT("))
        })
        .collect();
    assert!(
        profile_reads.is_empty(),
        "a ranking read mentor profiles again: {profile_reads:#?}"
    );
    // Signing in (3), the request and its pool, the request's languages, times and
    // refusals, the audit row, and the answer's mentors and their pools (for disclosure);
    // homes are held too.
    assert!(sent.len() <= 11, "{} statements: {sent:#?}", sent.len());
}

#[tokio::test]
async fn every_write_that_changes_a_candidate_is_seen_by_the_next_ranking() {
    let app = TestApp::spawn().await;
    let region = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let pool = mentoring::pool(&app.db, region, false).await;
    let token = app.coordinator_of("SO-D-OLTEN").await;
    let today = chrono::Utc::now().date_naive();
    let request = mentoring::request(&app.db, pool, Person::default(), 3).await;
    let other_request = mentoring::request(&app.db, pool, Person::default(), 1).await;
    let first = mentoring::mentor(&app.db, pool, Person::default()).await;
    let first_id = gid(NodeType::Mentor, first);
    assert_eq!(ranked(&app, &token, request).await, [first_id.as_str()]);

    // A volunteer applies: not a candidate until screened and active.
    let olten = app
        .data("{ region(postcode: \"4600\") { id } }", json!({}))
        .await["region"]["id"]
        .clone();
    let applied = app
        .data(
            "mutation($m: ID!) { applyAsMentor(input: { firstName: \"Rahel\", lastName: \"Studer\", email: \"rahel@example.org\", gender: FEMALE, municipalityId: $m, languages: [{ language: \"de\", proficiency: NATIVE }], availability: [{ weekday: 2, startTime: \"17:00:00\", endTime: \"21:00:00\" }], topics: [\"PAPERWORK\"], consent: true }) { id } }",
            json!({ "m": olten }),
        )
        .await["applyAsMentor"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(ranked(&app, &token, request).await, [first_id.as_str()]);
    for screening in ["INTRO_TRAINING", "POLICE_RECORD", "CODE_OF_CONDUCT"] {
        step(
            &app,
            &token,
            "mutation($x: ID!, $s: ScreeningStep!, $d: Date!) { screenMentor(id: $x, step: $s, on: $d) { id } }",
            json!({ "x": applied, "s": screening, "d": today }),
        )
        .await;
    }
    step(
        &app,
        &token,
        "mutation($x: ID!) { setMentorStatus(id: $x, status: ACTIVE) { status } }",
        json!({ "x": applied }),
    )
    .await;
    let mut both = ranked(&app, &token, request).await;
    both.sort();
    let mut expected = vec![first_id.clone(), applied.clone()];
    expected.sort();
    assert_eq!(both, expected, "the newly active mentor is a candidate");

    // The first mentor's only place is taken by a proposal for another newcomer.
    let proposed = step(
        &app,
        &token,
        "mutation($r: ID!, $m: ID!) { proposeMatch(requestId: $r, mentorId: $m) { id } }",
        json!({ "r": gid(NodeType::MentoringRequest, other_request), "m": first_id }),
    )
    .await["proposeMatch"]["id"]
        .clone();
    assert_eq!(ranked(&app, &token, request).await, [applied.as_str()]);
    // Declined, the place is free again.
    step(
        &app,
        &token,
        "mutation($x: ID!) { declineMatch(id: $x) { status } }",
        json!({ "x": proposed }),
    )
    .await;
    assert_eq!(ranked(&app, &token, request).await.len(), 2);

    // Paused, then erased.
    step(
        &app,
        &token,
        "mutation($x: ID!) { setMentorStatus(id: $x, status: PAUSED) { status } }",
        json!({ "x": applied }),
    )
    .await;
    assert_eq!(ranked(&app, &token, request).await, [first_id.as_str()]);
    step(
        &app,
        &token,
        "mutation($m: ID!) { eraseMentor(id: $m) }",
        json!({ "m": first_id }),
    )
    .await;
    assert!(ranked(&app, &token, request).await.is_empty());
}

#[tokio::test]
async fn a_change_beside_the_platform_is_seen_once_the_held_profiles_age_runs_out() {
    let app = TestApp::spawn_with(|s| s.mentoring.mentor_profile_max_age_secs = 1).await;
    let region = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let pool = mentoring::pool(&app.db, region, false).await;
    let token = app.coordinator_of("SO-D-OLTEN").await;
    let request = mentoring::request(&app.db, pool, Person::default(), 3).await;
    let mentor_id = mentoring::mentor(&app.db, pool, Person::default()).await;
    assert_eq!(ranked(&app, &token, request).await.len(), 1);
    // Paused by hand in the database: the platform is not told.
    mentor::Entity::update_many()
        .col_expr(mentor::Column::Status, Expr::value(MentorStatus::Paused))
        .filter(mentor::Column::Id.eq(mentor_id))
        .exec(&app.db)
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    assert!(ranked(&app, &token, request).await.is_empty());
}
