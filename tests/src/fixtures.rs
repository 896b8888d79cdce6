//! Offers with exactly the properties a test needs, written straight to the database (the
//! read API's tests do not depend on the write API).

#![expect(
    clippy::unwrap_used,
    reason = "fixtures stop the test on a failed write"
)]

use chrono::{Duration, NaiveDate, NaiveTime, Utc};
use entity::types::{
    CefrLevel, CodeList, CostKind, LanguageRole, OfferKind, OfferStatus, PriceUnit, ProviderKind,
};
use entity::{
    category, offer, offer_category, offer_language, offer_location, offer_region, offer_schedule,
    offer_translation, provider, region,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use uuid::Uuid;

/// Creates a provider and returns its id.
pub async fn provider(db: &DatabaseConnection, name: &str) -> Uuid {
    let id = Uuid::now_v7();
    let now = Utc::now();
    provider::Entity::insert(provider::ActiveModel {
        id: Set(id),
        slug: Set(format!("p-{}", id.simple())),
        kind: Set(ProviderKind::Ngo),
        name: Set(name.into()),
        default_locale: Set("de".into()),
        email: Set(None),
        phone: Set(None),
        website: Set(None),
        street: Set(None),
        postcode: Set(None),
        locality: Set(None),
        municipality_id: Set(None),
        verified: Set(true),
        trusted: Set(false),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await
    .unwrap();
    id
}

/// The id of a region by code.
pub async fn region_id(db: &DatabaseConnection, code: &str) -> Uuid {
    region::Entity::find()
        .filter(region::Column::Code.eq(code))
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no region {code}"))
        .id
}

/// What an offer looks like; start from [`OfferSpec::new`] and change what matters.
#[derive(Debug, Clone)]
pub struct OfferSpec {
    pub provider_id: Uuid,
    /// `(locale, title)`; the first is the offer's default locale.
    pub titles: Vec<(&'static str, String)>,
    pub status: OfferStatus,
    pub category: &'static str,
    /// Codes of the regions served.
    pub regions: Vec<&'static str>,
    /// Code of the municipality of its location, if any.
    pub location: Option<&'static str>,
    pub level: Option<CefrLevel>,
    pub cost: CostKind,
    pub childcare: bool,
    pub online: bool,
    pub instruction: &'static str,
    /// ISO weekday and start time of its weekly slot.
    pub slot: Option<(i16, (u32, u32))>,
    pub starts_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
}

impl OfferSpec {
    /// A published, current, free German course for the canton, meeting Mondays at 9.
    pub fn new(provider_id: Uuid, title: &str) -> Self {
        Self {
            provider_id,
            titles: vec![("de", title.to_owned())],
            status: OfferStatus::Published,
            category: "language",
            regions: vec!["SO"],
            location: None,
            level: None,
            cost: CostKind::Free,
            childcare: false,
            online: false,
            instruction: "de",
            slot: Some((1, (9, 0))),
            starts_on: Utc::now().date_naive() + Duration::days(10),
            valid_until: None,
        }
    }
}

/// Writes an offer with its parts and returns its id.
pub async fn offer(db: &DatabaseConnection, spec: OfferSpec) -> Uuid {
    let id = Uuid::now_v7();
    let now = Utc::now();
    let txn = db.begin().await.unwrap();
    let (default_locale, default_title) = spec.titles[0].clone();
    let (price_cents, price_unit) = match spec.cost {
        CostKind::Paid => (Some(2500), Some(PriceUnit::Lesson)),
        _ => (None, None),
    };
    offer::Entity::insert(offer::ActiveModel {
        id: Set(id),
        provider_id: Set(spec.provider_id),
        external_ref: Set(None),
        kind: Set(OfferKind::Course),
        status: Set(spec.status),
        default_locale: Set(default_locale.into()),
        cefr_level: Set(spec.level),
        fide: Set(false),
        cost_kind: Set(spec.cost),
        price_cents: Set(price_cents),
        price_unit: Set(price_unit),
        childcare: Set(spec.childcare),
        accessibility: Set(CodeList::default()),
        target_groups: Set(CodeList::default()),
        online: Set(spec.online),
        registration_url: Set(None),
        registration_email: Set(None),
        registration_phone: Set(None),
        valid_from: Set(Some(spec.starts_on)),
        valid_until: Set(spec.valid_until),
        starts_on: Set(spec.starts_on),
        sort_title: Set(default_title.to_lowercase()),
        published_at: Set((spec.status != OfferStatus::Draft).then_some(now)),
        archived_at: Set((spec.status == OfferStatus::Archived).then_some(now)),
        review_note: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await
    .unwrap();
    for (locale, title) in &spec.titles {
        offer_translation::Entity::insert(offer_translation::ActiveModel {
            offer_id: Set(id),
            locale: Set((*locale).into()),
            title: Set(title.clone()),
            summary: Set(Some(format!("{title} ({locale})"))),
            description: Set(None),
            machine_translated: Set(false),
            source_hash: Set(None),
            updated_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await
        .unwrap();
    }
    let category_id = category::Entity::find()
        .filter(category::Column::Code.eq(spec.category))
        .one(&txn)
        .await
        .unwrap()
        .unwrap()
        .id;
    offer_category::Entity::insert(offer_category::ActiveModel {
        offer_id: Set(id),
        category_id: Set(category_id),
    })
    .exec_without_returning(&txn)
    .await
    .unwrap();
    for code in &spec.regions {
        let region_id = region::Entity::find()
            .filter(region::Column::Code.eq(*code))
            .one(&txn)
            .await
            .unwrap()
            .unwrap()
            .id;
        offer_region::Entity::insert(offer_region::ActiveModel {
            offer_id: Set(id),
            region_id: Set(region_id),
        })
        .exec_without_returning(&txn)
        .await
        .unwrap();
    }
    if let Some(code) = spec.location {
        let municipality = region::Entity::find()
            .filter(region::Column::Code.eq(code))
            .one(&txn)
            .await
            .unwrap()
            .unwrap();
        offer_location::Entity::insert(offer_location::ActiveModel {
            id: Set(Uuid::now_v7()),
            offer_id: Set(id),
            name: Set(Some("Gemeindesaal".into())),
            street: Set(None),
            postcode: Set(None),
            locality: Set(Some(municipality.name.clone())),
            municipality_id: Set(Some(municipality.id)),
            lat: Set(municipality.lat),
            lon: Set(municipality.lon),
        })
        .exec_without_returning(&txn)
        .await
        .unwrap();
    }
    offer_language::Entity::insert(offer_language::ActiveModel {
        offer_id: Set(id),
        language: Set(spec.instruction.into()),
        role: Set(LanguageRole::Instruction),
    })
    .exec_without_returning(&txn)
    .await
    .unwrap();
    if let Some((weekday, (hour, minute))) = spec.slot {
        let start = NaiveTime::from_hms_opt(hour, minute, 0).unwrap();
        offer_schedule::Entity::insert(offer_schedule::ActiveModel {
            id: Set(Uuid::now_v7()),
            offer_id: Set(id),
            location_id: Set(None),
            start_date: Set(spec.starts_on),
            end_date: Set(spec.valid_until),
            weekday: Set(Some(weekday)),
            start_time: Set(Some(start)),
            end_time: Set(Some(start + Duration::minutes(90))),
            note: Set(None),
        })
        .exec_without_returning(&txn)
        .await
        .unwrap();
    }
    txn.commit().await.unwrap();
    id
}
