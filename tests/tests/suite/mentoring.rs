//! Mentoring over the API: ranked candidates with reasons, the pool-wide proposal, the
//! match lifecycle with its capacity guarantee (also under concurrency), and scopes: a
//! coordinator of one pool reaches nothing of another.

use angebotsplattform::graphql::relay::NodeType;
use entity::types::{MatchStatus, Proficiency};
use entity::{audit_log, mentoring_request};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tests::fixtures;
use tests::mentoring::{self, CANDIDATES, Person, RankingScene};
use tests::{TestApp, error_code};
use uuid::Uuid;

use crate::ids::gid;

const PROPOSE: &str =
    "mutation($r: ID!, $m: ID!) { proposeMatch(requestId: $r, mentorId: $m) { id status } }";

#[tokio::test]
async fn candidates_are_ranked_with_reasons_and_the_rules_hold() {
    let app = TestApp::spawn().await;
    let scene = RankingScene::in_olten(&app).await;
    let RankingScene {
        pool,
        ref staff,
        request,
    } = scene;
    let speaker = mentoring::mentor(
        &app.db,
        pool,
        Person {
            languages: vec![("de", Proficiency::Native), ("ti", Proficiency::Fluent)],
            ..Person::default()
        },
    )
    .await;
    let other = mentoring::mentor(&app.db, pool, Person::default()).await;
    let man = mentoring::mentor(
        &app.db,
        pool,
        Person {
            gender: Some(entity::types::Gender::Male),
            ..Person::default()
        },
    )
    .await;

    let ranked = scene.candidates(&app).await["mentorCandidates"].clone();
    let ids: Vec<&str> = ranked
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["mentor"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [gid(NodeType::Mentor, speaker), gid(NodeType::Mentor, other)],
        "the Tigrinya speaker first; the man is left out (a woman was asked for)"
    );
    assert!(!ids.contains(&gid(NodeType::Mentor, man).as_str()));
    let reasons = &ranked[0]["reasons"];
    let explanation = |criterion: &str| -> String {
        reasons
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["criterion"] == criterion)
            .unwrap()["explanation"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(explanation("language").starts_with("both speak Tigrinya"));
    assert_eq!(explanation("distance"), "live in the same municipality");
    assert_eq!(explanation("preference"), "a woman, as the newcomer asked");
    assert_eq!(explanation("availability"), "2 h a week in common");
    assert_eq!(explanation("waiting"), "waiting 12 days");
    let score: f64 = reasons
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["weight"].as_f64().unwrap() * r["value"].as_f64().unwrap())
        .sum();
    assert!((ranked[0]["score"].as_f64().unwrap() - score).abs() < 1e-9);

    // Reading a newcomer's request to rank for it is recorded, without personal data.
    let logged = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("mentoring_request.rank"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].entity_id, Some(request));
    assert!(!logged[0].summary.to_string().contains("Newcomer"));

    // A declined pair is never proposed again.
    let declined = mentoring::a_match(&app.db, request, speaker, MatchStatus::Declined).await;
    assert_ne!(declined, Uuid::nil());
    let again = app
        .data_as(
            Some(&staff.token),
            CANDIDATES,
            json!({ "r": gid(NodeType::MentoringRequest, request) }),
        )
        .await;
    assert_eq!(again["mentorCandidates"].as_array().unwrap().len(), 1);
    let refused = app
        .graphql_as(
            Some(&staff.token),
            PROPOSE,
            json!({ "r": gid(NodeType::MentoringRequest, request), "m": gid(NodeType::Mentor, speaker) }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("CONFLICT"), "{refused}");
}

