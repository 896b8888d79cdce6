//! Mentoring's people over the API: intake with consent, screening and activation, lists
//! with audited reads, contact disclosure only for active matches, erasure and retention,
//! and the statistics that stay true after erasure.

use angebotsplattform::graphql::relay::NodeType;
use chrono::{Duration, Utc};
use entity::types::{MatchStatus, MentorStatus, RequestSource, RequestStatus};
use entity::{audit_log, mentor, mentor_language, mentoring_request, request_language};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use tests::fixtures;
use tests::mentoring::{self, Person};
use tests::{TestApp, error_code};
use uuid::Uuid;

use crate::ids::{gid, uuid_of};

async fn actions(app: &TestApp, action: &str) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .all(&app.db)
        .await
        .unwrap()
}

const APPLY: &str = "mutation($m: ID!, $c: Boolean!) { applyAsMentor(input: {
  firstName: \"Eva\", lastName: \"Muster\", email: \"eva.muster@example.org\", gender: FEMALE,
  municipalityId: $m, languages: [{ language: \"de\", proficiency: NATIVE }, { language: \"ti\", proficiency: GOOD }],
  availability: [{ weekday: 2, startTime: \"18:00:00\", endTime: \"20:00:00\" }],
  topics: [\"PAPERWORK\"], capacity: 2, consent: $c }) { id poolId } }";

const REQUEST: &str = "mutation($m: ID!) { requestMentor(input: {
  firstName: \"Amanuel\", email: \"amanuel@example.org\", municipalityId: $m,
  languages: [{ language: \"ti\", proficiency: NATIVE }], topics: [\"PAPERWORK\"], consent: true }) { id poolId } }";

#[tokio::test]
async fn intake_needs_consent_finds_the_pool_and_echoes_nothing_personal() {
    let app = TestApp::spawn().await;
    let olten = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let pool = mentoring::pool(&app.db, olten, false).await;
    let home = gid(NodeType::Region, fixtures::region_id(&app.db, "2581").await);

    let refused = app.graphql(APPLY, json!({ "m": home, "c": false })).await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"));
    assert_eq!(
        refused["errors"][0]["extensions"]["fields"][0]["field"],
        "input.consent"
    );
    assert_eq!(
        mentor::Entity::find().count(&app.db).await.unwrap(),
        0,
        "nothing stored"
    );

    let applied = app.data(APPLY, json!({ "m": home, "c": true })).await["applyAsMentor"].clone();
    assert_eq!(applied["poolId"], gid(NodeType::MentoringPool, pool));
    assert!(
        !applied.to_string().contains("Eva"),
        "the receipt names no one"
    );
    let stored = mentor::Entity::find_by_id(uuid_of(applied["id"].as_str().unwrap()))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, MentorStatus::Applied);
    assert_eq!(stored.capacity, 2);
    let logged = actions(&app, "mentor.apply").await;
    assert_eq!(logged.len(), 1);
    assert!(!logged[0].summary.to_string().contains("Eva"));

    let outside = gid(NodeType::Region, fixtures::region_id(&app.db, "2401").await);
    let unserved = app.graphql(REQUEST, json!({ "m": outside })).await;
    assert_eq!(
        unserved["errors"][0]["extensions"]["fields"][0]["message"],
        "no mentoring pool serves this municipality"
    );

    let by_app = app.data(REQUEST, json!({ "m": home })).await["requestMentor"].clone();
    let staff = app.coordinator(olten).await;
    let by_staff = app
        .data_as(Some(&staff.token), REQUEST, json!({ "m": home }))
        .await["requestMentor"]
        .clone();
    for (receipt, source) in [
        (&by_app, RequestSource::PartnerApp),
        (&by_staff, RequestSource::Coordinator),
    ] {
        let request =
            mentoring_request::Entity::find_by_id(uuid_of(receipt["id"].as_str().unwrap()))
                .one(&app.db)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(request.source, source);
        assert_eq!(request.status, RequestStatus::Open);
    }
}

#[tokio::test]
async fn only_a_fully_screened_mentor_becomes_active() {
    let app = TestApp::spawn().await;
    let olten = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    mentoring::pool(&app.db, olten, false).await;
    let staff = app.coordinator(olten).await;
    let home = gid(NodeType::Region, fixtures::region_id(&app.db, "2581").await);
    let applied =
        app.data(APPLY, json!({ "m": home, "c": true })).await["applyAsMentor"]["id"].clone();
    let today = Utc::now().date_naive();
    let screen = |step: &'static str, on: chrono::NaiveDate| {
        let token = staff.token.clone();
        let id = applied.clone();
        let app = &app;
        async move {
            app.graphql_as(
                Some(&token),
                "mutation($x: ID!, $s: ScreeningStep!, $d: Date!) { screenMentor(id: $x, step: $s, on: $d) { status } }",
                json!({ "x": id, "s": step, "d": on }),
            )
            .await
        }
    };
    let activate = || {
        app.graphql_as(
            Some(&staff.token),
            "mutation($x: ID!) { setMentorStatus(id: $x, status: ACTIVE) { status } }",
            json!({ "x": applied }),
        )
    };
    let first = screen("INTRO_TRAINING", today).await;
    assert_eq!(first["data"]["screenMentor"]["status"], "SCREENING");
    let early = activate().await;
    assert_eq!(error_code(&early), Some("CONFLICT"));
    assert!(
        early["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("police record extract")
    );
    let future = screen("CODE_OF_CONDUCT", today + Duration::days(3)).await;
    assert_eq!(error_code(&future), Some("BAD_USER_INPUT"));
    screen("CODE_OF_CONDUCT", today).await;
    // An extract older than the pool's 36 months does not count.
    screen("POLICE_RECORD", today - Duration::days(365 * 4)).await;
    let expired = activate().await;
    assert!(
        expired["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not expired"),
        "{expired}"
    );
    screen("POLICE_RECORD", today - Duration::days(30)).await;
    assert_eq!(
        activate().await["data"]["setMentorStatus"]["status"],
        "ACTIVE"
    );
}

#[tokio::test]
async fn lists_record_each_read_and_contact_is_disclosed_only_when_active() {
    let app = TestApp::spawn().await;
    let olten = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let pool = mentoring::pool(&app.db, olten, false).await;
    let staff = app.coordinator(olten).await;
    let mentor = mentoring::mentor(&app.db, pool, Person::default()).await;
    let waiting = mentoring::request(&app.db, pool, Person::default(), 40).await;
    let fresh = mentoring::request(&app.db, pool, Person::default(), 1).await;

    let listed = app
        .data_as(
            Some(&staff.token),
            "query($p: ID!, $f: MentoringRequestFilter) { mentoringRequests(poolId: $p, filter: $f, first: 10) {
               totalCount edges { node { id firstName } } } }",
            json!({ "p": gid(NodeType::MentoringPool, pool) }),
        )
        .await;
    assert_eq!(listed["mentoringRequests"]["totalCount"], 2);
    let reads = actions(&app, "mentoring_request.read").await;
    let mut read_ids: Vec<Uuid> = reads.iter().filter_map(|r| r.entity_id).collect();
    read_ids.sort();
    let mut expected = vec![waiting, fresh];
    expected.sort();
    assert_eq!(read_ids, expected, "one audit row per request read");
    assert!(
        reads
            .iter()
            .all(|r| r.actor_account_id == Some(staff.account_id))
    );

    let late = app
        .data_as(
            Some(&staff.token),
            "query($p: ID!) { mentoringRequests(poolId: $p, filter: { waitingTooLong: true }) { edges { node { id } } } }",
            json!({ "p": gid(NodeType::MentoringPool, pool) }),
        )
        .await;
    assert_eq!(
        late["mentoringRequests"]["edges"],
        json!([{ "node": { "id": gid(NodeType::MentoringRequest, waiting) } }])
    );
    let mentors = app
        .data_as(
            Some(&staff.token),
            "query($p: ID!) { mentors(poolId: $p, filter: { statuses: [ACTIVE] }) { totalCount } }",
            json!({ "p": gid(NodeType::MentoringPool, pool) }),
        )
        .await;
    assert_eq!(mentors["mentors"]["totalCount"], 1);

    let proposed = app
        .data_as(
            Some(&staff.token),
            "mutation($r: ID!, $m: ID!) { proposeMatch(requestId: $r, mentorId: $m) { id newcomerContact { firstName } } }",
            json!({ "r": gid(NodeType::MentoringRequest, waiting), "m": gid(NodeType::Mentor, mentor) }),
        )
        .await["proposeMatch"]
        .clone();
    assert!(
        proposed["newcomerContact"].is_null(),
        "not before the match is active"
    );
    let id = proposed["id"].clone();
    app.data_as(
        Some(&staff.token),
        "mutation($x: ID!) { acceptMatch(id: $x) { status } }",
        json!({ "x": id }),
    )
    .await;
    let started = app
        .data_as(
            Some(&staff.token),
            "mutation($x: ID!) { startMatch(id: $x) { status newcomerContact { firstName email } } }",
            json!({ "x": id }),
        )
        .await;
    assert_eq!(
        started["startMatch"]["newcomerContact"],
        json!({ "firstName": "Newcomer", "email": null })
    );
    let disclosed = actions(&app, "mentoring_request.disclose").await;
    assert_eq!(disclosed.len(), 1);
    assert_eq!(disclosed[0].entity_id, Some(waiting));
    let check_in = app
        .data_as(
            Some(&staff.token),
            "mutation($x: ID!, $d: Date!) { recordCheckIn(matchId: $x, input: { occurredOn: $d, kind: MEETING, outcome: GOOD, note: \"Erstes Treffen\" }) { outcome } }",
            json!({ "x": id, "d": Utc::now().date_naive() }),
        )
        .await;
    assert_eq!(check_in["recordCheckIn"]["outcome"], "GOOD");
}

#[tokio::test]
async fn erasure_removes_personal_data_and_keeps_the_counts() {
    let app = TestApp::spawn().await;
    let olten = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let pool = mentoring::pool(&app.db, olten, false).await;
    let staff = app.coordinator(olten).await;
    let mentor = mentoring::mentor(&app.db, pool, Person::default()).await;
    let request = mentoring::request(&app.db, pool, Person::default(), 10).await;
    mentoring::a_match(&app.db, request, mentor, MatchStatus::Active).await;

    let period = json!({
        "p": gid(NodeType::MentoringPool, pool),
        "from": (Utc::now() - Duration::days(30)).to_rfc3339(),
        "to": (Utc::now() + Duration::days(1)).to_rfc3339(),
    });
    let stats = "query($p: ID!, $from: DateTime!, $to: DateTime!) { poolStatistics(poolId: $p, from: $from, to: $to) {
        figures { requestsReceived requestsMatched activeMatches openRequests medianDaysToMatch
                  mentorsByStatus { code count } endingsByReason { code count } } } }";
    let before = app.data_as(Some(&staff.token), stats, period.clone()).await;
    let figures = &before["poolStatistics"]["figures"];
    assert_eq!(figures["requestsReceived"], 1);
    assert_eq!(figures["requestsMatched"], 1);
    assert_eq!(figures["activeMatches"], 1);
    assert_eq!(figures["medianDaysToMatch"], 10.0);

    let erased = app
        .data_as(
            Some(&staff.token),
            "mutation($x: ID!) { eraseMentee(id: $x) }",
            json!({ "x": gid(NodeType::MentoringRequest, request) }),
        )
        .await;
    assert_eq!(erased["eraseMentee"], true);
    let row = mentoring_request::Entity::find_by_id(request)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.first_name, "");
    assert_eq!(row.email, None);
    assert_eq!(row.municipality_id, None);
    assert!(row.erased_at.is_some());
    assert_eq!(
        request_language::Entity::find()
            .filter(request_language::Column::RequestId.eq(request))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    let after = app.data_as(Some(&staff.token), stats, period.clone()).await;
    let figures = &after["poolStatistics"]["figures"];
    assert_eq!(
        figures["requestsReceived"], 1,
        "the erased request still counts"
    );
    assert_eq!(figures["activeMatches"], 0, "its match has ended");
    assert_eq!(
        figures["endingsByReason"],
        json!([{ "code": "MENTEE_LEFT", "count": 1 }])
    );
    let listed = app
        .data_as(
            Some(&staff.token),
            "query($p: ID!) { mentoringRequests(poolId: $p) { totalCount } }",
            json!({ "p": gid(NodeType::MentoringPool, pool) }),
        )
        .await;
    assert_eq!(listed["mentoringRequests"]["totalCount"], 0);

    app.data_as(
        Some(&staff.token),
        "mutation($x: ID!) { eraseMentor(id: $x) }",
        json!({ "x": gid(NodeType::Mentor, mentor) }),
    )
    .await;
    let gone = mentor::Entity::find_by_id(mentor)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((gone.first_name.as_str(), gone.email.as_str()), ("", ""));
    assert_eq!(gone.status, MentorStatus::Retired);
    assert_eq!(
        mentor_language::Entity::find()
            .filter(mentor_language::Column::MentorId.eq(mentor))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(actions(&app, "mentoring_request.erase").await.len(), 1);
    assert_eq!(actions(&app, "mentor.erase").await.len(), 1);
}

#[tokio::test]
async fn closed_requests_are_anonymised_after_retention() {
    let app = TestApp::spawn().await;
    let olten = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let pool = mentoring::pool(&app.db, olten, false).await;
    let due = mentoring::request(&app.db, pool, Person::default(), 500).await;
    let kept = mentoring::request(&app.db, pool, Person::default(), 500).await;
    let open = mentoring::request(&app.db, pool, Person::default(), 500).await;
    let today = Utc::now().date_naive();
    for (id, until) in [
        (due, today - Duration::days(1)),
        (kept, today + Duration::days(30)),
    ] {
        mentoring_request::Entity::update_many()
            .col_expr(
                mentoring_request::Column::Status,
                Expr::value(RequestStatus::Closed),
            )
            .col_expr(mentoring_request::Column::ClosedAt, Expr::value(Utc::now()))
            .col_expr(
                mentoring_request::Column::RetentionUntil,
                Expr::value(until),
            )
            .filter(mentoring_request::Column::Id.eq(id))
            .exec(&app.db)
            .await
            .unwrap();
    }
    mentoring_request::Entity::update_many()
        .col_expr(
            mentoring_request::Column::RetentionUntil,
            Expr::value(today - Duration::days(1)),
        )
        .filter(mentoring_request::Column::Id.eq(open))
        .exec(&app.db)
        .await
        .unwrap();
    let written = angebotsplattform::service::mentoring::erasure::erase_expired(&app.db)
        .await
        .unwrap();
    let erased = app.app.effects.apply(written).await;
    assert_eq!(erased, 1, "only the closed request past its retention");
    for (id, gone) in [(due, true), (kept, false), (open, false)] {
        let row = mentoring_request::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.erased_at.is_some(), gone);
    }
    let logged = actions(&app, "mentoring_request.erase").await;
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].actor_account_id, None, "the platform did it");
}

