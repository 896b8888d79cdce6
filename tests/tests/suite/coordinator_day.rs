//! What a coordinator works with through a day, and what apps ask about places: a pool and
//! its matches with their people, the attributes the ranking reads, check-ins read back,
//! a first meeting recorded after the fact, every record reachable by `node(id)` for those
//! who may read it, and regions found by name or postcode with their own coordinates.

use angebotsplattform::graphql::relay::NodeType;
use entity::types::{Gender, MatchStatus, Proficiency};
use entity::{region, region_postcode};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tests::mentoring::{self, Person};
use tests::{TestApp, fixtures};

use crate::ids::{gid, offer_gid};

#[tokio::test]
async fn newcomers_find_their_municipality_by_name_or_postcode() {
    let app = TestApp::spawn().await;
    let found = app
        .data(
            "{ regions(kind: MUNICIPALITY, search: \"trimb\") { edges { node { code name postcodes centroid { lat lon } } } } }",
            json!({}),
        )
        .await;
    let edges = found["regions"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 1, "{found}");
    assert_eq!(edges[0]["node"]["name"], "Trimbach");
    assert_eq!(edges[0]["node"]["postcodes"], json!(["4632"]));
    let by_postcode = app
        .data("{ region(postcode: \"4632\") { name code } }", json!({}))
        .await;
    assert_eq!(
        by_postcode["region"],
        json!({ "name": "Trimbach", "code": "2500" })
    );
    let listed = app
        .data(
            "{ regions(search: \"4600\") { edges { node { name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["regions"]["edges"][0]["node"]["name"], "Olten");
    let nowhere = app
        .graphql("{ region(postcode: \"9999\") { name } }", json!({}))
        .await;
    assert_eq!(tests::error_code(&nowhere), Some("NOT_FOUND"));
    let both = app
        .graphql(
            "{ region(code: \"2500\", postcode: \"4632\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(tests::error_code(&both), Some("BAD_USER_INPUT"));

    // The one-key input (`@oneOf`) finds the same regions; two keys are refused when
    // validated, and a key beside a deprecated argument when run.
    for (key, name) in [
        ("{ postcode: \"4632\" }", "Trimbach"),
        ("{ code: \"2581\" }", "Olten"),
    ] {
        let found = app
            .data(&format!("{{ region(by: {key}) {{ name }} }}"), json!({}))
            .await;
        assert_eq!(found["region"]["name"], name, "{key}");
    }
    let id = app
        .data("{ region(by: { code: \"2581\" }) { id } }", json!({}))
        .await["region"]["id"]
        .clone();
    let by_id = app
        .data(
            "query($id: ID!) { region(by: { id: $id }) { name } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(by_id["region"]["name"], "Olten");
    for query in [
        "{ region(by: { code: \"2581\", postcode: \"4632\" }) { name } }",
        "{ region(by: {}) { name } }",
        "{ region(by: { code: \"2581\" }, postcode: \"4632\") { name } }",
        "{ region { name } }",
    ] {
        let refused = app.graphql(query, json!({})).await;
        assert_eq!(
            tests::error_code(&refused),
            Some("BAD_USER_INPUT"),
            "{query}: {refused}"
        );
    }
    let sdl =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql")).unwrap();
    assert!(
        sdl.contains("input RegionKey @oneOf"),
        "the SDL marks the one-key input"
    );
    assert!(
        sdl.contains("code: String @deprecated"),
        "the old arguments are deprecated"
    );
}

#[tokio::test]
async fn neighbouring_municipalities_have_their_own_coordinates() {
    let app = TestApp::spawn().await;
    let place = |code: &'static str| {
        let db = app.db.clone();
        async move {
            region::Entity::find()
                .filter(region::Column::Code.eq(code))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let (olten, trimbach) = (place("2581").await, place("2500").await);
    assert_ne!((olten.lat, olten.lon), (trimbach.lat, trimbach.lon));
    // An installation that still holds the rough district centre of earlier releases is
    // moved to the official coordinates; one an operator corrected is left alone.
    region::Entity::update_many()
        .col_expr(region::Column::Lat, Expr::value(47.33))
        .col_expr(region::Column::Lon, Expr::value(7.89))
        .filter(region::Column::Id.eq(olten.id))
        .exec(&app.db)
        .await
        .unwrap();
    region_postcode::Entity::delete_many()
        .filter(region_postcode::Column::RegionId.eq(olten.id))
        .exec(&app.db)
        .await
        .unwrap();
    region::Entity::update_many()
        .col_expr(region::Column::Lat, Expr::value(47.37))
        .col_expr(region::Column::Lon, Expr::value(7.88))
        .filter(region::Column::Id.eq(trimbach.id))
        .exec(&app.db)
        .await
        .unwrap();
    let loaded = angebotsplattform::reference::load(&app.db).await.unwrap();
    app.app.effects.apply(loaded).await;
    let (olten_after, trimbach_after) = (place("2581").await, place("2500").await);
    assert_eq!((olten_after.lat, olten_after.lon), (olten.lat, olten.lon));
    assert_eq!(
        (trimbach_after.lat, trimbach_after.lon),
        (Some(47.37), Some(7.88))
    );
    let postcodes = region_postcode::Entity::find()
        .filter(region_postcode::Column::RegionId.eq(olten.id))
        .all(&app.db)
        .await
        .unwrap();
    assert!(postcodes.iter().any(|p| p.postcode == "4600"));
}

#[tokio::test]
async fn a_regional_site_lists_its_regions_offers() {
    let app = TestApp::spawn().await;
    let provider = fixtures::provider(&app.db, "Verein").await;
    let mut thal = fixtures::OfferSpec::new(provider, "Deutsch in Balsthal");
    thal.regions = vec!["SO-D-THAL"];
    let in_thal = fixtures::offer(&app.db, thal).await;
    let mut olten = fixtures::OfferSpec::new(provider, "Deutsch in Olten");
    olten.regions = vec!["SO-D-OLTEN"];
    fixtures::offer(&app.db, olten).await;
    let listed = app
        .data(
            "{ region(code: \"SO-D-THAL\") { offers(first: 10) { totalCount edges { node { id } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["region"]["offers"]["totalCount"], 1, "{listed}");
    assert_eq!(
        listed["region"]["offers"]["edges"][0]["node"]["id"],
        offer_gid(in_thal).as_str()
    );
}

const MATCH_DETAILS: &str = "query($p: ID!, $before: Date) {
  mentoringPool(id: $p) { name region { code } }
  matches(poolId: $p, filter: { reviewDueBefore: $before }) {
    totalCount
    edges { node {
      id status startedAt reviewDueOn
      request { firstName preferredMentorGender languages { language proficiency } availability { weekday startTime endTime } municipality { code } }
      mentor { firstName lastName gender languages { language proficiency } municipality { code } }
      checkIns { occurredOn kind outcome note }
    } }
  }
}";

#[tokio::test]
async fn a_coordinator_reads_the_pool_its_matches_their_people_and_check_ins() {
    let app = TestApp::spawn().await;
    let olten = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let pool = mentoring::pool(&app.db, olten, false).await;
    let token = app.coordinator_of("SO-D-OLTEN").await;
    let mentor = mentoring::mentor(
        &app.db,
        pool,
        Person {
            languages: vec![("de", Proficiency::Native), ("ti", Proficiency::Fluent)],
            ..Person::default()
        },
    )
    .await;
    let request = mentoring::request(
        &app.db,
        pool,
        Person {
            gender: Some(Gender::Female),
            languages: vec![("ti", Proficiency::Native)],
            ..Person::default()
        },
        4,
    )
    .await;
    let id = mentoring::a_match(&app.db, request, mentor, MatchStatus::Accepted).await;
    // Proposed three weeks ago.
    entity::mentor_match::Entity::update_many()
        .col_expr(
            entity::mentor_match::Column::ProposedAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::days(21)),
        )
        .filter(entity::mentor_match::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
    let match_id = gid(NodeType::MentorMatch, id);
    // The pair met last week; the coordinator records it today.
    let met_on = (chrono::Utc::now() - chrono::Duration::days(7)).date_naive();
    let started = app
        .data_as(
            Some(&token),
            "mutation($x: ID!, $d: Date!) { startMatch(id: $x, startedOn: $d) { status startedAt reviewDueOn } }",
            json!({ "x": match_id, "d": met_on }),
        )
        .await;
    assert_eq!(started["startMatch"]["status"], "ACTIVE");
    assert!(
        started["startMatch"]["startedAt"]
            .as_str()
            .unwrap()
            .starts_with(&met_on.to_string())
    );
    let future = app
        .graphql_as(
            Some(&token),
            "mutation($x: ID!, $d: Date!) { startMatch(id: $x, startedOn: $d) { status } }",
            json!({ "x": match_id, "d": chrono::Utc::now().date_naive() + chrono::Duration::days(3) }),
        )
        .await;
    assert_eq!(
        tests::error_code(&future),
        Some("BAD_USER_INPUT"),
        "{future}"
    );
    app.data_as(
        Some(&token),
        "mutation($x: ID!, $d: Date!) { recordCheckIn(matchId: $x, input: { occurredOn: $d, kind: CALL, outcome: GOOD, note: \"Trifft sich wöchentlich\" }) { id } }",
        json!({ "x": match_id, "d": chrono::Utc::now().date_naive() }),
    )
    .await;

    let far = chrono::Utc::now().date_naive() + chrono::Duration::days(400);
    let read = app
        .data_as(
            Some(&token),
            MATCH_DETAILS,
            json!({ "p": gid(NodeType::MentoringPool, pool), "before": far }),
        )
        .await;
    assert_eq!(read["mentoringPool"]["region"]["code"], "SO-D-OLTEN");
    assert_eq!(read["matches"]["totalCount"], 1, "{read}");
    let node = &read["matches"]["edges"][0]["node"];
    assert_eq!(node["request"]["preferredMentorGender"], "FEMALE");
    assert_eq!(
        node["request"]["languages"],
        json!([{ "language": "ti", "proficiency": "NATIVE" }])
    );
    assert_eq!(node["request"]["availability"][0]["weekday"], 2);
    assert_eq!(node["request"]["municipality"]["code"], "2581");
    assert_eq!(node["mentor"]["lastName"], "Mentor");
    assert_eq!(node["mentor"]["gender"], "FEMALE");
    assert_eq!(node["mentor"]["languages"].as_array().unwrap().len(), 2);
    assert_eq!(
        node["checkIns"],
        json!([{ "occurredOn": chrono::Utc::now().date_naive(), "kind": "CALL", "outcome": "GOOD", "note": "Trifft sich wöchentlich" }])
    );
    // Reviews due before a near day: none yet.
    let soon = app
        .data_as(
            Some(&token),
            MATCH_DETAILS,
            json!({ "p": gid(NodeType::MentoringPool, pool), "before": chrono::Utc::now().date_naive() }),
        )
        .await;
    assert_eq!(soon["matches"]["totalCount"], 0);
}

#[tokio::test]
async fn every_record_resolves_by_node_for_whoever_may_read_it_and_for_nobody_else() {
    let app = TestApp::spawn().await;
    let olten = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let pool = mentoring::pool(&app.db, olten, false).await;
    let mentor = mentoring::mentor(&app.db, pool, Person::default()).await;
    let request = mentoring::request(&app.db, pool, Person::default(), 2).await;
    let a_match = mentoring::a_match(&app.db, request, mentor, MatchStatus::Active).await;
    let coordinator = app.coordinator_of("SO-D-OLTEN").await;
    let stranger = app.coordinator_of("SO-D-THAL").await;
    let admin = app.admin().await.token;
    let check_in = app
        .data_as(
            Some(&coordinator),
            "mutation($x: ID!, $d: Date!) { recordCheckIn(matchId: $x, input: { occurredOn: $d, kind: VISIT, outcome: GOOD }) { id } }",
            json!({ "x": gid(NodeType::MentorMatch, a_match), "d": chrono::Utc::now().date_naive() }),
        )
        .await["recordCheckIn"]["id"]
        .clone();
    let me = app
        .data_as(Some(&coordinator), "{ me { account { id } } }", json!({}))
        .await["me"]["account"]["id"]
        .clone();
    let audit = app
        .data_as(
            Some(&admin),
            "{ auditLog(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await["auditLog"]["edges"][0]["node"]["id"]
        .clone();
    let ids: Vec<(Value, &str, bool)> = vec![
        (json!(gid(NodeType::Mentor, mentor)), "Mentor", true),
        (
            json!(gid(NodeType::MentoringRequest, request)),
            "MentoringRequest",
            true,
        ),
        (
            json!(gid(NodeType::MentorMatch, a_match)),
            "MentorMatch",
            true,
        ),
        (
            json!(gid(NodeType::MentoringPool, pool)),
            "MentoringPool",
            true,
        ),
        (check_in, "MatchCheckIn", true),
        (me, "Account", true),
        (audit, "AuditEntry", false),
    ];
    let query = "query($id: ID!) { node(id: $id) { __typename id } }";
    for (id, typename, coordinator_reads) in ids {
        let as_admin = app.data_as(Some(&admin), query, json!({ "id": id })).await;
        assert_eq!(as_admin["node"]["__typename"], typename, "{id}");
        assert_eq!(as_admin["node"]["id"], id);
        let as_coordinator = app
            .data_as(Some(&coordinator), query, json!({ "id": id }))
            .await;
        assert_eq!(
            as_coordinator["node"].is_object(),
            coordinator_reads,
            "{typename} for its pool's coordinator"
        );
        for other in [Some(stranger.as_str()), None] {
            let hidden = app.data_as(other, query, json!({ "id": id })).await;
            assert!(hidden["node"].is_null(), "{typename} leaked: {hidden}");
        }
    }
}

/// Sends `query` and returns its `data`, failing with the answer when it has errors.
async fn step(app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> Value {
    app.data_as(token, query, variables).await
}

#[tokio::test]
async fn a_coordinators_whole_day_runs_through_the_api_alone() {
    let app = TestApp::spawn().await;
    // Set up by the canton once: the region's pool and its coordinator's account.
    let region = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    mentoring::pool(&app.db, region, false).await;
    let coordinator = app.coordinator_of("SO-D-OLTEN").await;
    let me = Some(coordinator.as_str());
    let today = chrono::Utc::now().date_naive();

    // Intake: the newcomer's app finds the municipality by postcode; a volunteer applies.
    let olten = step(
        &app,
        None,
        "{ region(postcode: \"4600\") { id } }",
        json!({}),
    )
    .await["region"]["id"]
        .clone();
    let request = step(
        &app,
        None,
        "mutation($m: ID!) { requestMentor(input: { firstName: \"Senait\", municipalityId: $m, languages: [{ language: \"ti\", proficiency: NATIVE }], availability: [{ weekday: 2, startTime: \"18:00:00\", endTime: \"20:00:00\" }], topics: [\"PAPERWORK\"], preferredMentorGender: FEMALE, consent: true }) { id poolId } }",
        json!({ "m": olten }),
    )
    .await["requestMentor"]
        .clone();
    let pool = request["poolId"].clone();
    let mut mentors = Vec::new();
    for (first, gender) in [("Rahel", "FEMALE"), ("Mirjam", "FEMALE")] {
        let applied = step(
            &app,
            None,
            "mutation($m: ID!, $f: String!, $g: Gender!) { applyAsMentor(input: { firstName: $f, lastName: \"Studer\", email: \"mentor@example.org\", gender: $g, municipalityId: $m, languages: [{ language: \"de\", proficiency: NATIVE }, { language: \"ti\", proficiency: FLUENT }], availability: [{ weekday: 2, startTime: \"17:00:00\", endTime: \"21:00:00\" }], topics: [\"PAPERWORK\"], consent: true }) { id poolId } }",
            json!({ "m": olten, "f": first, "g": gender }),
        )
        .await["applyAsMentor"]
            .clone();
        assert_eq!(applied["poolId"], pool);
        mentors.push(applied["id"].clone());
    }

    // Screening: the pool's applicants, their three steps, then active.
    let applicants = step(
        &app,
        me,
        "query($p: ID!) { mentors(poolId: $p, filter: { statuses: [APPLIED] }) { totalCount } }",
        json!({ "p": pool }),
    )
    .await;
    assert_eq!(applicants["mentors"]["totalCount"], 2);
    for mentor in &mentors {
        for step_name in ["INTRO_TRAINING", "POLICE_RECORD", "CODE_OF_CONDUCT"] {
            step(
                &app,
                me,
                "mutation($x: ID!, $s: ScreeningStep!, $d: Date!) { screenMentor(id: $x, step: $s, on: $d) { id } }",
                json!({ "x": mentor, "s": step_name, "d": today }),
            )
            .await;
        }
        let active = step(
            &app,
            me,
            "mutation($x: ID!) { setMentorStatus(id: $x, status: ACTIVE) { status } }",
            json!({ "x": mentor }),
        )
        .await;
        assert_eq!(active["setMentorStatus"]["status"], "ACTIVE");
    }

    // Candidates with reasons that say what is known, and the pool's proposal.
    let candidates = step(
        &app,
        me,
        "query($r: ID!) { mentorCandidates(requestId: $r) { mentor { id firstName } reasons { criterion explanation } } }",
        json!({ "r": request["id"] }),
    )
    .await;
    let ranked = candidates["mentorCandidates"].as_array().unwrap();
    assert_eq!(ranked.len(), 2, "{candidates}");
    let reasons = ranked[0]["reasons"].as_array().unwrap();
    let said = |criterion: &str| {
        reasons
            .iter()
            .find(|r| r["criterion"] == criterion)
            .map(|r| r["explanation"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        said("distance").as_deref(),
        Some("live in the same municipality")
    );
    assert_eq!(
        said("preference").as_deref(),
        Some("a woman, as the newcomer asked")
    );
    let proposal = step(
        &app,
        me,
        "query($p: ID!) { proposePoolMatches(poolId: $p) { pairs { request { id } mentor { id } } unmatchedRequests { request { id } } } }",
        json!({ "p": pool }),
    )
    .await;
    assert_eq!(
        proposal["proposePoolMatches"]["pairs"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Lifecycle: proposed, accepted, started (the first meeting was today), a check-in, the
    // review list.
    let first_mentor = ranked[0]["mentor"]["id"].clone();
    let other_mentor = ranked[1]["mentor"]["id"].clone();
    let proposed = step(
        &app,
        me,
        "mutation($r: ID!, $m: ID!) { proposeMatch(requestId: $r, mentorId: $m) { id } }",
        json!({ "r": request["id"], "m": first_mentor }),
    )
    .await["proposeMatch"]["id"]
        .clone();
    step(
        &app,
        me,
        "mutation($x: ID!) { acceptMatch(id: $x) { status } }",
        json!({ "x": proposed }),
    )
    .await;
    step(
        &app,
        me,
        "mutation($x: ID!, $d: Date!) { startMatch(id: $x, startedOn: $d) { status } }",
        json!({ "x": proposed, "d": today }),
    )
    .await;
    step(
        &app,
        me,
        "mutation($x: ID!, $d: Date!) { recordCheckIn(matchId: $x, input: { occurredOn: $d, kind: MEETING, outcome: CONCERN, note: \"Termine schwierig\" }) { id } }",
        json!({ "x": proposed, "d": today }),
    )
    .await;
    let due = step(
        &app,
        me,
        "query($p: ID!, $d: Date!) { matches(poolId: $p, filter: { statuses: [ACTIVE], reviewDueBefore: $d }) { totalCount edges { node { reviewDueOn request { firstName } mentor { firstName } checkIns { outcome note } } } } }",
        json!({ "p": pool, "d": today + chrono::Duration::days(366) }),
    )
    .await;
    assert_eq!(due["matches"]["totalCount"], 1, "{due}");
    let node = &due["matches"]["edges"][0]["node"];
    assert_eq!(node["request"]["firstName"], "Senait");
    assert_eq!(
        node["checkIns"],
        json!([{ "outcome": "CONCERN", "note": "Termine schwierig" }])
    );

    // The pair does not work out: ended, the request reopened and matched anew.
    step(
        &app,
        me,
        "mutation($x: ID!) { endMatch(id: $x, reason: MISMATCH, rating: 2) { status } }",
        json!({ "x": proposed }),
    )
    .await;
    let reopened = step(
        &app,
        me,
        "mutation($r: ID!) { reopenMentoringRequest(id: $r) { status } }",
        json!({ "r": request["id"] }),
    )
    .await;
    assert_eq!(reopened["reopenMentoringRequest"]["status"], "OPEN");
    let second = step(
        &app,
        me,
        "mutation($r: ID!, $m: ID!) { proposeMatch(requestId: $r, mentorId: $m) { id } }",
        json!({ "r": request["id"], "m": other_mentor }),
    )
    .await["proposeMatch"]["id"]
        .clone();
    for mutation in [
        "mutation($x: ID!) { acceptMatch(id: $x) { status } }",
        "mutation($x: ID!) { startMatch(id: $x) { status } }",
    ] {
        step(&app, me, mutation, json!({ "x": second })).await;
    }

    // The mentor leaves and asks to be erased: the newcomer waits again, history kept.
    let erased = step(
        &app,
        me,
        "mutation($m: ID!) { eraseMentor(id: $m) }",
        json!({ "m": other_mentor }),
    )
    .await;
    assert_eq!(erased["eraseMentor"], true);
    let after = step(
        &app,
        me,
        "query($r: ID!, $p: ID!) { node(id: $r) { ... on MentoringRequest { status } } matches(poolId: $p, filter: { requestId: $r }) { edges { node { status endReason } } } }",
        json!({ "r": request["id"], "p": pool }),
    )
    .await;
    assert_eq!(after["node"]["status"], "OPEN");
    let mut history: Vec<(String, String)> = after["matches"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node"]["status"].as_str().unwrap().to_owned(),
                e["node"]["endReason"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    history.sort();
    assert_eq!(
        history,
        vec![
            ("ENDED".to_owned(), "MENTOR_LEFT".to_owned()),
            ("ENDED".to_owned(), "MISMATCH".to_owned())
        ]
    );
}
