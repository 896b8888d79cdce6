//! Reads stored offers back into drafts: a handful of queries per chunk of offers, never a
//! round of queries per offer, so an import can compare ten thousand offers quickly.

use std::collections::HashMap;

use entity::types::LanguageRole;
use entity::{
    category, offer, offer_category, offer_language, offer_location, offer_region, offer_schedule,
    offer_translation,
};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{
    CostDraft, LocationDraft, OfferDraft, RegistrationDraft, ScheduleDraft, TranslationDraft,
};
use crate::error::ApiResult;

/// Offers per round of queries: keeps each `IN (…)` list well below the databases' limits
/// on bound parameters.
const CHUNK: usize = 500;

/// The parts of a chunk of offers, grouped by offer.
#[derive(Default)]
struct Parts {
    translations: HashMap<Uuid, Vec<offer_translation::Model>>,
    languages: HashMap<Uuid, Vec<offer_language::Model>>,
    categories: HashMap<Uuid, Vec<String>>,
    regions: HashMap<Uuid, Vec<Uuid>>,
    locations: HashMap<Uuid, Vec<offer_location::Model>>,
    schedules: HashMap<Uuid, Vec<offer_schedule::Model>>,
}

fn grouped<T>(rows: Vec<T>, key: impl Fn(&T) -> Uuid) -> HashMap<Uuid, Vec<T>> {
    let mut map: HashMap<Uuid, Vec<T>> = HashMap::new();
    for row in rows {
        map.entry(key(&row)).or_default().push(row);
    }
    map
}

impl Parts {
    async fn of<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> ApiResult<Self> {
        let translations = offer_translation::Entity::find()
            .filter(offer_translation::Column::OfferId.is_in(ids.iter().copied()))
            .order_by_asc(offer_translation::Column::Locale)
            .all(db)
            .await?;
        let languages = offer_language::Entity::find()
            .filter(offer_language::Column::OfferId.is_in(ids.iter().copied()))
            .order_by_asc(offer_language::Column::Language)
            .all(db)
            .await?;
        let codes: HashMap<Uuid, String> = category::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.code))
            .collect();
        let mut categories = grouped(
            offer_category::Entity::find()
                .filter(offer_category::Column::OfferId.is_in(ids.iter().copied()))
                .all(db)
                .await?,
            |c| c.offer_id,
        )
        .into_iter()
        .map(|(offer, rows)| {
            let names = rows
                .iter()
                .filter_map(|r| codes.get(&r.category_id).cloned())
                .collect::<Vec<_>>();
            (offer, names)
        })
        .collect::<HashMap<_, _>>();
        for names in categories.values_mut() {
            names.sort();
        }
        let regions = grouped(
            offer_region::Entity::find()
                .filter(offer_region::Column::OfferId.is_in(ids.iter().copied()))
                .all(db)
                .await?,
            |r| r.offer_id,
        )
        .into_iter()
        .map(|(offer, rows)| (offer, rows.into_iter().map(|r| r.region_id).collect()))
        .collect();
        let locations = offer_location::Entity::find()
            .filter(offer_location::Column::OfferId.is_in(ids.iter().copied()))
            .order_by_asc(offer_location::Column::Id)
            .all(db)
            .await?;
        let schedules = offer_schedule::Entity::find()
            .filter(offer_schedule::Column::OfferId.is_in(ids.iter().copied()))
            .order_by_asc(offer_schedule::Column::StartDate)
            .order_by_asc(offer_schedule::Column::Id)
            .all(db)
            .await?;
        Ok(Self {
            translations: grouped(translations, |t| t.offer_id),
            languages: grouped(languages, |l| l.offer_id),
            categories,
            regions,
            locations: grouped(locations, |l| l.offer_id),
            schedules: grouped(schedules, |s| s.offer_id),
        })
    }

    /// Takes one offer's parts out and builds its draft.
    fn draft(&mut self, model: &offer::Model) -> OfferDraft {
        let id = model.id;
        let languages = self.languages.remove(&id).unwrap_or_default();
        let locations = self.locations.remove(&id).unwrap_or_default();
        let location_index: HashMap<Uuid, usize> = locations
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id, i))
            .collect();
        let of_role = |role: LanguageRole| {
            languages
                .iter()
                .filter(|l| l.role == role)
                .map(|l| l.language.clone())
                .collect::<Vec<_>>()
        };
        OfferDraft {
            kind: model.kind,
            default_locale: model.default_locale.clone(),
            external_ref: model.external_ref.clone(),
            level: model.cefr_level,
            fide: model.fide,
            cost: CostDraft {
                kind: model.cost_kind,
                price: model.price_cents.map(|c| Decimal::new(i64::from(c), 2)),
                unit: model.price_unit,
            },
            childcare: model.childcare,
            online: model.online,
            accessibility: model.accessibility.0.clone(),
            target_groups: model.target_groups.0.clone(),
            registration: RegistrationDraft {
                url: model.registration_url.clone(),
                email: model.registration_email.clone(),
                phone: model.registration_phone.clone(),
            },
            valid_from: model.valid_from,
            valid_until: model.valid_until,
            translations: self
                .translations
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|t| TranslationDraft {
                    locale: t.locale,
                    title: t.title,
                    summary: t.summary,
                    description: t.description,
                })
                .collect(),
            instruction_languages: of_role(LanguageRole::Instruction),
            support_languages: of_role(LanguageRole::Support),
            category_codes: self.categories.remove(&id).unwrap_or_default(),
            region_ids: self.regions.remove(&id).unwrap_or_default(),
            locations: locations
                .iter()
                .map(|l| LocationDraft {
                    name: l.name.clone(),
                    street: l.street.clone(),
                    postcode: l.postcode.clone(),
                    locality: l.locality.clone(),
                    municipality_id: l.municipality_id,
                    lat: l.lat,
                    lon: l.lon,
                })
                .collect(),
            schedules: self
                .schedules
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|s| ScheduleDraft {
                    location: s
                        .location_id
                        .and_then(|id| location_index.get(&id).copied()),
                    start_date: s.start_date,
                    end_date: s.end_date,
                    weekday: s.weekday,
                    start_time: s.start_time,
                    end_time: s.end_time,
                    note: s.note,
                })
                .collect(),
        }
    }
}

/// The stored offers as drafts, by offer id.
pub async fn load_many<C: ConnectionTrait>(
    db: &C,
    models: &[offer::Model],
) -> ApiResult<HashMap<Uuid, OfferDraft>> {
    let mut drafts = HashMap::with_capacity(models.len());
    for chunk in models.chunks(CHUNK) {
        let ids: Vec<Uuid> = chunk.iter().map(|m| m.id).collect();
        let mut parts = Parts::of(db, &ids).await?;
        for model in chunk {
            drafts.insert(model.id, parts.draft(model));
        }
    }
    Ok(drafts)
}
