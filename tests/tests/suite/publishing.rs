//! The publishing workflow end to end, optimistic locking, validation, who sees drafts, the
//! audit log, and the job that archives ended offers.

use angebotsplattform::service::account;
use angebotsplattform::service::offer::write;
use entity::types::{OfferStatus, OutboxOperation};
use entity::{audit_log, offer, search_outbox};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tests::fixtures::{self, OfferSpec};
use tests::{TestApp, error_code};

use crate::ids::{offer_gid, provider_gid, region_gid};

const PASSWORD: &str = "correct horse battery staple";

const CREATE: &str = "mutation($input: CreateOfferInput!) { createOffer(input: $input) { id status version title servedLocale } }";
const UPDATE: &str = "mutation($id: ID!, $v: Int!, $input: UpdateOfferInput!) { updateOffer(id: $id, expectedVersion: $v, input: $input) { id version title childcare } }";

/// A German course with a weekly schedule in three locales.
fn german_course(provider: &str, municipality: &str) -> Value {
    json!({
        "providerId": provider,
        "kind": "COURSE",
        "defaultLocale": "de",
        "translations": [
            { "locale": "de", "title": "Deutschkurs A1 mit Kinderhüte", "summary": "Für Eltern mit kleinen Kindern.", "description": "Mit **Kinderhüte**.\n\n- Montagmorgen\n- [Anmeldung](https://example.org/anmeldung)" },
            { "locale": "fr", "title": "Cours d'allemand A1 avec garderie" },
            { "locale": "ti", "title": "ናይ ጀርመን ቋንቋ ትምህርቲ A1" }
        ],
        "categoryCodes": ["language"],
        "level": "A1",
        "cost": { "kind": "PAID", "amount": "120.50", "unit": "COURSE" },
        "childcare": true,
        "instructionLanguages": ["de"],
        "supportLanguages": ["ti", "ar"],
        "registration": { "url": "https://example.org/anmeldung", "email": "kurse@example.org", "phone": "+41 62 000 00 00" },
        "locations": [{ "name": "Schulhaus", "postcode": "4600", "locality": "Olten", "municipalityId": municipality, "coordinates": { "lat": 47.35, "lon": 7.9 } }],
        "schedules": [{ "startDate": "2027-01-11", "endDate": "2027-03-29", "weekday": "MONDAY", "startTime": "09:00:00", "endTime": "11:00:00", "locationIndex": 0 }]
    })
}

