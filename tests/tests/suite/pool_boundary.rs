//! The boundary between mentoring pools: a coordinator cannot open their pool to its
//! neighbours or widen its reach, sees a neighbouring pool's volunteer without last name
//! or contact, and can only borrow that volunteer with the owning pool's consent.

use angebotsplattform::graphql::relay::NodeType;
use serde_json::{Value, json};
use tests::mentoring::{self, Person};
use tests::{TestApp, error_code, fixtures};
use uuid::Uuid;

use crate::ids::gid;

struct Pools {
    /// Serves the district of Olten; its mentor lives in Olten.
    lender: Uuid,
    /// Serves the district of Gösgen, next door; its newcomer lives in Olten too.
    borrower: Uuid,
    mentor: Uuid,
    request: Uuid,
    lender_coordinator: String,
    borrower_coordinator: String,
}

async fn pools(app: &TestApp, borrower_open: bool) -> Pools {
    let olten = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let gosgen = fixtures::region_id(&app.db, "SO-D-GOESGEN").await;
    let lender = mentoring::pool(&app.db, olten, false).await;
    let borrower = mentoring::pool(&app.db, gosgen, borrower_open).await;
    Pools {
        lender,
        borrower,
        mentor: mentoring::mentor(&app.db, lender, Person::default()).await,
        request: mentoring::request(&app.db, borrower, Person::default(), 5).await,
        lender_coordinator: app.coordinator_of("SO-D-OLTEN").await,
        borrower_coordinator: app.coordinator_of("SO-D-GOESGEN").await,
    }
}

const UPDATE_POOL: &str = "mutation($x: ID!, $i: MentoringPoolInput!) { updateMentoringPool(id: $x, input: $i) { allowNeighbouringRegions matchingWeights { neighbourKm } } }";
const CANDIDATES: &str = "query($r: ID!) { mentorCandidates(requestId: $r) { mentor { id poolId firstName lastName email phone } } }";
const PROPOSE: &str = "mutation($r: ID!, $m: ID!) { proposeMatch(requestId: $r, mentorId: $m) { id status mentorPoolConsent } }";

#[tokio::test]
async fn opening_a_pool_and_its_reach_are_admin_decisions() {
    let app = TestApp::spawn().await;
    let pools = pools(&app, false).await;
    let pool = gid(NodeType::MentoringPool, pools.borrower);
    for input in [
        json!({ "allowNeighbouringRegions": true }),
        json!({ "matchingWeights": { "neighbourKm": 500 } }),
        json!({ "matchingWeights": { "neighbourKm": 20 } }),
    ] {
        let refused = app
            .graphql_as(
                Some(&pools.borrower_coordinator),
                UPDATE_POOL,
                json!({ "x": pool, "i": input }),
            )
            .await;
        assert_eq!(
            error_code(&refused),
            Some("FORBIDDEN"),
            "{input}: {refused}"
        );
    }
    // Sending the current values back, as a settings form does, is not a change.
    let unchanged = app
        .data_as(
            Some(&pools.borrower_coordinator),
            UPDATE_POOL,
            json!({ "x": pool, "i": { "allowNeighbouringRegions": false, "matchingWeights": { "neighbourKm": 15, "language": 4 } } }),
        )
        .await;
    assert_eq!(
        unchanged["updateMentoringPool"]["allowNeighbouringRegions"],
        false
    );
    let admin = app.admin().await.token;
    let too_far = app
        .graphql_as(
            Some(&admin),
            UPDATE_POOL,
            json!({ "x": pool, "i": { "matchingWeights": { "neighbourKm": 500 } } }),
        )
        .await;
    assert_eq!(error_code(&too_far), Some("BAD_USER_INPUT"), "{too_far}");
    let opened = app
        .data_as(
            Some(&admin),
            UPDATE_POOL,
            json!({ "x": pool, "i": { "allowNeighbouringRegions": true, "matchingWeights": { "neighbourKm": 20 } } }),
        )
        .await;
    assert_eq!(
        opened["updateMentoringPool"],
        json!({ "allowNeighbouringRegions": true, "matchingWeights": { "neighbourKm": 20.0 } })
    );
}