#[tokio::test]
async fn the_lifecycle_keeps_places_and_one_live_match_per_request() {
    let app = TestApp::spawn().await;
    let region = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let pool = mentoring::pool(&app.db, region, false).await;
    let staff = app.coordinator(region).await;
    let mentor = mentoring::mentor(&app.db, pool, Person::default()).await;
    let first = mentoring::request(&app.db, pool, Person::default(), 5).await;
    let second = mentoring::request(&app.db, pool, Person::default(), 2).await;
    let other_mentor = mentoring::mentor(&app.db, pool, Person::default()).await;

    let proposed = app
        .data_as(
            Some(&staff.token),
            PROPOSE,
            json!({ "r": gid(NodeType::MentoringRequest, first), "m": gid(NodeType::Mentor, mentor) }),
        )
        .await["proposeMatch"]
        .clone();
    assert_eq!(proposed["status"], "PROPOSED");
    let no_place = app
        .graphql_as(
            Some(&staff.token),
            PROPOSE,
            json!({ "r": gid(NodeType::MentoringRequest, second), "m": gid(NodeType::Mentor, mentor) }),
        )
        .await;
    assert_eq!(error_code(&no_place), Some("CONFLICT"));
    assert!(
        no_place["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no place left")
    );
    let twice = app
        .graphql_as(
            Some(&staff.token),
            PROPOSE,
            json!({ "r": gid(NodeType::MentoringRequest, first), "m": gid(NodeType::Mentor, other_mentor) }),
        )
        .await;
    assert_eq!(
        error_code(&twice),
        Some("CONFLICT"),
        "one live match per request"
    );

    let id = proposed["id"].as_str().unwrap();
    let run = |mutation: &'static str| {
        let token = staff.token.clone();
        let app = &app;
        async move {
            app.graphql_as(
                Some(&token),
                &format!("mutation($x: ID!) {{ {mutation} {{ status reviewDueOn endReason }} }}"),
                json!({ "x": id }),
            )
            .await
        }
    };
    let wrong = run("startMatch(id: $x)").await;
    assert_eq!(
        error_code(&wrong),
        Some("CONFLICT"),
        "a proposal must be accepted first"
    );
    assert_eq!(
        run("acceptMatch(id: $x)").await["data"]["acceptMatch"]["status"],
        "ACCEPTED"
    );
    let started = run("startMatch(id: $x)").await;
    assert_eq!(started["data"]["startMatch"]["status"], "ACTIVE");
    assert!(started["data"]["startMatch"]["reviewDueOn"].is_string());
    let request = mentoring_request::Entity::find_by_id(first)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(request.status, entity::types::RequestStatus::Matched);
    let ended =
        run("endMatch(id: $x, reason: COMPLETED, evaluation: \"Gut gelaufen\", rating: 5)").await;
    assert_eq!(ended["data"]["endMatch"]["endReason"], "COMPLETED");
    let request = mentoring_request::Entity::find_by_id(first)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(request.status, entity::types::RequestStatus::Closed);

    // The ended match freed the place.
    let now_free = app
        .data_as(
            Some(&staff.token),
            PROPOSE,
            json!({ "r": gid(NodeType::MentoringRequest, second), "m": gid(NodeType::Mentor, mentor) }),
        )
        .await;
    assert_eq!(now_free["proposeMatch"]["status"], "PROPOSED");
}

#[tokio::test]
async fn concurrent_proposals_cannot_overbook_a_mentor() {
    let app = TestApp::spawn().await;
    let region = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let pool = mentoring::pool(&app.db, region, false).await;
    let mentor = mentoring::mentor(
        &app.db,
        pool,
        Person {
            capacity: 2,
            ..Person::default()
        },
    )
    .await;
    let mut requests = Vec::new();
    for _ in 0..8 {
        requests.push(mentoring::request(&app.db, pool, Person::default(), 1).await);
    }
    // Several coordinators at once, each proposing the same mentor for another request.
    let mut tokens = Vec::new();
    for _ in 0..requests.len() {
        tokens.push(app.coordinator(region).await.token);
    }
    let attempts = requests.iter().zip(&tokens).map(|(request, token)| {
        app.graphql_as(
            Some(token),
            PROPOSE,
            json!({ "r": gid(NodeType::MentoringRequest, *request), "m": gid(NodeType::Mentor, mentor) }),
        )
    });
    let results: Vec<Value> = futures_util::future::join_all(attempts).await;
    let won = results.iter().filter(|r| r.get("errors").is_none()).count();
    let refused = results
        .iter()
        .filter(|r| error_code(r) == Some("CONFLICT"))
        .count();
    assert_eq!(won, 2, "exactly the mentor's places: {results:?}");
    assert_eq!(
        refused,
        requests.len() - 2,
        "the others are refused: {results:?}"
    );
    let live = entity::mentor_match::Entity::find()
        .filter(entity::mentor_match::Column::MentorId.eq(mentor))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(live.len(), 2);
}