#[tokio::test]
async fn statistics_and_people_stay_within_the_pool() {
    let app = TestApp::spawn().await;
    let olten = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let gaeu = fixtures::region_id(&app.db, "SO-D-GAEU").await;
    let own = mentoring::pool(&app.db, olten, false).await;
    let foreign = mentoring::pool(&app.db, gaeu, false).await;
    let staff = app.coordinator(olten).await;
    let mentor = mentoring::mentor(&app.db, foreign, Person::default()).await;
    let request = mentoring::request(&app.db, foreign, Person::default(), 3).await;
    mentoring::request(&app.db, own, Person::default(), 3).await;
    let from = (Utc::now() - Duration::days(30)).to_rfc3339();
    let to = (Utc::now() + Duration::days(1)).to_rfc3339();
    let attempts = [
        (
            "query($p: ID!) { mentors(poolId: $p) { totalCount } }",
            json!({ "p": gid(NodeType::MentoringPool, foreign) }),
        ),
        (
            "query($p: ID!) { mentoringRequests(poolId: $p) { totalCount } }",
            json!({ "p": gid(NodeType::MentoringPool, foreign) }),
        ),
        (
            "query($p: ID!, $f: DateTime!, $t: DateTime!) { poolStatistics(poolId: $p, from: $f, to: $t) { poolName } }",
            json!({ "p": gid(NodeType::MentoringPool, foreign), "f": from, "t": to }),
        ),
        (
            "mutation($x: ID!) { screenMentor(id: $x, step: INTRO_TRAINING, on: \"2026-01-01\") { status } }",
            json!({ "x": gid(NodeType::Mentor, mentor) }),
        ),
        (
            "mutation($x: ID!) { setMentorStatus(id: $x, status: PAUSED) { status } }",
            json!({ "x": gid(NodeType::Mentor, mentor) }),
        ),
        (
            "mutation($x: ID!) { eraseMentor(id: $x) }",
            json!({ "x": gid(NodeType::Mentor, mentor) }),
        ),
        (
            "mutation($x: ID!) { eraseMentee(id: $x) }",
            json!({ "x": gid(NodeType::MentoringRequest, request) }),
        ),
    ];
    for (query, variables) in attempts {
        let response = app.graphql_as(Some(&staff.token), query, variables).await;
        assert_eq!(
            error_code(&response),
            Some("NOT_FOUND"),
            "{query}: {response}"
        );
    }
    let programme = app
        .data_as(
            Some(&staff.token),
            "query($f: DateTime!, $t: DateTime!) { programmeStatistics(from: $f, to: $t) {
               total { requestsReceived } pools { poolId } } }",
            json!({ "f": from, "t": to }),
        )
        .await;
    assert_eq!(
        programme["programmeStatistics"]["pools"],
        json!([{ "poolId": gid(NodeType::MentoringPool, own) }]),
        "a coordinator's programme is their pools"
    );
    assert_eq!(
        programme["programmeStatistics"]["total"]["requestsReceived"],
        1
    );
    let admin = app.admin().await;
    let all = app
        .data_as(
            Some(&admin.token),
            "query($f: DateTime!, $t: DateTime!, $r: ID) { programmeStatistics(regionId: $r, from: $f, to: $t) {
               total { requestsReceived } pools { poolId } } }",
            json!({ "f": from, "t": to, "r": gid(NodeType::Region, olten) }),
        )
        .await;
    assert_eq!(
        all["programmeStatistics"]["pools"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let everything = app
        .data_as(
            Some(&admin.token),
            "query($f: DateTime!, $t: DateTime!) { programmeStatistics(from: $f, to: $t) { total { requestsReceived } } }",
            json!({ "f": from, "t": to }),
        )
        .await;
    assert_eq!(
        everything["programmeStatistics"]["total"]["requestsReceived"],
        2
    );
}

#[tokio::test]
async fn coordinators_tune_their_pools_weights_within_bounds() {
    let app = TestApp::spawn().await;
    let olten = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let pool = mentoring::pool(&app.db, olten, false).await;
    let staff = app.coordinator(olten).await;
    let update =
        "mutation($x: ID!, $i: MentoringPoolInput!) { updateMentoringPool(id: $x, input: $i) {
        allowNeighbouringRegions matchingWeights { language distance } } }";
    let changed = app
        .data_as(
            Some(&staff.token),
            update,
            json!({ "x": gid(NodeType::MentoringPool, pool), "i": {
                "matchingWeights": { "language": 6 }, "allowNeighbouringRegions": false } }),
        )
        .await;
    assert_eq!(
        changed["updateMentoringPool"],
        json!({ "allowNeighbouringRegions": false, "matchingWeights": { "language": 6.0, "distance": 2.0 } })
    );
    let bad = app
        .graphql_as(
            Some(&staff.token),
            update,
            json!({ "x": gid(NodeType::MentoringPool, pool), "i": {
                "matchingWeights": { "topics": 12 }, "reviewAfterMonths": 0 } }),
        )
        .await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"));
    let fields: Vec<&str> = bad["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["input.matchingWeights", "input.reviewAfterMonths"]);
    let pools = app
        .data_as(
            Some(&staff.token),
            "{ mentoringPools { matchingWeights { language topics } reviewAfterMonths } }",
            json!({}),
        )
        .await;
    assert_eq!(
        pools["mentoringPools"][0],
        json!({ "matchingWeights": { "language": 6.0, "topics": 1.5 }, "reviewAfterMonths": 6 }),
        "a refused change changes nothing"
    );
}