#[tokio::test]
async fn a_neighbouring_pools_volunteer_is_shown_without_name_or_contact() {
    let app = TestApp::spawn().await;
    let pools = pools(&app, true).await;
    let request = gid(NodeType::MentoringRequest, pools.request);
    let candidates = app
        .data_as(
            Some(&pools.borrower_coordinator),
            CANDIDATES,
            json!({ "r": request }),
        )
        .await;
    let listed = candidates["mentorCandidates"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{candidates}");
    assert_eq!(
        listed[0]["mentor"],
        json!({
            "id": gid(NodeType::Mentor, pools.mentor),
            "poolId": gid(NodeType::MentoringPool, pools.lender),
            "firstName": "Test",
            "lastName": null,
            "email": null,
            "phone": null,
        })
    );
    // An admin sees the whole record.
    let admin = app.admin().await.token;
    let whole = app
        .data_as(Some(&admin), CANDIDATES, json!({ "r": request }))
        .await;
    assert_eq!(whole["mentorCandidates"][0]["mentor"]["lastName"], "Mentor");
    assert!(whole["mentorCandidates"][0]["mentor"]["email"].is_string());
    // A closed pool sees nobody from next door.
    let closed = pools_closed_candidates(&app).await;
    assert_eq!(closed, json!([]));
}

async fn pools_closed_candidates(app: &TestApp) -> Value {
    let pools = pools(app, false).await;
    let candidates = app
        .data_as(
            Some(&pools.borrower_coordinator),
            CANDIDATES,
            json!({ "r": gid(NodeType::MentoringRequest, pools.request) }),
        )
        .await;
    candidates["mentorCandidates"].clone()
}

#[tokio::test]
async fn borrowing_a_volunteer_waits_for_the_owning_pools_consent() {
    let app = TestApp::spawn().await;
    let pools = pools(&app, true).await;
    let vars = json!({
        "r": gid(NodeType::MentoringRequest, pools.request),
        "m": gid(NodeType::Mentor, pools.mentor),
    });
    let proposed = app
        .data_as(Some(&pools.borrower_coordinator), PROPOSE, vars)
        .await;
    let id = proposed["proposeMatch"]["id"].as_str().unwrap().to_owned();
    assert_eq!(proposed["proposeMatch"]["status"], "PROPOSED");
    assert_eq!(proposed["proposeMatch"]["mentorPoolConsent"], "PENDING");

    let accept = "mutation($x: ID!) { acceptMatch(id: $x) { status } }";
    let early = app
        .graphql_as(
            Some(&pools.borrower_coordinator),
            accept,
            json!({ "x": id }),
        )
        .await;
    assert_eq!(error_code(&early), Some("CONFLICT"), "{early}");
    let consent = "mutation($x: ID!) { consentToMatch(id: $x) { mentorPoolConsent } }";
    let self_consent = app
        .graphql_as(
            Some(&pools.borrower_coordinator),
            consent,
            json!({ "x": id }),
        )
        .await;
    assert_eq!(
        error_code(&self_consent),
        Some("FORBIDDEN"),
        "{self_consent}"
    );

    // The owning pool sees what waits for it, and agrees.
    let waiting = app
        .data_as(
            Some(&pools.lender_coordinator),
            "query($p: ID!) { matches(poolId: $p, filter: { mentorPoolConsents: [PENDING] }) { totalCount edges { node { id mentorId } } } }",
            json!({ "p": gid(NodeType::MentoringPool, pools.lender) }),
        )
        .await;
    assert_eq!(waiting["matches"]["totalCount"], 1, "{waiting}");
    assert_eq!(waiting["matches"]["edges"][0]["node"]["id"], id.as_str());
    let given = app
        .data_as(Some(&pools.lender_coordinator), consent, json!({ "x": id }))
        .await;
    assert_eq!(given["consentToMatch"]["mentorPoolConsent"], "GIVEN");
    // The owning pool does not run the match.
    let start = app
        .graphql_as(
            Some(&pools.lender_coordinator),
            "mutation($x: ID!) { startMatch(id: $x) { status } }",
            json!({ "x": id }),
        )
        .await;
    assert_eq!(error_code(&start), Some("FORBIDDEN"), "{start}");
    let accepted = app
        .data_as(
            Some(&pools.borrower_coordinator),
            accept,
            json!({ "x": id }),
        )
        .await;
    assert_eq!(accepted["acceptMatch"]["status"], "ACCEPTED");
}

#[tokio::test]
async fn the_owning_pool_may_refuse_and_admins_need_no_consent() {
    let app = TestApp::spawn().await;
    let pools = pools(&app, true).await;
    let vars = json!({
        "r": gid(NodeType::MentoringRequest, pools.request),
        "m": gid(NodeType::Mentor, pools.mentor),
    });
    let proposed = app
        .data_as(Some(&pools.borrower_coordinator), PROPOSE, vars.clone())
        .await;
    let id = proposed["proposeMatch"]["id"].as_str().unwrap().to_owned();
    let refused = app
        .data_as(
            Some(&pools.lender_coordinator),
            "mutation($x: ID!) { declineMatch(id: $x) { status mentorPoolConsent } }",
            json!({ "x": id }),
        )
        .await;
    assert_eq!(
        refused["declineMatch"],
        json!({ "status": "DECLINED", "mentorPoolConsent": "REFUSED" })
    );

    let second = mentoring::request(&app.db, pools.borrower, Person::default(), 2).await;
    let admin = app.admin().await.token;
    let by_admin = app
        .data_as(
            Some(&admin),
            PROPOSE,
            json!({
                "r": gid(NodeType::MentoringRequest, second),
                "m": gid(NodeType::Mentor, pools.mentor),
            }),
        )
        .await;
    assert_eq!(by_admin["proposeMatch"]["mentorPoolConsent"], "NOT_NEEDED");
}

#[tokio::test]
async fn a_closed_pool_cannot_propose_a_neighbours_volunteer() {
    let app = TestApp::spawn().await;
    let pools = pools(&app, false).await;
    let refused = app
        .graphql_as(
            Some(&pools.borrower_coordinator),
            PROPOSE,
            json!({
                "r": gid(NodeType::MentoringRequest, pools.request),
                "m": gid(NodeType::Mentor, pools.mentor),
            }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("NOT_FOUND"), "{refused}");
}