#[tokio::test]
async fn the_pool_proposal_beats_greedy_and_explains_who_is_left() {
    let app = TestApp::spawn().await;
    let region = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let pool = mentoring::pool(&app.db, region, false).await;
    let staff = app.coordinator(region).await;
    // Greedy would give the universal mentor to the request that fits everyone best, and
    // leave the Arabic-speaking newcomer without a mentor.
    let universal = mentoring::mentor(
        &app.db,
        pool,
        Person {
            languages: vec![
                ("de", Proficiency::Native),
                ("ar", Proficiency::Native),
                ("ti", Proficiency::Native),
            ],
            ..Person::default()
        },
    )
    .await;
    let tigrinya = mentoring::mentor(
        &app.db,
        pool,
        Person {
            languages: vec![("de", Proficiency::Native), ("ti", Proficiency::Native)],
            ..Person::default()
        },
    )
    .await;
    let arabic_request = mentoring::request(
        &app.db,
        pool,
        Person {
            languages: vec![("ar", Proficiency::Native)],
            topics: vec!["SCHOOL"],
            ..Person::default()
        },
        1,
    )
    .await;
    let tigrinya_request = mentoring::request(
        &app.db,
        pool,
        Person {
            languages: vec![("ti", Proficiency::Native)],
            ..Person::default()
        },
        20,
    )
    .await;
    let unplaceable = mentoring::request(
        &app.db,
        pool,
        Person {
            gender: Some(entity::types::Gender::Male),
            ..Person::default()
        },
        3,
    )
    .await;
    let proposal = app
        .data_as(
            Some(&staff.token),
            "query($p: ID!) { proposePoolMatches(poolId: $p) {
               totalScore pairs { request { id } mentor { id } score }
               unmatchedRequests { request { id } reason } } }",
            json!({ "p": gid(NodeType::MentoringPool, pool) }),
        )
        .await["proposePoolMatches"]
        .clone();
    let pairs: Vec<(String, String)> = proposal["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["request"]["id"].as_str().unwrap().to_owned(),
                p["mentor"]["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(pairs.contains(&(
        gid(NodeType::MentoringRequest, arabic_request),
        gid(NodeType::Mentor, universal)
    )));
    assert!(pairs.contains(&(
        gid(NodeType::MentoringRequest, tigrinya_request),
        gid(NodeType::Mentor, tigrinya)
    )));
    let unmatched = &proposal["unmatchedRequests"][0];
    assert_eq!(
        unmatched["request"]["id"],
        gid(NodeType::MentoringRequest, unplaceable)
    );
    assert!(
        unmatched["reason"].as_str().unwrap().contains("preference"),
        "{unmatched}"
    );
    // Each request shown counts as read.
    let reads = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("mentoring_request.read"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(reads.len(), 3);
    // No match was written.
    assert!(
        entity::mentor_match::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_coordinator_reaches_nothing_of_another_pool() {
    let app = TestApp::spawn().await;
    let olten = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let gaeu = fixtures::region_id(&app.db, "SO-D-GAEU").await;
    let own_pool = mentoring::pool(&app.db, olten, false).await;
    let foreign_pool = mentoring::pool(&app.db, gaeu, false).await;
    let staff = app.coordinator(olten).await;
    let mentor = mentoring::mentor(&app.db, foreign_pool, Person::default()).await;
    let request = mentoring::request(&app.db, foreign_pool, Person::default(), 1).await;
    let own_request = mentoring::request(&app.db, own_pool, Person::default(), 1).await;
    let a_match = mentoring::a_match(&app.db, request, mentor, MatchStatus::Proposed).await;

    let pools = app
        .data_as(Some(&staff.token), "{ mentoringPools { id } }", json!({}))
        .await;
    assert_eq!(
        pools["mentoringPools"],
        json!([{ "id": gid(NodeType::MentoringPool, own_pool) }])
    );

    let mut attempts: Vec<(&str, String, Value)> = vec![
        (
            "mentorCandidates",
            CANDIDATES.to_owned(),
            json!({ "r": gid(NodeType::MentoringRequest, request) }),
        ),
        (
            "proposePoolMatches",
            "query($p: ID!) { proposePoolMatches(poolId: $p) { totalScore } }".to_owned(),
            json!({ "p": gid(NodeType::MentoringPool, foreign_pool) }),
        ),
        (
            "proposeMatch (foreign request)",
            PROPOSE.to_owned(),
            json!({ "r": gid(NodeType::MentoringRequest, request), "m": gid(NodeType::Mentor, mentor) }),
        ),
        (
            "proposeMatch (foreign mentor)",
            PROPOSE.to_owned(),
            json!({ "r": gid(NodeType::MentoringRequest, own_request), "m": gid(NodeType::Mentor, mentor) }),
        ),
    ];
    for step in ["acceptMatch", "startMatch", "declineMatch", "cancelMatch"] {
        attempts.push((
            step,
            format!("mutation($x: ID!) {{ {step}(id: $x) {{ status }} }}"),
            json!({ "x": gid(NodeType::MentorMatch, a_match) }),
        ));
    }
    attempts.push((
        "recordCheckIn",
        "mutation($x: ID!) { recordCheckIn(matchId: $x, input: { occurredOn: \"2026-01-01\", kind: CALL, outcome: GOOD }) { id } }".to_owned(),
        json!({ "x": gid(NodeType::MentorMatch, a_match) }),
    ));
    attempts.push((
        "endMatch",
        "mutation($x: ID!) { endMatch(id: $x, reason: OTHER) { status } }".to_owned(),
        json!({ "x": gid(NodeType::MentorMatch, a_match) }),
    ));
    for (name, query, variables) in attempts {
        let response = app.graphql_as(Some(&staff.token), &query, variables).await;
        assert_eq!(
            error_code(&response),
            Some("NOT_FOUND"),
            "{name}: {response}"
        );
    }
    let unchanged = entity::mentor_match::Entity::find_by_id(a_match)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged.status, MatchStatus::Proposed);
}
