//! The database refuses bad data by itself and a failed write leaves nothing behind.

use chrono::Utc;
use entity::types::{CodeList, CostKind, OfferKind, OfferStatus, PriceUnit};
use entity::{offer, offer_region, offer_translation};
use sea_orm::{
    ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, TransactionTrait,
};
use tests::TestApp;
use uuid::Uuid;

async fn a_provider(db: &DatabaseConnection) -> Uuid {
    tests::fixtures::provider(db, "Testverein").await
}

fn an_offer(provider_id: Uuid, external_ref: &str) -> offer::ActiveModel {
    let now = Utc::now();
    offer::ActiveModel {
        id: Set(Uuid::now_v7()),
        provider_id: Set(provider_id),
        external_ref: Set(Some(external_ref.into())),
        kind: Set(OfferKind::Course),
        status: Set(OfferStatus::Draft),
        default_locale: Set("de".into()),
        cefr_level: Set(None),
        fide: Set(false),
        cost_kind: Set(CostKind::Free),
        price_cents: Set(None),
        price_unit: Set(None),
        childcare: Set(false),
        accessibility: Set(CodeList::default()),
        target_groups: Set(CodeList::default()),
        online: Set(false),
        registration_url: Set(None),
        registration_email: Set(None),
        registration_phone: Set(None),
        valid_from: Set(None),
        valid_until: Set(None),
        starts_on: Set(chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()),
        sort_title: Set("deutschkurs".into()),
        published_at: Set(None),
        archived_at: Set(None),
        review_note: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

fn title(offer_id: Uuid) -> offer_translation::ActiveModel {
    offer_translation::ActiveModel {
        offer_id: Set(offer_id),
        locale: Set("de".into()),
        title: Set("Deutschkurs".into()),
        summary: Set(None),
        description: Set(None),
        machine_translated: Set(false),
        source_hash: Set(None),
        updated_at: Set(Utc::now()),
    }
}

async fn offers(db: &DatabaseConnection) -> u64 {
    offer::Entity::find().count(db).await.unwrap()
}

/// Writes an offer with its title in one transaction, as services do.
async fn write_offer(
    db: &DatabaseConnection,
    model: offer::ActiveModel,
    region: Option<Uuid>,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    let id = model.id.clone().unwrap();
    offer::Entity::insert(model)
        .exec_without_returning(&txn)
        .await?;
    offer_translation::Entity::insert(title(id))
        .exec_without_returning(&txn)
        .await?;
    if let Some(region_id) = region {
        offer_region::Entity::insert(offer_region::ActiveModel {
            offer_id: Set(id),
            region_id: Set(region_id),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await
}

#[actix_web::test]
async fn a_duplicate_external_reference_is_refused_and_leaves_nothing() {
    let app = TestApp::spawn().await;
    let provider_id = a_provider(&app.db).await;
    write_offer(&app.db, an_offer(provider_id, "K-1"), None)
        .await
        .unwrap();

    let err = write_offer(&app.db, an_offer(provider_id, "K-1"), None)
        .await
        .unwrap_err();
    assert!(
        err.to_string().to_lowercase().contains("unique"),
        "unexpected error: {err}"
    );
    assert_eq!(offers(&app.db).await, 1);
    assert_eq!(
        offer_translation::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        1,
        "the failed offer's translation must not remain"
    );

    // Another provider may use the same reference.
    let other = a_provider(&app.db).await;
    write_offer(&app.db, an_offer(other, "K-1"), None)
        .await
        .unwrap();
    assert_eq!(offers(&app.db).await, 2);
}

#[actix_web::test]
async fn an_offer_in_an_unknown_region_is_refused_and_leaves_nothing() {
    let app = TestApp::spawn().await;
    let provider_id = a_provider(&app.db).await;
    let err = write_offer(&app.db, an_offer(provider_id, "K-2"), Some(Uuid::now_v7()))
        .await
        .unwrap_err();
    assert!(
        err.to_string().to_lowercase().contains("foreign key"),
        "unexpected error: {err}"
    );
    assert_eq!(offers(&app.db).await, 0);
    assert_eq!(
        offer_translation::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
}

#[actix_web::test]
async fn check_constraints_refuse_inconsistent_offers() {
    let app = TestApp::spawn().await;
    let provider_id = a_provider(&app.db).await;

    let mut paid_without_price = an_offer(provider_id, "K-3");
    paid_without_price.cost_kind = Set(CostKind::Paid);
    let mut free_with_price = an_offer(provider_id, "K-4");
    free_with_price.price_cents = Set(Some(1000));
    free_with_price.price_unit = Set(Some(PriceUnit::Lesson));
    let mut published_without_date = an_offer(provider_id, "K-5");
    published_without_date.status = Set(OfferStatus::Published);
    let mut ends_before_it_starts = an_offer(provider_id, "K-6");
    ends_before_it_starts.valid_from = Set(chrono::NaiveDate::from_ymd_opt(2026, 5, 1));
    ends_before_it_starts.valid_until = Set(chrono::NaiveDate::from_ymd_opt(2026, 4, 1));

    for (case, model) in [
        ("paid without price", paid_without_price),
        ("free with price", free_with_price),
        ("published without date", published_without_date),
        ("ends before it starts", ends_before_it_starts),
    ] {
        let err = write_offer(&app.db, model, None).await;
        assert!(err.is_err(), "{case} was accepted");
    }
    assert_eq!(offers(&app.db).await, 0);
}

#[actix_web::test]
async fn one_live_match_per_request_is_enforced_by_the_database() {
    let app = TestApp::spawn_with_demo().await;
    let pick = |sql: &str| {
        let db = app.db.clone();
        let sql = sql.to_owned();
        async move {
            use sea_orm::ConnectionTrait;
            let row = db
                .query_one_raw(sea_orm::Statement::from_string(
                    db.get_database_backend(),
                    sql,
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<Uuid>("", "id").unwrap()
        }
    };
    let request = pick("SELECT id FROM mentoring_request ORDER BY id LIMIT 1").await;
    let mentors: Vec<Uuid> = {
        use sea_orm::{ColumnTrait, QueryFilter};
        entity::mentor::Entity::find()
            .filter(entity::mentor::Column::Status.eq(entity::types::MentorStatus::Active))
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .take(2)
            .map(|m| m.id)
            .collect()
    };
    let proposal = |mentor_id: Uuid| entity::mentor_match::ActiveModel {
        id: Set(Uuid::now_v7()),
        request_id: Set(request),
        mentor_id: Set(mentor_id),
        status: Set(entity::types::MatchStatus::Proposed),
        score: Set(None),
        reasons: Set(serde_json::json!([])),
        proposed_by: Set(None),
        proposed_at: Set(Utc::now()),
        accepted_at: Set(None),
        started_at: Set(None),
        ended_at: Set(None),
        review_due_on: Set(None),
        end_reason: Set(None),
        evaluation: Set(None),
        rating: Set(None),
        mentor_pool_consent: Set(None),
        version: Set(1),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
    };
    entity::mentor_match::Entity::insert(proposal(mentors[0]))
        .exec_without_returning(&app.db)
        .await
        .unwrap();
    let second = entity::mentor_match::Entity::insert(proposal(mentors[1]))
        .exec_without_returning(&app.db)
        .await;
    assert!(
        second.is_err(),
        "a second live match for one request was accepted"
    );
}
