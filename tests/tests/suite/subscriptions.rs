//! Subscriptions over `graphql-transport-ws`: public offer changes by region, a pool's
//! matches for its coordinators only, events crossing instances through Redis, and events
//! still reaching the local instance when Redis is gone.

use std::time::Duration;

use entity::types::{MatchStatus, OfferStatus, Role};
use serde_json::{Value, json};
use tests::TestApp;
use tests::accounts::TestScope;
use tests::fixtures::{self, OfferSpec};
use tests::mentoring::{self, Person};
use tests::ws::{Init, WsClient, wait_for_subscribers};

use crate::ids::{gid, offer_gid, region_gid};
use angebotsplattform::events::Relay;
use angebotsplattform::graphql::relay::NodeType;

const OFFER_CHANGED: &str = "subscription($r: ID) {
    offerChanged(regionId: $r) { change offerId offer { title status } }
}";
const MATCH_CHANGED: &str = "subscription($p: ID!) { matchChanged(poolId: $p) { id status } }";

async fn anonymous(addr: std::net::SocketAddr) -> WsClient {
    WsClient::accepted(addr, json!({})).await
}

async fn signed_in(addr: std::net::SocketAddr, token: &str) -> WsClient {
    WsClient::accepted(addr, json!({ "authorization": format!("Bearer {token}") })).await
}

/// An offer waiting for review in a district.
async fn offer_in_review(app: &TestApp, title: &str, region: &'static str) -> uuid::Uuid {
    let provider = fixtures::provider(&app.db, &format!("Anbieter {title}")).await;
    let mut spec = OfferSpec::new(provider, title);
    spec.status = OfferStatus::InReview;
    spec.regions = vec![region];
    fixtures::offer(&app.db, spec).await
}

async fn run(app: &TestApp, token: &str, mutation: &str, offer: uuid::Uuid) {
    app.data_as(Some(token), mutation, json!({ "o": offer_gid(offer) }))
        .await;
}

const PUBLISH: &str = "mutation($o: ID!) { publishOffer(id: $o) { status } }";
const ARCHIVE: &str = "mutation($o: ID!) { archiveOffer(id: $o) { status } }";

fn next_data(message: &Value) -> &Value {
    assert_eq!(message["type"], "next", "{message}");
    &message["payload"]["data"]
}