async fn ids_of_public_offers(app: &TestApp) -> Vec<String> {
    let data = app
        .data("{ offers(first: 50) { edges { node { id } } } }", json!({}))
        .await;
    data["offers"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn invited_editor_creates_admin_publishes_editor_archives() {
    let app = TestApp::spawn().await;
    account::create_admin(
        &app.db,
        &app.app.settings,
        "kanton@example.org",
        "Kanton",
        PASSWORD,
    )
    .await
    .unwrap();
    let login =
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }";
    let admin = app
        .data(login, json!({ "e": "kanton@example.org", "p": PASSWORD }))
        .await;
    let admin = admin["login"]["accessToken"].as_str().unwrap().to_owned();

    let provider = app
        .data_as(
            Some(&admin),
            "mutation { createProvider(input: { name: \"Verein Deutsch für alle\", kind: NGO, email: \"info@example.org\" }) { id slug } }",
            json!({}),
        )
        .await;
    assert_eq!(
        provider["createProvider"]["slug"],
        "verein-deutsch-fuer-alle"
    );
    let provider_id = provider["createProvider"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let invited = app
        .data_as(
            Some(&admin),
            "mutation($p: ID!) { inviteUser(email: \"redaktion@example.org\", role: PROVIDER_EDITOR, scope: { providerIds: [$p] }) { token } }",
            json!({ "p": provider_id }),
        )
        .await;
    let accepted = app
        .data(
            "mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p, displayName: \"Redaktion\") { accessToken } }",
            json!({ "t": invited["inviteUser"]["token"], "p": PASSWORD }),
        )
        .await;
    let editor = accepted["acceptInvitation"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();

    let olten = region_gid(fixtures::region_id(&app.db, "2581").await);
    let created = app
        .data_as(
            Some(&editor),
            CREATE,
            json!({ "input": german_course(&provider_id, &olten) }),
        )
        .await;
    let offer_id = created["createOffer"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["createOffer"]["status"], "DRAFT");
    assert_eq!(created["createOffer"]["version"], 1);
    assert!(
        !ids_of_public_offers(&app).await.contains(&offer_id),
        "drafts are private"
    );

    // The editor sees the draft through the read API, in every locale.
    let own = app
        .data_as(
            Some(&editor),
            "query($id: ID!) { offer(id: $id, locale: \"ti\") { title servedLocale level cost { price { amount } } schedules { weekday startTime } locations { municipality { name } } } }",
            json!({ "id": offer_id }),
        )
        .await;
    assert_eq!(own["offer"]["servedLocale"], "ti");
    assert_eq!(own["offer"]["level"], "A1");
    assert_eq!(own["offer"]["cost"]["price"]["amount"], "120.50");
    assert_eq!(own["offer"]["schedules"][0]["weekday"], "MONDAY");
    assert_eq!(
        own["offer"]["locations"][0]["municipality"]["name"],
        "Olten"
    );

    let submitted = app
        .data_as(
            Some(&editor),
            "mutation($id: ID!) { submitOffer(id: $id) { status } }",
            json!({ "id": offer_id }),
        )
        .await;
    assert_eq!(submitted["submitOffer"]["status"], "IN_REVIEW");
    let self_publish = app
        .graphql_as(
            Some(&editor),
            "mutation($id: ID!) { publishOffer(id: $id) { status } }",
            json!({ "id": offer_id }),
        )
        .await;
    assert_eq!(
        error_code(&self_publish),
        Some("FORBIDDEN"),
        "untrusted providers are reviewed"
    );

    let published = app
        .data_as(
            Some(&admin),
            "mutation($id: ID!) { publishOffer(id: $id) { status publishedAt } }",
            json!({ "id": offer_id }),
        )
        .await;
    assert_eq!(published["publishOffer"]["status"], "PUBLISHED");
    assert!(ids_of_public_offers(&app).await.contains(&offer_id));
    let public = app
        .data(
            "query($id: ID!) { offer(id: $id, locale: \"fr\") { title servedLocale } }",
            json!({ "id": offer_id }),
        )
        .await;
    assert_eq!(
        public["offer"]["title"],
        "Cours d'allemand A1 avec garderie"
    );
    let german = app
        .data(
            "query($id: ID!) { offer(id: $id, locale: \"de\") { descriptionHtml } }",
            json!({ "id": offer_id }),
        )
        .await;
    assert_eq!(
        german["offer"]["descriptionHtml"],
        "<p>Mit <strong>Kinderhüte</strong>.</p><ul><li>Montagmorgen</li><li><a href=\"https://example.org/anmeldung\" rel=\"nofollow noopener noreferrer\">Anmeldung</a></li></ul>"
    );

    let archived = app
        .data_as(
            Some(&editor),
            "mutation($id: ID!) { archiveOffer(id: $id) { status } }",
            json!({ "id": offer_id }),
        )
        .await;
    assert_eq!(archived["archiveOffer"]["status"], "ARCHIVED");
    assert!(!ids_of_public_offers(&app).await.contains(&offer_id));
    let gone = app
        .graphql(
            "query($id: ID!) { offer(id: $id) { id } }",
            json!({ "id": offer_id }),
        )
        .await;
    assert_eq!(error_code(&gone), Some("NOT_FOUND"));
    let tombstones = app
        .data(
            "{ offerTombstones(since: \"2000-01-01T00:00:00Z\") { edges { node { id reason } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        tombstones["offerTombstones"]["edges"][0]["node"]["id"],
        offer_id.as_str()
    );
    assert_eq!(
        tombstones["offerTombstones"]["edges"][0]["node"]["reason"],
        "ARCHIVED"
    );

    // Each step left an audit entry and a search outbox row.
    let audit = app
        .data_as(
            Some(&admin),
            "{ auditLog(first: 50) { edges { node { action actorRole entityType entity summary } } } }",
            json!({}),
        )
        .await;
    let actions: Vec<&str> = audit["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap())
        .collect();
    // Each entry names its record by the global id `node(id)` and `offer(id)` take.
    let publish = audit["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["action"] == "offer.publish")
        .unwrap();
    assert_eq!(publish["node"]["entity"], offer_id.as_str());
    for action in [
        "provider.create",
        "account.invite",
        "account.accept_invitation",
        "offer.create",
        "offer.submit",
        "offer.publish",
        "offer.archive",
        "session.login",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    let text = audit.to_string();
    assert!(
        !text.contains("redaktion@example.org"),
        "no personal data in the audit log"
    );
    let outbox: Vec<OutboxOperation> = search_outbox::Entity::find()
        .filter(search_outbox::Column::EntityId.eq(crate::ids::uuid_of(&offer_id)))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.operation)
        .collect();
    assert_eq!(
        outbox,
        [
            OutboxOperation::Delete,
            OutboxOperation::Delete,
            OutboxOperation::Upsert,
            OutboxOperation::Delete
        ]
    );
    let editor_reads_audit = app
        .graphql_as(
            Some(&editor),
            "{ auditLog { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&editor_reads_audit), Some("FORBIDDEN"));
}

#[tokio::test]
async fn concurrent_updates_with_one_version_exactly_one_wins() {
    let app = TestApp::spawn().await;
    let provider = fixtures::provider(&app.db, "Verein").await;
    let editor = app.editor(&[provider]).await;
    let id = offer_gid(fixtures::offer(&app.db, OfferSpec::new(provider, "Deutsch")).await);
    let update = |title: &'static str| {
        app.graphql_as(
            Some(&editor.token),
            UPDATE,
            json!({ "id": id, "v": 1, "input": { "translations": [{ "locale": "de", "title": title }] } }),
        )
    };
    let (a, b) = futures_util::join!(update("Deutsch am Morgen"), update("Deutsch am Abend"));
    let codes = [error_code(&a), error_code(&b)];
    assert_eq!(
        codes.iter().filter(|c| c.is_none()).count(),
        1,
        "one wins: {a} / {b}"
    );
    assert!(codes.contains(&Some("CONFLICT")), "{a} / {b}");
    let winner = if codes[0].is_none() { &a } else { &b };
    let stored = app
        .data(
            "query($id: ID!) { offer(id: $id) { version title } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(stored["offer"]["version"], 2);
    assert_eq!(
        stored["offer"]["title"],
        winner["data"]["updateOffer"]["title"]
    );

    // A stale version later is refused too and changes nothing.
    let stale = app
        .graphql_as(
            Some(&editor.token),
            UPDATE,
            json!({ "id": id, "v": 1, "input": { "childcare": true } }),
        )
        .await;
    assert_eq!(error_code(&stale), Some("CONFLICT"));
    let fresh = app
        .data_as(
            Some(&editor.token),
            UPDATE,
            json!({ "id": id, "v": 2, "input": { "childcare": true } }),
        )
        .await;
    assert_eq!(fresh["updateOffer"]["version"], 3);
    assert_eq!(fresh["updateOffer"]["childcare"], true);
    assert_eq!(
        fresh["updateOffer"]["title"], stored["offer"]["title"],
        "left-out fields stay"
    );
}

#[tokio::test]
async fn every_invalid_field_is_reported_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let provider = fixtures::provider(&app.db, "Verein").await;
    let editor = app.editor(&[provider]).await;
    let before = offer::Entity::find().count(&app.db).await.unwrap();
    let input = json!({
        "providerId": provider_gid(provider),
        "kind": "GROUP",
        "defaultLocale": "en",
        "translations": [
            { "locale": "de", "title": "  " },
            { "locale": "xx", "title": "<script>alert(1)</script>" }
        ],
        "categoryCodes": ["living-together", "no-such-area"],
        "level": "B1",
        "cost": { "kind": "FREE", "amount": "10.00" },
        "registration": { "url": "javascript:alert(1)", "email": "not-an-email", "phone": "12" },
        "validFrom": "2027-05-01",
        "validUntil": "2027-04-01",
        "instructionLanguages": ["klingon"],
        "locations": [{ "coordinates": { "lat": 91.0, "lon": 7.9 } }],
        "schedules": [{ "startDate": "2027-05-10", "endDate": "2027-05-01", "weekday": "MONDAY", "startTime": "10:00:00", "endTime": "09:00:00", "locationIndex": 3 }]
    });
    let response = app
        .graphql_as(Some(&editor.token), CREATE, json!({ "input": input }))
        .await;
    assert_eq!(error_code(&response), Some("BAD_USER_INPUT"));
    let fields: Vec<&str> = response["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for expected in [
        "input.translations[1].locale",
        "input.translations[0].title",
        "input.translations[1].title",
        "input.defaultLocale",
        "input.level",
        "input.cost.amount",
        "input.registration.url",
        "input.registration.email",
        "input.registration.phone",
        "input.validUntil",
        "input.instructionLanguages[0]",
        "input.locations[0].coordinates.lat",
        "input.schedules[0].endDate",
        "input.schedules[0].endTime",
        "input.schedules[0].locationIndex",
        "input.categoryCodes[1]",
    ] {
        assert!(
            fields.contains(&expected),
            "{expected} missing from {fields:?}"
        );
    }
    assert_eq!(offer::Entity::find().count(&app.db).await.unwrap(), before);
    assert_eq!(
        audit_log::Entity::find().count(&app.db).await.unwrap(),
        0,
        "a refused change leaves no audit entry"
    );
}

#[tokio::test]
async fn drafts_are_seen_by_their_editors_and_admins_only() {
    let app = TestApp::spawn().await;
    let mine = fixtures::provider(&app.db, "Mein Verein").await;
    let theirs = fixtures::provider(&app.db, "Anderer Verein").await;
    for (provider, title) in [(mine, "Mein Entwurf"), (theirs, "Fremder Entwurf")] {
        let mut spec = OfferSpec::new(provider, title);
        spec.status = OfferStatus::Draft;
        fixtures::offer(&app.db, spec).await;
    }
    let editor = app.editor(&[mine]).await;
    let admin = app.admin().await;
    let drafts = "{ offers(filter: { statuses: [DRAFT, IN_REVIEW] }) { totalCount edges { node { title status } } } }";
    let seen = app.data_as(Some(&editor.token), drafts, json!({})).await;
    assert_eq!(seen["offers"]["totalCount"], 1);
    assert_eq!(seen["offers"]["edges"][0]["node"]["title"], "Mein Entwurf");
    let all = app.data_as(Some(&admin.token), drafts, json!({})).await;
    assert_eq!(all["offers"]["totalCount"], 2);
    let anonymous = app.graphql(drafts, json!({})).await;
    assert_eq!(error_code(&anonymous), Some("FORBIDDEN"));
    // Without `statuses` everyone sees the public list.
    let public = app
        .data_as(Some(&editor.token), "{ offers { totalCount } }", json!({}))
        .await;
    assert_eq!(public["offers"]["totalCount"], 0);
}

#[tokio::test]
async fn rejection_sends_back_with_a_note_only_editors_see() {
    let app = TestApp::spawn().await;
    let provider = fixtures::provider(&app.db, "Verein").await;
    let editor = app.editor(&[provider]).await;
    let admin = app.admin().await;
    let mut spec = OfferSpec::new(provider, "Treffpunkt");
    spec.status = OfferStatus::InReview;
    let id = offer_gid(fixtures::offer(&app.db, spec).await);
    let reject = "mutation($id: ID!, $r: String!) { rejectOffer(id: $id, reason: $r) { status reviewNote } }";
    let empty = app
        .graphql_as(Some(&admin.token), reject, json!({ "id": id, "r": " " }))
        .await;
    assert_eq!(error_code(&empty), Some("BAD_USER_INPUT"));
    let rejected = app
        .data_as(
            Some(&admin.token),
            reject,
            json!({ "id": id, "r": "Bitte Kurszeiten ergänzen." }),
        )
        .await;
    assert_eq!(rejected["rejectOffer"]["status"], "DRAFT");
    let note = "query($id: ID!) { offer(id: $id) { reviewNote } }";
    let seen = app
        .data_as(Some(&editor.token), note, json!({ "id": id }))
        .await;
    assert_eq!(seen["offer"]["reviewNote"], "Bitte Kurszeiten ergänzen.");
    let twice = app
        .graphql_as(Some(&admin.token), reject, json!({ "id": id, "r": "x" }))
        .await;
    assert_eq!(
        error_code(&twice),
        Some("CONFLICT"),
        "only offers in review can be rejected"
    );
}

#[tokio::test]
async fn ended_offers_are_archived_once_by_concurrent_jobs() {
    let app = TestApp::spawn().await;
    let provider = fixtures::provider(&app.db, "Verein").await;
    let mut ended = OfferSpec::new(provider, "Vergangener Kurs");
    ended.starts_on = chrono::Utc::now().date_naive() - chrono::Duration::days(30);
    ended.valid_until = Some(chrono::Utc::now().date_naive() - chrono::Duration::days(1));
    let ended = fixtures::offer(&app.db, ended).await;
    let current = fixtures::offer(&app.db, OfferSpec::new(provider, "Laufender Kurs")).await;

    let (a, b) = futures_util::join!(
        write::archive_expired(&app.db),
        write::archive_expired(&app.db)
    );
    let (a, b) = (
        app.app.effects.apply(a.unwrap()).await,
        app.app.effects.apply(b.unwrap()).await,
    );
    assert_eq!(a.len() + b.len(), 1, "archived exactly once");
    let db = &app.db;
    let status = |id| async move {
        offer::Entity::find_by_id(id)
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .status
    };
    assert_eq!(status(ended).await, OfferStatus::Archived);
    assert_eq!(status(current).await, OfferStatus::Published);
    let entries = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("offer.expire"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(entries, 1);
    let tombstones = app
        .data(
            "{ offerTombstones(since: \"2000-01-01T00:00:00Z\") { edges { node { id reason } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        tombstones["offerTombstones"]["edges"][0]["node"]["reason"],
        "EXPIRED"
    );
}
