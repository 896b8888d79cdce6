//! The search documents of offers, read from the catalogue: texts, categories and their
//! labels, the regions and districts an offer serves or meets in, languages, schedule and
//! place, in the shape both engines index (`OfferDocument`).

use std::collections::{HashMap, HashSet};

use entity::types::{LanguageRole, RegionKind};
use entity::{category, category_label, offer, region};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::clock;
use crate::error::ApiResult;
use crate::search::OfferDocument;
use crate::search::document::{is_searchable, time_of_day};
use crate::service::offer::parts;
use crate::service::region as regions;

/// The documents of the given offers that are searchable now; the others are left out (the
/// caller removes them from the index).
pub async fn load<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> ApiResult<Vec<OfferDocument>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let today = clock::now().date_naive();
    let offers: Vec<offer::Model> = offer::Entity::find()
        .filter(offer::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .filter(|o| is_searchable(o, today))
        .collect();
    let ids: Vec<Uuid> = offers.iter().map(|o| o.id).collect();
    let translations = parts::translations(db, &ids).await?;
    let category_ids = parts::category_ids(db, &ids).await?;
    let region_ids = parts::region_ids(db, &ids).await?;
    let languages = parts::languages(db, &ids).await?;
    let locations = parts::locations(db, &ids).await?;
    let schedules = parts::schedules(db, &ids).await?;
    let provider_ids: Vec<Uuid> = offers.iter().map(|o| o.provider_id).collect();
    let providers = parts::providers(db, &provider_ids).await?;

    let categories: HashMap<Uuid, category::Model> = category::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut labels: HashMap<Uuid, Vec<String>> = HashMap::new();
    for label in category_label::Entity::find().all(db).await? {
        labels
            .entry(label.category_id)
            .or_default()
            .push(label.label);
    }

    // Regions named by the offers, and the districts they lie in or are.
    let mut named: HashSet<Uuid> = region_ids.values().flatten().copied().collect();
    named.extend(
        locations
            .values()
            .flatten()
            .filter_map(|l| l.municipality_id),
    );
    let named: Vec<Uuid> = named.into_iter().collect();
    let region_rows: HashMap<Uuid, region::Model> = region::Entity::find()
        .filter(region::Column::Id.is_in(named.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let parents = regions::parent_ids(db, &named).await?;
    let parent_ids: Vec<Uuid> = parents.values().flatten().copied().collect();
    let districts: HashMap<Uuid, String> = region::Entity::find()
        .filter(region::Column::Id.is_in(parent_ids.into_iter().chain(named.iter().copied())))
        .filter(region::Column::Kind.eq(RegionKind::District))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.code))
        .collect();
    let district_codes = |region: Uuid| -> Vec<String> {
        let mut out: Vec<String> = districts.get(&region).cloned().into_iter().collect();
        for parent in parents.get(&region).into_iter().flatten() {
            out.extend(districts.get(parent).cloned());
        }
        out
    };

    let mut documents = Vec::with_capacity(offers.len());
    for model in offers {
        let id = model.id;
        let texts = translations.get(&id).cloned().unwrap_or_default();
        let mut document_categories = Vec::new();
        let mut category_labels = Vec::new();
        let mut context = Vec::new();
        for category_id in category_ids.get(&id).into_iter().flatten() {
            if let Some(area) = categories.get(category_id) {
                document_categories.push(area.code.clone());
                category_labels.extend(labels.get(category_id).cloned().unwrap_or_default());
                if let Some(pillar) = area.parent_id.and_then(|p| categories.get(&p)) {
                    document_categories.push(pillar.code.clone());
                }
            }
        }
        if let Some(provider) = providers.get(&model.provider_id) {
            context.push(provider.name.clone());
        }
        let places = locations.get(&id).cloned().unwrap_or_default();
        let mut document_regions: Vec<Uuid> = region_ids.get(&id).cloned().unwrap_or_default();
        let mut document_districts = Vec::new();
        for region_id in &document_regions {
            document_districts.extend(district_codes(*region_id));
        }
        for place in &places {
            context.extend(place.locality.clone());
            context.extend(place.name.clone());
            if let Some(municipality) = place.municipality_id {
                document_regions.push(municipality);
                document_districts.extend(district_codes(municipality));
                if let Some(row) = region_rows.get(&municipality) {
                    context.push(row.name.clone());
                }
            }
        }
        for region_id in region_ids.get(&id).into_iter().flatten() {
            if let Some(row) = region_rows.get(region_id) {
                context.push(row.name.clone());
            }
        }
        document_regions.sort();
        document_regions.dedup();
        document_districts.sort();
        document_districts.dedup();
        document_categories.sort();
        document_categories.dedup();
        let sessions = schedules.get(&id).cloned().unwrap_or_default();
        let mut weekdays: Vec<i16> = sessions.iter().filter_map(|s| s.weekday).collect();
        weekdays.sort_unstable();
        weekdays.dedup();
        let mut times: Vec<String> = sessions
            .iter()
            .filter_map(|s| s.start_time)
            .map(|t| time_of_day(t).to_owned())
            .collect();
        times.sort();
        times.dedup();
        documents.push(OfferDocument {
            id,
            provider_id: model.provider_id,
            titles: texts.iter().map(|t| t.title.clone()).collect(),
            bodies: texts
                .iter()
                .flat_map(|t| t.summary.iter().chain(t.description.iter()).cloned())
                .collect(),
            category_labels,
            context,
            categories: document_categories,
            regions: document_regions,
            districts: document_districts,
            instruction_languages: languages
                .get(&id)
                .into_iter()
                .flatten()
                .filter(|l| l.role == LanguageRole::Instruction)
                .map(|l| l.language.clone())
                .collect(),
            // The codes the schema and the database give them ("A1", "SUBSIDISED").
            level: model.cefr_level.map(|l| l.to_value()),
            cost: model.cost_kind.to_value(),
            childcare: model.childcare,
            online: model.online,
            weekdays,
            times_of_day: times,
            starts_on: model.starts_on,
            valid_until: model.valid_until,
            updated_at: model.updated_at,
            point: places.iter().find_map(|p| p.lat.zip(p.lon)),
        });
    }
    Ok(documents)
}