#[actix_web::test]
async fn offer_changes_reach_subscribers_of_the_region_only() {
    let app = TestApp::spawn().await;
    let served = app.serve();
    let admin = app.admin().await;
    let olten = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let nearby = offer_in_review(&app, "Deutsch in Olten", "SO-D-OLTEN").await;
    let elsewhere = offer_in_review(&app, "Deutsch im Gäu", "SO-D-GAEU").await;

    let mut client = anonymous(served.addr).await;
    client
        .subscribe("olten", OFFER_CHANGED, json!({ "r": region_gid(olten) }))
        .await;
    wait_for_subscribers(&app, 1).await;

    // The other district's offer is published first; the subscriber hears only its own.
    run(&app, &admin.token, PUBLISH, elsewhere).await;
    run(&app, &admin.token, PUBLISH, nearby).await;
    let published = client.message().await;
    assert_eq!(published["id"], "olten");
    let data = next_data(&published);
    assert_eq!(data["offerChanged"]["change"], "PUBLISHED");
    assert_eq!(data["offerChanged"]["offerId"], offer_gid(nearby));
    assert_eq!(data["offerChanged"]["offer"]["title"], "Deutsch in Olten");

    let version = app
        .data_as(
            Some(&admin.token),
            "query($o: ID!) { offer(id: $o) { version } }",
            json!({ "o": offer_gid(nearby) }),
        )
        .await["offer"]["version"]
        .clone();
    app.data_as(
        Some(&admin.token),
        "mutation($o: ID!, $v: Int!) {
            updateOffer(id: $o, expectedVersion: $v, input: {
                translations: [{ locale: \"de\", title: \"Deutsch in Olten, neu\" }]
            }) { version }
        }",
        json!({ "o": offer_gid(nearby), "v": version }),
    )
    .await;
    let updated = client.message().await;
    assert_eq!(next_data(&updated)["offerChanged"]["change"], "UPDATED");
    assert_eq!(
        next_data(&updated)["offerChanged"]["offer"]["title"],
        "Deutsch in Olten, neu",
        "each event is read afresh"
    );

    run(&app, &admin.token, ARCHIVE, nearby).await;
    let withdrawn = client.message().await;
    assert_eq!(next_data(&withdrawn)["offerChanged"]["change"], "WITHDRAWN");
    assert_eq!(next_data(&withdrawn)["offerChanged"]["offer"], Value::Null);
    assert!(
        client
            .message_within(Duration::from_millis(300))
            .await
            .is_none(),
        "nothing else was announced"
    );
}

#[actix_web::test]
async fn drafts_are_never_announced_and_unknown_regions_are_refused() {
    let app = TestApp::spawn().await;
    let served = app.serve();
    let admin = app.admin().await;
    let draft = offer_in_review(&app, "Entwurf", "SO-D-OLTEN").await;

    let mut client = anonymous(served.addr).await;
    client
        .subscribe(
            "unknown",
            OFFER_CHANGED,
            json!({ "r": region_gid(uuid::Uuid::now_v7()) }),
        )
        .await;
    let refused = client.message().await;
    assert_eq!(refused["type"], "next", "{refused}");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"],
        "NOT_FOUND"
    );

    client.subscribe("all", OFFER_CHANGED, json!({})).await;
    wait_for_subscribers(&app, 1).await;
    // Sent back and archived without ever being public: nothing to announce.
    app.data_as(
        Some(&admin.token),
        "mutation($o: ID!) { rejectOffer(id: $o, reason: \"Bitte Preis angeben\") { status } }",
        json!({ "o": offer_gid(draft) }),
    )
    .await;
    run(&app, &admin.token, ARCHIVE, draft).await;
    let silence = client.message_within(Duration::from_millis(500)).await;
    assert!(
        silence.as_ref().is_none_or(|m| m["id"] != "all"),
        "{silence:?}"
    );
}

#[actix_web::test]
async fn a_pools_matches_are_told_to_its_coordinators_only() {
    let app = TestApp::spawn().await;
    let served = app.serve();
    let olten = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let gaeu = fixtures::region_id(&app.db, "SO-D-GAEU").await;
    let pool = mentoring::pool(&app.db, olten, false).await;
    let foreign_pool = mentoring::pool(&app.db, gaeu, false).await;
    let coordinator = app
        .staff(
            Role::Coordinator,
            TestScope {
                providers: vec![],
                regions: vec![olten],
            },
        )
        .await;
    let stranger = app
        .staff(
            Role::Coordinator,
            TestScope {
                providers: vec![],
                regions: vec![gaeu],
            },
        )
        .await;
    let variables = json!({ "p": gid(NodeType::MentoringPool, pool) });

    // A bad token closes the connection before any subscription, saying why.
    match WsClient::connect(
        served.addr,
        json!({ "authorization": "Bearer not-a-token" }),
    )
    .await
    {
        Init::Closed(code, reason) => {
            assert_eq!(code, 1002);
            assert_eq!(reason, "invalid or expired access token");
        }
        Init::Acknowledged(_) => panic!("a bad token was accepted"),
    }
    // Anonymous: refused. Another pool's coordinator: the pool does not exist for them.
    let mut nobody = anonymous(served.addr).await;
    nobody
        .subscribe("m", MATCH_CHANGED, variables.clone())
        .await;
    let refused = nobody.message().await;
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{refused}"
    );
    let mut other = signed_in(served.addr, &stranger.token).await;
    other.subscribe("m", MATCH_CHANGED, variables.clone()).await;
    let hidden = other.message().await;
    assert_eq!(
        hidden["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{hidden}"
    );
    // The stranger's own pool hears nothing of this one.
    other
        .subscribe(
            "own",
            MATCH_CHANGED,
            json!({ "p": gid(NodeType::MentoringPool, foreign_pool) }),
        )
        .await;

    let mut client = signed_in(served.addr, &coordinator.token).await;
    client.subscribe("m", MATCH_CHANGED, variables).await;
    wait_for_subscribers(&app, 2).await;
    let mentor = mentoring::mentor(&app.db, pool, Person::default()).await;
    let request = mentoring::request(&app.db, pool, Person::default(), 3).await;
    let proposed = app
        .data_as(
            Some(&coordinator.token),
            "mutation($r: ID!, $m: ID!) { proposeMatch(requestId: $r, mentorId: $m) { id } }",
            json!({ "r": gid(NodeType::MentoringRequest, request), "m": gid(NodeType::Mentor, mentor) }),
        )
        .await;
    let id = proposed["proposeMatch"]["id"].clone();
    let heard = client.message().await;
    assert_eq!(next_data(&heard)["matchChanged"]["id"], id);
    assert_eq!(next_data(&heard)["matchChanged"]["status"], "PROPOSED");

    app.data_as(
        Some(&coordinator.token),
        "mutation($m: ID!) { acceptMatch(id: $m) { status } }",
        json!({ "m": id }),
    )
    .await;
    let accepted = client.message().await;
    assert_eq!(next_data(&accepted)["matchChanged"]["status"], "ACCEPTED");
    // Besides closing its refused subscription, the other coordinator heard nothing.
    while let Some(message) = other.message_within(Duration::from_millis(300)).await {
        assert_eq!(message["type"], "complete", "{message}");
        assert_eq!(message["id"], "m", "{message}");
    }
}

