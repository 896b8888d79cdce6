//! Defects a coordinator and a provider hit, each reproduced: the pool-wide proposal that
//! dropped pairs of mentors with several places, edits that failed on values the caller
//! never sent, and a rating out of range that answered with an internal error.

use std::collections::HashMap;

use angebotsplattform::graphql::relay::NodeType;
use entity::types::{MatchStatus, Proficiency};
use serde_json::{Value, json};
use tests::mentoring::{self, Person};
use tests::{TestApp, error_code, fixtures};

use crate::ids::gid;

const PROPOSAL: &str = "query($p: ID!) { proposePoolMatches(poolId: $p) {
  totalScore
  pairs { score request { id } mentor { id capacity } }
  unmatchedRequests { request { id } reason }
} }";

const OPEN_REQUESTS: &str = "query($p: ID!, $after: String) {
  mentoringRequests(poolId: $p, filter: { statuses: [OPEN] }, first: 100, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } }
}";

const LIVE_MATCHES: &str = "query($p: ID!, $after: String) {
  matches(poolId: $p, filter: { statuses: [PROPOSED, ACCEPTED, ACTIVE] }, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { mentorId } } }
}";

/// Live matches per mentor of a pool.
async fn load(app: &TestApp, token: &str, pool: &Value) -> HashMap<String, u64> {
    let mut load = HashMap::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .data_as(
                Some(token),
                LIVE_MATCHES,
                json!({ "p": pool, "after": after }),
            )
            .await;
        for edge in page["matches"]["edges"].as_array().unwrap() {
            *load
                .entry(edge["node"]["mentorId"].as_str().unwrap().to_owned())
                .or_insert(0) += 1;
        }
        if page["matches"]["pageInfo"]["hasNextPage"] != true {
            return load;
        }
        after = page["matches"]["pageInfo"]["endCursor"].clone();
    }
}

/// Checks the proposal's invariants for a pool: every open request is either paired or
/// unmatched (exactly once), the pairs' scores add up to the total, and no mentor gets
/// more pairs than free places.
async fn proposal_holds(app: &TestApp, token: &str, pool: &Value) -> usize {
    let proposal = app
        .data_as(Some(token), PROPOSAL, json!({ "p": pool }))
        .await["proposePoolMatches"]
        .clone();
    let open = app
        .data_as(
            Some(token),
            OPEN_REQUESTS,
            json!({ "p": pool, "after": null }),
        )
        .await["mentoringRequests"]["totalCount"]
        .as_u64()
        .unwrap();
    let pairs = proposal["pairs"].as_array().unwrap();
    let unmatched = proposal["unmatchedRequests"].as_array().unwrap();
    assert_eq!(
        (pairs.len() + unmatched.len()) as u64,
        open,
        "pairs + unmatched = open requests in {pool}: {proposal}"
    );
    let mut requests: Vec<&str> = pairs
        .iter()
        .map(|p| p["request"]["id"].as_str().unwrap())
        .chain(
            unmatched
                .iter()
                .map(|u| u["request"]["id"].as_str().unwrap()),
        )
        .collect();
    requests.sort_unstable();
    let before = requests.len();
    requests.dedup();
    assert_eq!(requests.len(), before, "a request appears once");
    let sum: f64 = pairs.iter().map(|p| p["score"].as_f64().unwrap()).sum();
    let total = proposal["totalScore"].as_f64().unwrap();
    assert!(
        (sum - total).abs() < 1e-6,
        "Σ pair scores {sum} ≠ totalScore {total}"
    );
    let live = load(app, token, pool).await;
    let mut placed: HashMap<&str, (u64, u64)> = HashMap::new();
    for pair in pairs {
        let mentor = pair["mentor"]["id"].as_str().unwrap();
        let entry = placed
            .entry(mentor)
            .or_insert((0, pair["mentor"]["capacity"].as_u64().unwrap()));
        entry.0 += 1;
    }
    for (mentor, (count, capacity)) in placed {
        let already = live.get(mentor).copied().unwrap_or(0);
        assert!(
            count + already <= capacity,
            "mentor {mentor} over capacity: {count} new + {already} live > {capacity}"
        );
    }
    pairs.len()
}

#[tokio::test]
async fn the_proposal_holds_its_invariants_on_every_demo_pool() {
    let app = TestApp::spawn_with_demo().await;
    let admin = app.admin().await.token;
    let pools = app
        .data_as(Some(&admin), "{ mentoringPools { id } }", json!({}))
        .await;
    let pools = pools["mentoringPools"].as_array().unwrap().clone();
    assert_eq!(pools.len(), 5);
    let mut paired = 0;
    for pool in &pools {
        paired += proposal_holds(&app, &admin, &pool["id"]).await;
    }
    assert!(paired > 0, "the demo pools pair someone");
}

/// A small deterministic generator, so a failing pool can be made again.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

