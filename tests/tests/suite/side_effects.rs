//! A write's side effects are the same whichever door it came through: GraphQL, the
//! import command, the expiry and retention jobs. Each test writes through one door and
//! sees the subscription event and a fresh answer from the response cache; a search
//! answered before the indexer caught up is not served once it has.

use std::time::Duration;

use actix_web::test::TestRequest;
use angebotsplattform::config::{FileFormat, ImportOffersArgs};
use angebotsplattform::graphql::relay::NodeType;
use chrono::Utc;
use entity::types::{MatchStatus, MentorStatus, RequestStatus};
use entity::{mentor, mentoring_request, offer};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tests::fixtures::{self, OfferSpec};
use tests::mentoring::{self, Person};
use tests::ws::{WsClient, wait_for_subscribers};
use tests::{HttpReply, TestApp};

use crate::ids::{gid, offer_gid};

const OFFERS: &str = "{ offers(first: 20) { totalCount edges { node { title } } } }";
const OFFER_CHANGED: &str = "subscription { offerChanged { change offerId } }";

async fn anonymous_read(app: &TestApp, query: &str) -> HttpReply {
    app.request(
        TestRequest::post()
            .uri("/graphql")
            .set_json(json!({ "query": query })),
    )
    .await
}

fn cache(reply: &HttpReply) -> &str {
    reply
        .headers
        .get("X-Cache")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn titles(reply: &HttpReply) -> Vec<String> {
    reply.body["data"]["offers"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
        .collect()
}

/// The next `next` message's data.
async fn event(socket: &mut WsClient) -> Value {
    let message = socket.message().await;
    assert_eq!(message["type"], "next", "{message}");
    message["payload"]["data"].clone()
}

fn with_cache(settings: &mut angebotsplattform::config::Settings) {
    settings.caches.response_cache_secs = 60;
}

#[actix_web::test]
async fn a_search_answered_before_the_index_caught_up_is_not_served_after() {
    let app = TestApp::spawn_with(with_cache).await;
    let provider = fixtures::provider(&app.db, "Verein").await;
    let mut spec = OfferSpec::new(provider, "Alphabetisierungskurs");
    spec.status = entity::types::OfferStatus::InReview;
    let id = fixtures::offer(&app.db, spec).await;
    let admin = app.admin().await.token;
    app.data_as(
        Some(&admin),
        "mutation($o: ID!) { publishOffer(id: $o) { status } }",
        json!({ "o": offer_gid(id) }),
    )
    .await;
    let search = "{ searchOffers(query: \"Alphabetisierungskurs\") { totalHits } }";
    // Asked before the indexer has run: nothing found yet, and that answer is cached.
    let early = anonymous_read(&app, search).await;
    assert_eq!(early.body["data"]["searchOffers"]["totalHits"], 0);
    assert_eq!(cache(&anonymous_read(&app, search).await), "HIT");
    // The indexer job applies the change and drops cached answers.
    let (switch, stop) = angebotsplattform::jobs::stop_switch();
    let indexer = angebotsplattform::jobs::search_indexer::spawn(
        app.db.clone(),
        app.app.search.clone(),
        app.app.thesaurus.clone(),
        app.app.effects.clone(),
        100,
        1000,
        Duration::from_millis(20),
        stop,
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let answer = anonymous_read(&app, search).await;
        if answer.body["data"]["searchOffers"]["totalHits"] == 1 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the stale answer was still served: {:?}",
            answer.body
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    switch.stop();
    indexer.await.unwrap();
}

#[actix_web::test]
async fn the_import_command_tells_subscribers_and_refreshes_cached_answers() {
    let app = TestApp::spawn_with(with_cache).await;
    let served = app.serve();
    let provider = fixtures::provider(&app.db, "Verein").await;
    let dir = std::env::temp_dir().join(format!("import-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = |title: &str| {
        let path = dir.join(format!("{}.csv", uuid::Uuid::now_v7().simple()));
        std::fs::write(
            &path,
            format!(
                "externalRef,kind,defaultLocale,title.de,categories,costKind,regions\nK-1,COURSE,de,{title},language,FREE,SO\n"
            ),
        )
        .unwrap();
        path
    };
    let args = |path| ImportOffersArgs {
        provider: provider.to_string(),
        file: path,
        format: Some(FileFormat::Csv),
        dry_run: false,
        archive_missing: false,
    };
    let settings = (*app.app.settings).clone();
    angebotsplattform::offer_files::import(
        &app.db,
        &app.app.effects,
        &settings,
        args(file("Deutsch am Abend")),
    )
    .await
    .unwrap();
    let id = offer::Entity::find()
        .filter(offer::Column::ExternalRef.eq("K-1"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let admin = app.admin().await.token;
    app.data_as(
        Some(&admin),
        "mutation($o: ID!) { publishOffer(id: $o) { status } }",
        json!({ "o": offer_gid(id) }),
    )
    .await;
    assert_eq!(
        titles(&anonymous_read(&app, OFFERS).await),
        ["Deutsch am Abend"]
    );
    assert_eq!(cache(&anonymous_read(&app, OFFERS).await), "HIT");
    let mut socket = WsClient::accepted(served.addr, json!({})).await;
    socket.subscribe("o", OFFER_CHANGED, json!({})).await;
    wait_for_subscribers(&app, 1).await;

    angebotsplattform::offer_files::import(
        &app.db,
        &app.app.effects,
        &settings,
        args(file("Deutsch am Morgen")),
    )
    .await
    .unwrap();
    let heard = event(&mut socket).await;
    assert_eq!(
        heard["offerChanged"],
        json!({ "change": "UPDATED", "offerId": offer_gid(id) })
    );
    let fresh = anonymous_read(&app, OFFERS).await;
    assert_eq!(cache(&fresh), "MISS");
    assert_eq!(titles(&fresh), ["Deutsch am Morgen"]);
    std::fs::remove_dir_all(dir).ok();
}

#[actix_web::test]
async fn the_expiry_job_tells_subscribers_and_refreshes_cached_answers() {
    let app = TestApp::spawn_with(with_cache).await;
    let served = app.serve();
    let provider = fixtures::provider(&app.db, "Verein").await;
    let mut spec = OfferSpec::new(provider, "Sommerkurs");
    spec.starts_on = Utc::now().date_naive() - chrono::Duration::days(30);
    spec.valid_until = Some(Utc::now().date_naive());
    let id = fixtures::offer(&app.db, spec).await;
    assert_eq!(titles(&anonymous_read(&app, OFFERS).await), ["Sommerkurs"]);
    let mut socket = WsClient::accepted(served.addr, json!({})).await;
    socket.subscribe("o", OFFER_CHANGED, json!({})).await;
    wait_for_subscribers(&app, 1).await;
    // The course ended yesterday (changed behind the API, as time passing would).
    offer::Entity::update_many()
        .col_expr(
            offer::Column::ValidUntil,
            Expr::value(Utc::now().date_naive() - chrono::Duration::days(1)),
        )
        .filter(offer::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
    let (switch, stop) = angebotsplattform::jobs::stop_switch();
    let expiry = angebotsplattform::jobs::spawn::<angebotsplattform::jobs::expiry::Expiry>(
        app.db.clone(),
        app.app.effects.clone(),
        Duration::from_millis(20),
        stop,
    );
    let heard = event(&mut socket).await;
    assert_eq!(
        heard["offerChanged"],
        json!({ "change": "WITHDRAWN", "offerId": offer_gid(id) })
    );
    switch.stop();
    expiry.await.unwrap();
    let fresh = anonymous_read(&app, OFFERS).await;
    assert_eq!(cache(&fresh), "MISS");
    assert_eq!(fresh.body["data"]["offers"]["totalCount"], 0);
}

/// A pool with a mentor accompanying a newcomer (an active match), and a coordinator
/// listening to the pool's matches.
struct Accompanied {
    pool: uuid::Uuid,
    mentor: uuid::Uuid,
    request: uuid::Uuid,
    a_match: uuid::Uuid,
    coordinator: String,
}

async fn accompanied(app: &TestApp) -> Accompanied {
    let olten = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let pool = mentoring::pool(&app.db, olten, false).await;
    let mentor = mentoring::mentor(&app.db, pool, Person::default()).await;
    let request = mentoring::request(&app.db, pool, Person::default(), 10).await;
    mentoring_request::Entity::update_many()
        .col_expr(
            mentoring_request::Column::Status,
            Expr::value(RequestStatus::Matched),
        )
        .filter(mentoring_request::Column::Id.eq(request))
        .exec(&app.db)
        .await
        .unwrap();
    let a_match = mentoring::a_match(&app.db, request, mentor, MatchStatus::Active).await;
    let coordinator = app
        .staff(
            entity::types::Role::Coordinator,
            tests::accounts::TestScope {
                providers: vec![],
                regions: vec![olten],
            },
        )
        .await
        .token;
    Accompanied {
        pool,
        mentor,
        request,
        a_match,
        coordinator,
    }
}

async fn listen_to_pool(
    app: &TestApp,
    addr: std::net::SocketAddr,
    world: &Accompanied,
) -> WsClient {
    let mut socket = WsClient::accepted(
        addr,
        json!({ "authorization": format!("Bearer {}", world.coordinator) }),
    )
    .await;
    socket
        .subscribe(
            "m",
            "subscription($p: ID!) { matchChanged(poolId: $p) { id status endReason } }",
            json!({ "p": gid(NodeType::MentoringPool, world.pool) }),
        )
        .await;
    wait_for_subscribers(app, 1).await;
    socket
}

async fn request_status(app: &TestApp, id: uuid::Uuid) -> RequestStatus {
    mentoring_request::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .status
}

#[actix_web::test]
async fn erasing_a_mentor_puts_their_newcomer_back_on_the_waiting_list() {
    let app = TestApp::spawn().await;
    let served = app.serve();
    let world = accompanied(&app).await;
    let mut socket = listen_to_pool(&app, served.addr, &world).await;
    app.data_as(
        Some(&world.coordinator),
        "mutation($x: ID!) { eraseMentor(id: $x) }",
        json!({ "x": gid(NodeType::Mentor, world.mentor) }),
    )
    .await;
    let heard = event(&mut socket).await;
    assert_eq!(
        heard["matchChanged"],
        json!({ "id": gid(NodeType::MentorMatch, world.a_match), "status": "ENDED", "endReason": "MENTOR_LEFT" })
    );
    assert_eq!(
        request_status(&app, world.request).await,
        RequestStatus::Open
    );
    // Open again: the newcomer can be matched with someone else.
    let other = mentoring::mentor(&app.db, world.pool, Person::default()).await;
    let proposed = app
        .data_as(
            Some(&world.coordinator),
            "mutation($r: ID!, $m: ID!) { proposeMatch(requestId: $r, mentorId: $m) { status } }",
            json!({ "r": gid(NodeType::MentoringRequest, world.request), "m": gid(NodeType::Mentor, other) }),
        )
        .await;
    assert_eq!(proposed["proposeMatch"]["status"], "PROPOSED");
}

#[actix_web::test]
async fn the_retention_job_tells_the_pool_when_it_ends_a_match() {
    let app = TestApp::spawn().await;
    let served = app.serve();
    let world = accompanied(&app).await;
    let mut socket = listen_to_pool(&app, served.addr, &world).await;
    // The mentor retired long ago and is past the retention period.
    mentor::Entity::update_many()
        .col_expr(mentor::Column::Status, Expr::value(MentorStatus::Retired))
        .col_expr(
            mentor::Column::RetentionUntil,
            Expr::value(Some(Utc::now().date_naive() - chrono::Duration::days(1))),
        )
        .filter(mentor::Column::Id.eq(world.mentor))
        .exec(&app.db)
        .await
        .unwrap();
    let (switch, stop) = angebotsplattform::jobs::stop_switch();
    let retention = angebotsplattform::jobs::spawn::<angebotsplattform::jobs::retention::Retention>(
        app.db.clone(),
        app.app.effects.clone(),
        Duration::from_millis(20),
        stop,
    );
    let heard = event(&mut socket).await;
    assert_eq!(heard["matchChanged"]["status"], "ENDED");
    switch.stop();
    retention.await.unwrap();
    assert_eq!(
        request_status(&app, world.request).await,
        RequestStatus::Open
    );
}

#[tokio::test]
async fn a_coordinator_reopens_a_closed_request() {
    let app = TestApp::spawn().await;
    let world = accompanied(&app).await;
    let reopen = "mutation($x: ID!) { reopenMentoringRequest(id: $x) { status } }";
    let vars = json!({ "x": gid(NodeType::MentoringRequest, world.request) });
    // Still accompanied: the live match must end first.
    let refused = app
        .graphql_as(Some(&world.coordinator), reopen, vars.clone())
        .await;
    assert_eq!(tests::error_code(&refused), Some("CONFLICT"), "{refused}");
    app.data_as(
        Some(&world.coordinator),
        "mutation($x: ID!) { endMatch(id: $x, reason: MOVED_AWAY) { status } }",
        json!({ "x": gid(NodeType::MentorMatch, world.a_match) }),
    )
    .await;
    assert_eq!(
        request_status(&app, world.request).await,
        RequestStatus::Closed
    );
    let reopened = app
        .data_as(Some(&world.coordinator), reopen, vars.clone())
        .await;
    assert_eq!(reopened["reopenMentoringRequest"]["status"], "OPEN");
    let again = app.graphql_as(Some(&world.coordinator), reopen, vars).await;
    assert_eq!(tests::error_code(&again), Some("CONFLICT"), "open already");
}
