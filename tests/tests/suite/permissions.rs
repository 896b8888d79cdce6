//! The permission matrix: every mutation against every kind of caller, from one table, so
//! that no cell can be forgotten. Each cell gets fresh records to act on.

use angebotsplattform::auth::secret;
use angebotsplattform::clock;
use angebotsplattform::graphql::relay::NodeType;
use entity::types::{MatchStatus, OfferStatus, Role};
use entity::{invitation, provider};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tests::TestApp;
use tests::accounts::{Staff, TestScope};
use tests::fixtures::{self, OfferSpec};
use tests::mentoring::{self, Person};
use uuid::Uuid;

use crate::ids::{gid, offer_gid, provider_gid};

/// The callers of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    /// Edits provider A (untrusted).
    EditorA,
    /// Edits provider B (trusted: may publish and reject its own offers).
    EditorB,
    Coordinator,
    Admin,
}

const CALLERS: [Caller; 5] = [
    Caller::Anonymous,
    Caller::EditorA,
    Caller::EditorB,
    Caller::Coordinator,
    Caller::Admin,
];

/// What a cell expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allowed,
    Unauthenticated,
    Forbidden,
}
use Expect::{Allowed as OK, Forbidden as FB, Unauthenticated as UA};

/// The records the matrix acts on.
struct World {
    provider_a: Uuid,
    provider_b: Uuid,
    /// The coordinator's region; the mentoring records' pool serves it.
    district: Uuid,
    staff: Vec<(Caller, Option<Staff>)>,
}

impl World {
    fn token(&self, caller: Caller) -> Option<String> {
        self.staff
            .iter()
            .find(|(c, _)| *c == caller)
            .and_then(|(_, s)| s.as_ref().map(|s| s.token.clone()))
    }
}

async fn offer_in(app: &TestApp, provider: Uuid, status: OfferStatus) -> Value {
    let mut spec = OfferSpec::new(provider, "Deutsch im Alltag");
    spec.status = status;
    json!(offer_gid(fixtures::offer(&app.db, spec).await))
}