#[tokio::test]
async fn the_proposal_holds_its_invariants_on_random_pools() {
    const LANGUAGES: [&str; 5] = ["ti", "ar", "fa", "uk", "tr"];
    const HOMES: [&str; 4] = ["2581", "2601", "2546", "2500"];
    let app = TestApp::spawn().await;
    let region = fixtures::region_id(&app.db, "SO").await;
    let admin = app.admin().await.token;
    for seed in 1..=3 {
        let mut rng = Lcg(seed);
        let pool = mentoring::pool(&app.db, region, false).await;
        let person = |rng: &mut Lcg, capacity: i32| Person {
            gender: None,
            languages: vec![
                ("de", Proficiency::Basic),
                (LANGUAGES[rng.below(5) as usize], Proficiency::Native),
            ],
            home: Some(HOMES[rng.below(4) as usize]),
            times: vec![(1 + rng.below(5) as i16, 17, 20)],
            topics: vec!["PAPERWORK"],
            capacity,
        };
        let mut mentors = Vec::new();
        for _ in 0..15 {
            let capacity = 1 + rng.below(3) as i32;
            mentors.push(mentoring::mentor(&app.db, pool, person(&mut rng, capacity)).await);
        }
        for _ in 0..30 {
            mentoring::request(&app.db, pool, person(&mut rng, 1), rng.below(60) as i64).await;
        }
        // Some mentors already accompany someone: their load counts against their places.
        for mentor in mentors.iter().take(4) {
            let busy = mentoring::request(&app.db, pool, person(&mut rng, 1), 90).await;
            mentoring::a_match(&app.db, busy, *mentor, MatchStatus::Proposed).await;
        }
        proposal_holds(&app, &admin, &json!(gid(NodeType::MentoringPool, pool))).await;
    }
}

#[tokio::test]
async fn a_rating_out_of_range_is_bad_input_with_its_field() {
    let app = TestApp::spawn().await;
    let region = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let pool = mentoring::pool(&app.db, region, false).await;
    let mentor = mentoring::mentor(&app.db, pool, Person::default()).await;
    let request = mentoring::request(&app.db, pool, Person::default(), 3).await;
    let id = mentoring::a_match(&app.db, request, mentor, MatchStatus::Active).await;
    let admin = app.admin().await.token;
    for rating in [7, 0, -1, 100_000] {
        let refused = app
            .graphql_as(
                Some(&admin),
                "mutation($x: ID!, $r: Int) { endMatch(id: $x, reason: COMPLETED, rating: $r) { status } }",
                json!({ "x": gid(NodeType::MentorMatch, id), "r": rating }),
            )
            .await;
        assert_eq!(
            error_code(&refused),
            Some("BAD_USER_INPUT"),
            "{rating}: {refused}"
        );
        assert_eq!(
            refused["errors"][0]["extensions"]["fields"][0]["field"], "rating",
            "{refused}"
        );
    }
    let ended = app
        .data_as(
            Some(&admin),
            "mutation($x: ID!) { endMatch(id: $x, reason: COMPLETED, rating: 5) { status } }",
            json!({ "x": gid(NodeType::MentorMatch, id) }),
        )
        .await;
    assert_eq!(ended["endMatch"]["status"], "ENDED");
}

#[tokio::test]
async fn every_demo_offer_takes_an_edit_of_one_field() {
    let app = TestApp::spawn_with_demo().await;
    let admin = app.admin().await.token;
    let mut after = Value::Null;
    let mut edited = 0;
    loop {
        let page = app
            .data_as(
                Some(&admin),
                "query($after: String) { offers(filter: { statuses: [DRAFT, IN_REVIEW, PUBLISHED] }, first: 100, after: $after) {
                    pageInfo { hasNextPage endCursor }
                    edges { node { id version online accessibility targetGroups level } } } }",
                json!({ "after": after }),
            )
            .await;
        for edge in page["offers"]["edges"].as_array().unwrap() {
            let offer = &edge["node"];
            let updated = app
                .graphql_as(
                    Some(&admin),
                    "mutation($o: ID!, $v: Int!, $online: Boolean!) { updateOffer(id: $o, input: { online: $online }, expectedVersion: $v) { accessibility targetGroups level version } }",
                    json!({ "o": offer["id"], "v": offer["version"], "online": offer["online"] }),
                )
                .await;
            assert!(updated.get("errors").is_none(), "{offer}: {updated}");
            let after_edit = &updated["data"]["updateOffer"];
            for field in ["accessibility", "targetGroups", "level"] {
                assert_eq!(after_edit[field], offer[field], "{field} was rewritten");
            }
            edited += 1;
        }
        if page["offers"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["offers"]["pageInfo"]["endCursor"].clone();
    }
    assert!(edited > 250, "{edited} offers edited");
}

#[tokio::test]
async fn codes_in_other_spellings_are_read_in_their_one_form() {
    let app = TestApp::spawn().await;
    let provider = fixtures::provider(&app.db, "Verein").await;
    let admin = app.admin().await.token;
    let created = app
        .data_as(
            Some(&admin),
            "mutation($p: ID!) { createOffer(input: { providerId: $p, kind: COURSE, defaultLocale: \"de\", translations: [{ locale: \"de\", title: \"Deutschkurs\" }], categoryCodes: [\"language\"], cost: { kind: FREE }, accessibility: [\"HEARING_LOOP\", \"Wheelchair Access\", \"hearing-loop\"], targetGroups: [\"JOB_SEEKERS\"] }) { accessibility targetGroups } }",
            json!({ "p": crate::ids::provider_gid(provider) }),
        )
        .await;
    assert_eq!(
        created["createOffer"],
        json!({ "accessibility": ["hearing-loop", "wheelchair-access"], "targetGroups": ["job-seekers"] })
    );
}
