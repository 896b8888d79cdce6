//! The demo generator is deterministic, covers every district and pool, and refuses to run
//! twice with one seed.

use angebotsplattform::demo::{DemoSize, seed};
use entity::types::{RegionKind, RequestStatus};
use entity::{mentoring_pool, mentoring_request, offer, offer_region, offer_translation, region};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use std::collections::HashSet;
use tests::TestApp;

fn size() -> DemoSize {
    DemoSize {
        offers: 120,
        mentors: 20,
        requests: 10,
        seed: 42,
    }
}

#[actix_web::test]
async fn the_same_seed_gives_the_same_data() {
    let a = TestApp::spawn().await;
    let b = TestApp::spawn().await;
    seed(&a.db, &size()).await.unwrap();
    seed(&b.db, &size()).await.unwrap();
    let titles = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            offer_translation::Entity::find()
                .order_by_asc(offer_translation::Column::OfferId)
                .order_by_asc(offer_translation::Column::Locale)
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|t| (t.offer_id, t.locale, t.title))
                .collect::<Vec<_>>()
        }
    };
    let (ta, tb) = (titles(&a).await, titles(&b).await);
    assert!(!ta.is_empty());
    assert_eq!(ta, tb);
}

#[actix_web::test]
async fn a_second_run_with_the_same_seed_is_refused() {
    let app = TestApp::spawn().await;
    seed(&app.db, &size()).await.unwrap();
    let err = seed(&app.db, &size()).await.unwrap_err();
    assert_eq!(err.code(), "CONFLICT");
    assert_eq!(offer::Entity::find().count(&app.db).await.unwrap(), 120);
}

#[actix_web::test]
async fn the_small_demo_covers_every_district_and_every_pool() {
    let app = TestApp::spawn_with_demo().await;
    let districts = region::Entity::find()
        .filter(region::Column::Kind.eq(RegionKind::District))
        .all(&app.db)
        .await
        .unwrap();
    // An offer covers a district when it serves the district or one of its municipalities.
    let data = app
        .data(
            "{ offers(first: 100) { edges { node { locations { municipality { parents { code } } } regions { code kind parents { code } } } } } }",
            serde_json::json!({}),
        )
        .await;
    let mut covered = HashSet::new();
    for edge in data["offers"]["edges"].as_array().unwrap() {
        for region in edge["node"]["regions"].as_array().unwrap() {
            covered.insert(region["code"].as_str().unwrap().to_owned());
            for parent in region["parents"].as_array().unwrap() {
                covered.insert(parent["code"].as_str().unwrap().to_owned());
            }
        }
    }
    for district in &districts {
        assert!(
            covered.contains(&district.code),
            "no demo offer in {}",
            district.name
        );
    }
    assert!(offer_region::Entity::find().count(&app.db).await.unwrap() >= 300);

    let pools = mentoring_pool::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(pools.len(), 5);
    for pool in pools {
        let open = mentoring_request::Entity::find()
            .filter(mentoring_request::Column::PoolId.eq(pool.id))
            .filter(mentoring_request::Column::Status.eq(RequestStatus::Open))
            .count(&app.db)
            .await
            .unwrap();
        assert!(open > 0, "{} has no open requests", pool.name);
    }
}