async fn invitation_token(app: &TestApp) -> String {
    let token = secret::generate("inv");
    let now = clock::now();
    invitation::Entity::insert(invitation::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(format!("new-{}@example.org", Uuid::now_v7().simple())),
        role: Set(Role::Admin),
        token_hash: Set(secret::hash(&token)),
        invited_by: Set(None),
        expires_at: Set(now + chrono::Duration::hours(1)),
        accepted_at: Set(None),
        account_id: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(&app.db)
    .await
    .unwrap();
    token
}

/// A fresh pool serving `region`, with a mentor and a request that fit each other.
async fn mentoring_pair(app: &TestApp, region: Uuid) -> (Uuid, Uuid) {
    let pool = mentoring::pool(&app.db, region, false).await;
    let mentor = mentoring::mentor(&app.db, pool, Person::default()).await;
    let request = mentoring::request(&app.db, pool, Person::default(), 3).await;
    (request, mentor)
}

/// One mutation: its document, how to make fresh variables, and the expected outcome per
/// caller in the order of [`CALLERS`].
struct Row {
    name: &'static str,
    query: &'static str,
    expect: [Expect; 5],
}

const ROWS: &[Row] = &[
    Row {
        name: "login",
        query: "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
        expect: [OK, OK, OK, OK, OK],
    },
    Row {
        name: "refreshSession",
        query: "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }",
        expect: [OK, OK, OK, OK, OK],
    },
    Row {
        name: "logout",
        query: "mutation { logout }",
        expect: [UA, OK, OK, OK, OK],
    },
    Row {
        name: "inviteUser",
        query: "mutation($e: String!, $p: ID!) { inviteUser(email: $e, role: PROVIDER_EDITOR, scope: { providerIds: [$p] }) { token } }",
        expect: [UA, FB, FB, FB, OK],
    },
    Row {
        name: "acceptInvitation",
        query: "mutation($t: String!) { acceptInvitation(token: $t, password: \"a long enough password\", displayName: \"New\") { accessToken } }",
        expect: [OK, OK, OK, OK, OK],
    },
    Row {
        name: "createProvider",
        query: "mutation($n: String!) { createProvider(input: { name: $n, kind: NGO }) { id } }",
        expect: [UA, FB, FB, FB, OK],
    },
    Row {
        name: "updateProvider",
        query: "mutation($p: ID!) { updateProvider(id: $p, input: { website: \"https://example.org/neu\" }) { id } }",
        expect: [UA, OK, FB, FB, OK],
    },
    Row {
        name: "updateProvider(trusted)",
        query: "mutation($p: ID!) { updateProvider(id: $p, input: { trusted: true }) { id } }",
        expect: [UA, FB, FB, FB, OK],
    },
    Row {
        name: "createOffer",
        query: "mutation($p: ID!) { createOffer(input: { providerId: $p, kind: COURSE, defaultLocale: \"de\", translations: [{ locale: \"de\", title: \"Deutsch A1\" }], categoryCodes: [\"language\"], cost: { kind: FREE } }) { id } }",
        expect: [UA, OK, FB, FB, OK],
    },
    Row {
        name: "importOffers",
        query: "mutation($p: ID!, $d: String!) { importOffers(providerId: $p, format: CSV, data: $d) { written } }",
        expect: [UA, OK, FB, FB, OK],
    },
    Row {
        name: "updateOffer",
        query: "mutation($o: ID!) { updateOffer(id: $o, expectedVersion: 1, input: { childcare: true }) { id } }",
        expect: [UA, OK, FB, FB, OK],
    },
    Row {
        name: "submitOffer",
        query: "mutation($o: ID!) { submitOffer(id: $o) { status } }",
        expect: [UA, OK, FB, FB, OK],
    },
    Row {
        name: "publishOffer",
        query: "mutation($o: ID!) { publishOffer(id: $o) { status } }",
        expect: [UA, FB, FB, FB, OK],
    },
    Row {
        name: "publishOffer(trusted provider)",
        query: "mutation($o: ID!) { publishOffer(id: $o) { status } }",
        expect: [UA, FB, OK, FB, OK],
    },
    Row {
        name: "rejectOffer",
        query: "mutation($o: ID!) { rejectOffer(id: $o, reason: \"Bitte Zeiten angeben\") { status } }",
        expect: [UA, FB, FB, FB, OK],
    },
    Row {
        name: "rejectOffer(trusted provider)",
        query: "mutation($o: ID!) { rejectOffer(id: $o, reason: \"Bitte Zeiten angeben\") { status } }",
        expect: [UA, FB, OK, FB, OK],
    },
    Row {
        name: "archiveOffer",
        query: "mutation($o: ID!) { archiveOffer(id: $o) { status } }",
        expect: [UA, OK, FB, FB, OK],
    },
    Row {
        name: "createApiClient",
        query: "mutation($n: String!) { createApiClient(name: $n) { key } }",
        expect: [UA, FB, FB, FB, OK],
    },
    Row {
        name: "revokeApiClient",
        query: "mutation($c: ID!) { revokeApiClient(id: $c) { active } }",
        expect: [UA, FB, FB, FB, OK],
    },
    Row {
        name: "updateApiClient",
        query: "mutation($c: ID!) { updateApiClient(id: $c, input: { allowListOnly: true }) { allowListOnly } }",
        expect: [UA, FB, FB, FB, OK],
    },
    Row {
        name: "registerOperation",
        query: "mutation($d: String!) { registerOperation(document: $d) { sha256 } }",
        expect: [UA, FB, FB, FB, OK],
    },
    Row {
        name: "unregisterOperation",
        query: "mutation($h: String!) { unregisterOperation(sha256: $h) { sha256 } }",
        expect: [UA, FB, FB, FB, OK],
    },
    Row {
        name: "setSearchTerms",
        query: "mutation($i: SetSearchTermsInput!) { setSearchTerms(input: $i) { concept } }",
        expect: [UA, FB, FB, FB, OK],
    },
    Row {
        name: "proposeMatch",
        query: "mutation($r: ID!, $m: ID!) { proposeMatch(requestId: $r, mentorId: $m) { status } }",
        expect: [UA, FB, FB, OK, OK],
    },
    Row {
        name: "acceptMatch",
        query: "mutation($x: ID!) { acceptMatch(id: $x) { status } }",
        expect: [UA, FB, FB, OK, OK],
    },
    Row {
        name: "startMatch",
        query: "mutation($x: ID!) { startMatch(id: $x) { status } }",
        expect: [UA, FB, FB, OK, OK],
    },
    Row {
        name: "declineMatch",
        query: "mutation($x: ID!) { declineMatch(id: $x) { status } }",
        expect: [UA, FB, FB, OK, OK],
    },
    Row {
        name: "cancelMatch",
        query: "mutation($x: ID!) { cancelMatch(id: $x) { status } }",
        expect: [UA, FB, FB, OK, OK],
    },
    Row {
        name: "endMatch",
        query: "mutation($x: ID!) { endMatch(id: $x, reason: COMPLETED, evaluation: \"Gut\", rating: 5) { status } }",
        expect: [UA, FB, FB, OK, OK],
    },
    Row {
        name: "applyAsMentor",
        query: "mutation($m: ID!) { applyAsMentor(input: { firstName: \"Eva\", lastName: \"Muster\", email: \"eva@example.org\", municipalityId: $m, languages: [{ language: \"de\", proficiency: NATIVE }], consent: true }) { id } }",
        expect: [OK, OK, OK, OK, OK],
    },
    Row {
        name: "requestMentor",
        query: "mutation($m: ID!) { requestMentor(input: { firstName: \"Amanuel\", municipalityId: $m, languages: [{ language: \"ti\", proficiency: NATIVE }], consent: true }) { id } }",
        expect: [OK, OK, OK, OK, OK],
    },
    Row {
        name: "screenMentor",
        query: "mutation($x: ID!) { screenMentor(id: $x, step: INTRO_TRAINING, on: \"2026-01-15\") { status } }",
        expect: [UA, FB, FB, OK, OK],
    },
    Row {
        name: "setMentorStatus",
        query: "mutation($x: ID!) { setMentorStatus(id: $x, status: PAUSED) { status } }",
        expect: [UA, FB, FB, OK, OK],
    },
    Row {
        name: "recordCheckIn",
        query: "mutation($x: ID!, $d: Date!) { recordCheckIn(matchId: $x, input: { occurredOn: $d, kind: CALL, outcome: GOOD }) { id } }",
        expect: [UA, FB, FB, OK, OK],
    },
    Row {
        name: "eraseMentee",
        query: "mutation($x: ID!) { eraseMentee(id: $x) }",
        expect: [UA, FB, FB, OK, OK],
    },
    Row {
        name: "eraseMentor",
        query: "mutation($x: ID!) { eraseMentor(id: $x) }",
        expect: [UA, FB, FB, OK, OK],
    },
    Row {
        name: "updateMentoringPool",
        query: "mutation($x: ID!) { updateMentoringPool(id: $x, input: { matchingWeights: { language: 5 } }) { id } }",
        expect: [UA, FB, FB, OK, OK],
    },
    Row {
        name: "reopenMentoringRequest",
        query: "mutation($x: ID!) { reopenMentoringRequest(id: $x) { status } }",
        expect: [UA, FB, FB, OK, OK],
    },
    // Opening a pool to its neighbours, and how far it reaches, are the canton's decisions.
    Row {
        name: "updateMentoringPool(open to neighbours)",
        query: "mutation($x: ID!) { updateMentoringPool(id: $x, input: { allowNeighbouringRegions: true }) { id } }",
        expect: [UA, FB, FB, FB, OK],
    },
    Row {
        name: "updateMentoringPool(neighbour reach)",
        query: "mutation($x: ID!) { updateMentoringPool(id: $x, input: { matchingWeights: { neighbourKm: 25 } }) { id } }",
        expect: [UA, FB, FB, FB, OK],
    },
    // The coordinator's pool lends its mentor to a neighbouring pool's request.
    Row {
        name: "consentToMatch",
        query: "mutation($x: ID!) { consentToMatch(id: $x) { mentorPoolConsent } }",
        expect: [UA, FB, FB, OK, OK],
    },
    // A neighbouring pool's coordinator proposes the coordinator's mentor: it waits for the
    // coordinator's consent, so the proposer's side cannot give it.
    Row {
        name: "consentToMatch(by the borrowing pool)",
        query: "mutation($x: ID!) { consentToMatch(id: $x) { mentorPoolConsent } }",
        expect: [UA, FB, FB, FB, OK],
    },
];

/// Fresh variables for one cell of a row.
async fn variables(app: &TestApp, world: &World, row: &str, admin: &str) -> Value {
    let a = world.provider_a;
    let b = world.provider_b;
    match row {
        "login" => {
            let email = format!("login-{}@example.org", Uuid::now_v7().simple());
            angebotsplattform::service::account::create_admin(
                &app.db,
                &app.app.settings,
                &email,
                "Login Test",
                "correct horse battery staple",
            )
            .await
            .unwrap();
            json!({ "e": email, "p": "correct horse battery staple" })
        }
        "refreshSession" => {
            let email = format!("refresh-{}@example.org", Uuid::now_v7().simple());
            angebotsplattform::service::account::create_admin(
                &app.db,
                &app.app.settings,
                &email,
                "Refresh Test",
                "correct horse battery staple",
            )
            .await
            .unwrap();
            let session = app
                .data(
                    "mutation($e: String!) { login(email: $e, password: \"correct horse battery staple\") { refreshToken } }",
                    json!({ "e": email }),
                )
                .await;
            json!({ "t": session["login"]["refreshToken"] })
        }
        "logout" => json!({}),
        "inviteUser" => json!({
            "e": format!("invitee-{}@example.org", Uuid::now_v7().simple()),
            "p": provider_gid(a),
        }),
        "acceptInvitation" => json!({ "t": invitation_token(app).await }),
        "createProvider" => json!({ "n": format!("Verein {}", Uuid::now_v7().simple()) }),
        "updateProvider" | "updateProvider(trusted)" => json!({ "p": provider_gid(a) }),
        "createOffer" => json!({ "p": provider_gid(a) }),
        "importOffers" => json!({
            "p": provider_gid(a),
            "d": format!(
                "externalRef,kind,defaultLocale,title.de,categories,costKind\nK-{},COURSE,de,Deutsch A1,language,FREE\n",
                Uuid::now_v7().simple()
            ),
        }),
        "updateOffer" => json!({ "o": offer_in(app, a, OfferStatus::Draft).await }),
        "submitOffer" => json!({ "o": offer_in(app, a, OfferStatus::Draft).await }),
        "publishOffer" | "rejectOffer" => {
            json!({ "o": offer_in(app, a, OfferStatus::InReview).await })
        }
        "publishOffer(trusted provider)" | "rejectOffer(trusted provider)" => {
            json!({ "o": offer_in(app, b, OfferStatus::InReview).await })
        }
        "archiveOffer" => json!({ "o": offer_in(app, a, OfferStatus::Published).await }),
        "createApiClient" => json!({ "n": format!("App {}", Uuid::now_v7().simple()) }),
        "setSearchTerms" => json!({ "i": {
            "concept": format!("concept-{}", Uuid::now_v7().simple()),
            "locale": "de",
            "terms": [format!("begriff{}", Uuid::now_v7().simple())],
        } }),
        "registerOperation" => {
            json!({ "d": format!("query Op{} {{ categories {{ code }} }}", Uuid::now_v7().simple()) })
        }
        "unregisterOperation" => {
            let registered = app
                .data_as(
                    Some(admin),
                    "mutation($d: String!) { registerOperation(document: $d) { sha256 } }",
                    json!({ "d": format!("query Op{} {{ categories {{ label }} }}", Uuid::now_v7().simple()) }),
                )
                .await;
            json!({ "h": registered["registerOperation"]["sha256"] })
        }
        "revokeApiClient" | "updateApiClient" => {
            let created = app
                .data_as(
                    Some(admin),
                    "mutation($n: String!) { createApiClient(name: $n) { client { id } } }",
                    json!({ "n": format!("App {}", Uuid::now_v7().simple()) }),
                )
                .await;
            json!({ "c": created["createApiClient"]["client"]["id"] })
        }
        "proposeMatch" => {
            let (request, mentor) = mentoring_pair(app, world.district).await;
            json!({ "r": gid(NodeType::MentoringRequest, request), "m": gid(NodeType::Mentor, mentor) })
        }
        "acceptMatch" | "startMatch" | "declineMatch" | "cancelMatch" | "endMatch" => {
            let status = match row {
                "acceptMatch" | "declineMatch" | "cancelMatch" => MatchStatus::Proposed,
                "startMatch" => MatchStatus::Accepted,
                _ => MatchStatus::Active,
            };
            let (request, mentor) = mentoring_pair(app, world.district).await;
            let id = mentoring::a_match(&app.db, request, mentor, status).await;
            json!({ "x": gid(NodeType::MentorMatch, id) })
        }
        "applyAsMentor" | "requestMentor" => {
            mentoring_pair(app, world.district).await;
            json!({ "m": gid(NodeType::Region, fixtures::region_id(&app.db, "2581").await) })
        }
        "screenMentor" | "setMentorStatus" | "eraseMentor" => {
            let (_, mentor) = mentoring_pair(app, world.district).await;
            json!({ "x": gid(NodeType::Mentor, mentor) })
        }
        "updateMentoringPool"
        | "updateMentoringPool(open to neighbours)"
        | "updateMentoringPool(neighbour reach)" => {
            let pool = mentoring::pool(&app.db, world.district, false).await;
            json!({ "x": gid(NodeType::MentoringPool, pool) })
        }
        "consentToMatch" | "consentToMatch(by the borrowing pool)" => {
            // One pool in the coordinator's district, one in the next district (Gösgen):
            // the row says which of them borrows the other's mentor.
            let own = mentoring::pool(&app.db, world.district, true).await;
            let gosgen = fixtures::region_id(&app.db, "SO-D-GOESGEN").await;
            let neighbour = mentoring::pool(&app.db, gosgen, true).await;
            let (lender, borrower) = if row == "consentToMatch" {
                (own, neighbour)
            } else {
                (neighbour, own)
            };
            let mentor = mentoring::mentor(&app.db, lender, Person::default()).await;
            let request = mentoring::request(&app.db, borrower, Person::default(), 3).await;
            let id = mentoring::lent_match(&app.db, request, mentor).await;
            json!({ "x": gid(NodeType::MentorMatch, id) })
        }
        "reopenMentoringRequest" => {
            let (request, _) = mentoring_pair(app, world.district).await;
            entity::mentoring_request::Entity::update_many()
                .col_expr(
                    entity::mentoring_request::Column::Status,
                    Expr::value(entity::types::RequestStatus::Closed),
                )
                .col_expr(
                    entity::mentoring_request::Column::ClosedAt,
                    Expr::value(clock::now()),
                )
                .filter(entity::mentoring_request::Column::Id.eq(request))
                .exec(&app.db)
                .await
                .unwrap();
            json!({ "x": gid(NodeType::MentoringRequest, request) })
        }
        "eraseMentee" => {
            let (request, _) = mentoring_pair(app, world.district).await;
            json!({ "x": gid(NodeType::MentoringRequest, request) })
        }
        "recordCheckIn" => {
            let (request, mentor) = mentoring_pair(app, world.district).await;
            let id = mentoring::a_match(&app.db, request, mentor, MatchStatus::Active).await;
            json!({ "x": gid(NodeType::MentorMatch, id), "d": clock::now().date_naive() })
        }
        other => unreachable!("no variables for {other}"),
    }
}

#[tokio::test]
async fn every_mutation_for_every_caller() {
    let app = TestApp::spawn().await;
    let provider_a = fixtures::provider(&app.db, "Verein A").await;
    let provider_b = fixtures::provider(&app.db, "Schule B").await;
    provider::Entity::update_many()
        .col_expr(provider::Column::Trusted, Expr::value(true))
        .filter(provider::Column::Id.eq(provider_b))
        .exec(&app.db)
        .await
        .unwrap();
    let district = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let setup_admin = app.admin().await;

    // The schema's mutations and the table's rows must be the same set.
    let schema = app
        .data(
            "{ __schema { mutationType { fields { name } } } }",
            json!({}),
        )
        .await;
    let mut in_schema: Vec<String> = schema["__schema"]["mutationType"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect();
    let mut in_table: Vec<String> = ROWS
        .iter()
        .map(|r| r.name.split('(').next().unwrap().to_owned())
        .collect();
    in_schema.sort();
    in_table.sort();
    in_table.dedup();
    assert_eq!(
        in_schema, in_table,
        "every mutation has a row in the matrix"
    );

    let mut failures = Vec::new();
    for row in ROWS {
        for (i, caller) in CALLERS.iter().enumerate() {
            // Fresh callers per cell, so a logout in one cell does not sign out the next.
            let staff = match caller {
                Caller::Anonymous => None,
                Caller::EditorA => Some(app.editor(&[provider_a]).await),
                Caller::EditorB => Some(app.editor(&[provider_b]).await),
                Caller::Coordinator => Some(
                    app.staff(
                        Role::Coordinator,
                        TestScope {
                            providers: vec![],
                            regions: vec![district],
                        },
                    )
                    .await,
                ),
                Caller::Admin => Some(app.admin().await),
            };
            let world = World {
                provider_a,
                provider_b,
                district,
                staff: vec![(*caller, staff)],
            };
            let vars = variables(&app, &world, row.name, &setup_admin.token).await;
            let token = world.token(*caller);
            let response = app.graphql_as(token.as_deref(), row.query, vars).await;
            let code = response["errors"][0]["extensions"]["code"].as_str();
            let outcome = match code {
                None => OK,
                Some("UNAUTHENTICATED") => UA,
                Some("FORBIDDEN") => FB,
                Some(_) => {
                    failures.push(format!("{} as {caller:?}: unexpected {response}", row.name));
                    continue;
                }
            };
            // A cell that marked provider A trusted must not change the cells after it.
            provider::Entity::update_many()
                .col_expr(provider::Column::Trusted, Expr::value(false))
                .filter(provider::Column::Id.eq(provider_a))
                .exec(&app.db)
                .await
                .unwrap();
            if outcome != row.expect[i] {
                failures.push(format!(
                    "{} as {caller:?}: expected {:?}, got {outcome:?} ({response})",
                    row.name, row.expect[i]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