#[actix_web::test]
async fn a_signed_out_coordinator_stops_hearing_about_matches() {
    let app = TestApp::spawn().await;
    let served = app.serve();
    let olten = fixtures::region_id(&app.db, "SO-D-OLTEN").await;
    let pool = mentoring::pool(&app.db, olten, false).await;
    let coordinator = app
        .staff(
            Role::Coordinator,
            TestScope {
                providers: vec![],
                regions: vec![olten],
            },
        )
        .await;
    let mut client = signed_in(served.addr, &coordinator.token).await;
    client
        .subscribe(
            "m",
            MATCH_CHANGED,
            json!({ "p": gid(NodeType::MentoringPool, pool) }),
        )
        .await;
    wait_for_subscribers(&app, 1).await;
    app.data_as(Some(&coordinator.token), "mutation { logout }", json!({}))
        .await;

    let mentor = mentoring::mentor(&app.db, pool, Person::default()).await;
    let request = mentoring::request(&app.db, pool, Person::default(), 3).await;
    let a_match = mentoring::a_match(&app.db, request, mentor, MatchStatus::Proposed).await;
    let admin = app.admin().await;
    app.data_as(
        Some(&admin.token),
        "mutation($m: ID!) { cancelMatch(id: $m) { status } }",
        json!({ "m": gid(NodeType::MentorMatch, a_match) }),
    )
    .await;
    let ended = client.message().await;
    assert_eq!(
        ended["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{ended}"
    );
    assert_eq!(ended["payload"]["data"], Value::Null, "no match data leaks");
    let complete = client.message().await;
    assert_eq!(complete["type"], "complete", "{complete}");
}

#[actix_web::test]
#[cfg_attr(not(with_redis), ignore = "needs a Redis server: set TEST_REDIS_URL")]
async fn an_event_on_one_instance_reaches_subscribers_of_another() {
    let listening = TestApp::spawn().await;
    assert!(listening.app.redis.is_some(), "TEST_REDIS_URL is not set");
    let mut writing = TestApp::spawn().await;
    let settings = (*listening.app.settings).clone();
    writing.reconfigure(|s| *s = settings);
    writing.app.db = listening.db.clone();
    assert!(
        !std::sync::Arc::ptr_eq(&listening.app.events, &writing.app.events),
        "two instances, two buses"
    );
    let served = listening.serve();
    let admin = listening.admin().await;
    let offer = offer_in_review(&listening, "Treffpunkt", "SO-D-OLTEN").await;

    let mut client = anonymous(served.addr).await;
    client.subscribe("all", OFFER_CHANGED, json!({})).await;
    wait_for_subscribers(&listening, 1).await;
    // The relay subscribes to Redis when the first subscription starts; give it a moment.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while listening.app.events.relay() != Relay::Listening {
        assert!(
            tokio::time::Instant::now() < deadline,
            "relay never listened"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    run(&writing, &admin.token, PUBLISH, offer).await;
    let heard = client.message().await;
    assert_eq!(next_data(&heard)["offerChanged"]["change"], "PUBLISHED");
    assert_eq!(
        next_data(&heard)["offerChanged"]["offerId"],
        offer_gid(offer)
    );
}

#[actix_web::test]
async fn without_redis_events_still_reach_this_instance() {
    // Nothing listens on port 9: publishing to Redis fails and the instance tells its own.
    let app = TestApp::spawn_with(|s| {
        s.caches.redis_url = Some("redis://127.0.0.1:9".to_owned().into());
        s.caches.redis_timeout_ms = 100;
    })
    .await;
    let served = app.serve();
    let admin = app.admin().await;
    let offer = offer_in_review(&app, "Elterncafé", "SO-D-OLTEN").await;
    let mut client = anonymous(served.addr).await;
    client.subscribe("all", OFFER_CHANGED, json!({})).await;
    wait_for_subscribers(&app, 1).await;
    run(&app, &admin.token, PUBLISH, offer).await;
    let heard = client.message().await;
    assert_eq!(next_data(&heard)["offerChanged"]["change"], "PUBLISHED");
    assert_eq!(app.app.events.relay(), Relay::Reconnecting);
}

#[actix_web::test]
#[cfg_attr(not(with_redis), ignore = "needs a Redis server: set TEST_REDIS_URL")]
async fn subscriptions_outlast_redis_going_away_and_coming_back() {
    let Some(redis) = std::env::var("TEST_REDIS_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
    else {
        unreachable!("TEST_REDIS_URL is not set");
    };
    let target = redis
        .trim()
        .trim_start_matches("redis://")
        .trim_end_matches('/')
        .parse()
        .expect("TEST_REDIS_URL as redis://host:port");
    let proxy = tests::proxy::TcpProxy::start(target).await;
    let app = TestApp::spawn_with(|s| {
        s.caches.redis_url = Some(format!("redis://{}", proxy.addr).into());
        s.caches.redis_timeout_ms = 200;
    })
    .await;
    let served = app.serve();
    let admin = app.admin().await;
    let first = offer_in_review(&app, "Vor dem Ausfall", "SO-D-OLTEN").await;
    let second = offer_in_review(&app, "Nach dem Ausfall", "SO-D-OLTEN").await;
    let relay_is = |listening: bool| {
        let events = app.app.events.clone();
        async move {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
            let wanted = if listening {
                Relay::Listening
            } else {
                Relay::Reconnecting
            };
            while events.relay() != wanted {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "relay never became listening={listening}"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    };

    let mut client = anonymous(served.addr).await;
    client.subscribe("all", OFFER_CHANGED, json!({})).await;
    wait_for_subscribers(&app, 1).await;
    relay_is(true).await;

    // Redis goes away: the instance still tells its own subscribers.
    proxy.cut();
    relay_is(false).await;
    let ready = app
        .request(actix_web::test::TestRequest::get().uri("/readyz"))
        .await;
    assert_eq!(ready.body["status"], "degraded");
    run(&app, &admin.token, PUBLISH, first).await;
    let heard = client.message().await;
    assert_eq!(
        next_data(&heard)["offerChanged"]["offerId"],
        offer_gid(first)
    );

    // Redis comes back: the relay reconnects and events travel through it again, once.
    proxy.restore();
    relay_is(true).await;
    run(&app, &admin.token, PUBLISH, second).await;
    let heard = client.message().await;
    assert_eq!(
        next_data(&heard)["offerChanged"]["offerId"],
        offer_gid(second)
    );
    assert!(
        client
            .message_within(Duration::from_millis(300))
            .await
            .is_none(),
        "each event is told once"
    );
}
