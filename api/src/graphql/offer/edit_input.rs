//! Inputs of the offer mutations: `CreateOfferInput` and `UpdateOfferInput` with their parts,
//! turned into the service's draft and patch.

use async_graphql::{ID, InputObject, InputType, MaybeUndefined};
use rust_decimal::Decimal;

use crate::error::{ApiError, ApiResult, FieldError};
use crate::exchange::RecordShape;
use crate::graphql::offer::input::ids;
use crate::graphql::offer::types::{
    CefrLevelGql, CostKindGql, OfferKindGql, PriceUnitGql, Weekday,
};
use crate::graphql::relay::{NodeType, expect_global_id, global_id};
use crate::graphql::scalars::{Date, LocalTime};
use crate::service::offer::draft::{
    CostDraft, LocationDraft, OfferDraft, OfferPatch, RegistrationDraft, ScheduleDraft,
    TranslationDraft,
};

/// An offer's texts in one locale. Plain text or a small Markdown subset (no HTML).
#[derive(Debug, Clone, InputObject)]
pub struct OfferTranslationInput {
    /// BCP 47 tag such as `de`, `fr`, `ti`, `de-CH`.
    pub locale: String,
    pub title: String,
    pub summary: Option<String>,
    pub description: Option<String>,
}

/// WGS84 coordinates.
#[derive(Debug, Clone, Copy, InputObject)]
pub struct GeoPointInput {
    pub lat: f64,
    pub lon: f64,
}

/// A place where an offer meets.
#[derive(Debug, Clone, InputObject)]
pub struct OfferLocationInput {
    pub name: Option<String>,
    pub street: Option<String>,
    pub postcode: Option<String>,
    pub locality: Option<String>,
    /// The municipality (a region of kind `MUNICIPALITY`).
    pub municipality_id: Option<ID>,
    pub coordinates: Option<GeoPointInput>,
}

/// When an offer meets: weekly on `weekday` from `startDate` to `endDate`, or once on
/// `startDate` without a weekday.
#[derive(Debug, Clone, InputObject)]
pub struct OfferScheduleInput {
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub weekday: Option<Weekday>,
    pub start_time: Option<LocalTime>,
    pub end_time: Option<LocalTime>,
    /// Position (from 0) of the location in this input's `locations`.
    pub location_index: Option<i32>,
    pub note: Option<String>,
}

/// What an offer costs; `amount` in francs (two decimals at most).
#[derive(Debug, Clone, InputObject)]
pub struct OfferCostInput {
    pub kind: CostKindGql,
    pub amount: Option<Decimal>,
    pub unit: Option<PriceUnitGql>,
}

/// How to sign up.
#[derive(Debug, Clone, Default, InputObject)]
pub struct OfferRegistrationInput {
    pub url: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A new offer; it starts as a draft.
#[derive(Debug, Clone, InputObject)]
pub struct CreateOfferInput {
    pub provider_id: ID,
    pub kind: OfferKindGql,
    /// The locale the provider writes in; it needs a translation.
    pub default_locale: String,
    /// The provider's own reference (unique per provider), for imports.
    pub external_ref: Option<String>,
    pub translations: Vec<OfferTranslationInput>,
    /// Area codes such as `language`, `early-childhood`.
    pub category_codes: Vec<String>,
    /// CEFR level; only on language offers.
    pub level: Option<CefrLevelGql>,
    #[graphql(default)]
    pub fide: bool,
    pub cost: OfferCostInput,
    #[graphql(default)]
    pub childcare: bool,
    #[graphql(default)]
    pub online: bool,
    #[graphql(default)]
    pub accessibility: Vec<String>,
    #[graphql(default)]
    pub target_groups: Vec<String>,
    pub registration: Option<OfferRegistrationInput>,
    pub valid_from: Option<Date>,
    pub valid_until: Option<Date>,
    #[graphql(default)]
    pub instruction_languages: Vec<String>,
    #[graphql(default)]
    pub support_languages: Vec<String>,
    /// Regions the offer serves (besides where it takes place).
    #[graphql(default)]
    pub region_ids: Vec<ID>,
    #[graphql(default)]
    pub locations: Vec<OfferLocationInput>,
    #[graphql(default)]
    pub schedules: Vec<OfferScheduleInput>,
}

/// Changes to an offer: fields left out stay as they are; a list given replaces the whole
/// list; `null` clears an optional field.
#[derive(Debug, Clone, Default, InputObject)]
pub struct UpdateOfferInput {
    pub kind: Option<OfferKindGql>,
    pub default_locale: Option<String>,
    pub external_ref: MaybeUndefined<String>,
    pub translations: Option<Vec<OfferTranslationInput>>,
    pub category_codes: Option<Vec<String>>,
    pub level: MaybeUndefined<CefrLevelGql>,
    pub fide: Option<bool>,
    pub cost: Option<OfferCostInput>,
    pub childcare: Option<bool>,
    pub online: Option<bool>,
    pub accessibility: Option<Vec<String>>,
    pub target_groups: Option<Vec<String>>,
    pub registration: Option<OfferRegistrationInput>,
    pub valid_from: MaybeUndefined<Date>,
    pub valid_until: MaybeUndefined<Date>,
    pub instruction_languages: Option<Vec<String>>,
    pub support_languages: Option<Vec<String>>,
    pub region_ids: Option<Vec<ID>>,
    pub locations: Option<Vec<OfferLocationInput>>,
    pub schedules: Option<Vec<OfferScheduleInput>>,
}

fn translations(list: Vec<OfferTranslationInput>) -> Vec<TranslationDraft> {
    list.into_iter()
        .map(|t| TranslationDraft {
            locale: t.locale,
            title: t.title,
            summary: t.summary,
            description: t.description,
        })
        .collect()
}

fn cost(input: OfferCostInput) -> CostDraft {
    CostDraft {
        kind: input.kind.into(),
        price: input.amount,
        unit: input.unit.map(Into::into),
    }
}

fn registration(input: Option<OfferRegistrationInput>) -> RegistrationDraft {
    let input = input.unwrap_or_default();
    RegistrationDraft {
        url: input.url,
        email: input.email,
        phone: input.phone,
    }
}

fn locations(list: Vec<OfferLocationInput>, errors: &mut Vec<FieldError>) -> Vec<LocationDraft> {
    list.into_iter()
        .enumerate()
        .map(|(i, l)| LocationDraft {
            name: l.name,
            street: l.street,
            postcode: l.postcode,
            locality: l.locality,
            municipality_id: l.municipality_id.and_then(|id| {
                expect_global_id(&id, NodeType::Region)
                    .map_err(|err| {
                        errors.push(FieldError::new(
                            format!("input.locations[{i}].municipalityId"),
                            err.to_string(),
                        ))
                    })
                    .ok()
            }),
            lat: l.coordinates.map(|c| c.lat),
            lon: l.coordinates.map(|c| c.lon),
        })
        .collect()
}

fn schedules(list: Vec<OfferScheduleInput>, errors: &mut Vec<FieldError>) -> Vec<ScheduleDraft> {
    list.into_iter()
        .enumerate()
        .map(|(i, s)| ScheduleDraft {
            location: s.location_index.and_then(|index| {
                usize::try_from(index)
                    .map_err(|_| {
                        errors.push(FieldError::new(
                            format!("input.schedules[{i}].locationIndex"),
                            "must not be negative",
                        ))
                    })
                    .ok()
            }),
            start_date: s.start_date.into(),
            end_date: s.end_date.map(Into::into),
            weekday: s.weekday.map(Weekday::iso),
            start_time: s.start_time.map(Into::into),
            end_time: s.end_time.map(Into::into),
            note: s.note,
        })
        .collect()
}

fn finish<T>(value: T, errors: Vec<FieldError>) -> ApiResult<T> {
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(ApiError::invalid_fields(errors))
    }
}

fn maybe<G, S: From<G>>(value: MaybeUndefined<G>) -> Option<Option<S>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(S::from(v))),
    }
}

impl CreateOfferInput {
    /// The provider and the draft.
    pub fn into_service(self) -> ApiResult<(uuid::Uuid, OfferDraft)> {
        let mut errors = Vec::new();
        let provider_id = expect_global_id(&self.provider_id, NodeType::Provider)
            .map_err(|err| errors.push(FieldError::new("input.providerId", err.to_string())))
            .ok();
        let draft = OfferDraft {
            kind: self.kind.into(),
            default_locale: self.default_locale,
            external_ref: self.external_ref,
            level: self.level.map(Into::into),
            fide: self.fide,
            cost: cost(self.cost),
            childcare: self.childcare,
            online: self.online,
            accessibility: self.accessibility,
            target_groups: self.target_groups,
            registration: registration(self.registration),
            valid_from: self.valid_from.map(Into::into),
            valid_until: self.valid_until.map(Into::into),
            translations: translations(self.translations),
            instruction_languages: self.instruction_languages,
            support_languages: self.support_languages,
            category_codes: self.category_codes,
            region_ids: ids(
                Some(self.region_ids),
                NodeType::Region,
                "input.regionIds",
                &mut errors,
            ),
            locations: locations(self.locations, &mut errors),
            schedules: schedules(self.schedules, &mut errors),
        };
        let checked = finish(draft, errors)?;
        Ok((provider_id.unwrap_or_default(), checked))
    }
}

impl UpdateOfferInput {
    /// The patch.
    pub fn into_service(self) -> ApiResult<OfferPatch> {
        let mut errors = Vec::new();
        let patch = OfferPatch {
            kind: self.kind.map(Into::into),
            default_locale: self.default_locale,
            external_ref: maybe(self.external_ref),
            level: maybe(self.level),
            fide: self.fide,
            cost: self.cost.map(cost),
            childcare: self.childcare,
            online: self.online,
            accessibility: self.accessibility,
            target_groups: self.target_groups,
            registration: self.registration.map(|r| registration(Some(r))),
            valid_from: maybe(self.valid_from),
            valid_until: maybe(self.valid_until),
            translations: self.translations.map(translations),
            instruction_languages: self.instruction_languages,
            support_languages: self.support_languages,
            category_codes: self.category_codes,
            region_ids: self
                .region_ids
                .map(|list| ids(Some(list), NodeType::Region, "input.regionIds", &mut errors)),
            locations: self.locations.map(|list| locations(list, &mut errors)),
            schedules: self.schedules.map(|list| schedules(list, &mut errors)),
        };
        finish(patch, errors)
    }
}

/// JSON offer files: each record is a `createOffer` input, read and written through the
/// input type itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct CreateOfferRecords;

impl RecordShape for CreateOfferRecords {
    fn read(&self, record: serde_json::Value) -> ApiResult<(uuid::Uuid, OfferDraft)> {
        let value = async_graphql::Value::from_json(record).unwrap_or(async_graphql::Value::Null);
        match CreateOfferInput::parse(Some(value)) {
            Ok(input) => input.into_service(),
            Err(err) => Err(ApiError::bad_input(
                err.into_server_error(Default::default()).message,
            )),
        }
    }

    fn write(&self, provider_id: uuid::Uuid, draft: &OfferDraft) -> async_graphql::Value {
        CreateOfferInput::from_draft(provider_id, draft).to_value()
    }
}

impl CreateOfferInput {
    /// The input that creates this draft at this provider: the shape of a JSON offer file.
    pub fn from_draft(provider_id: uuid::Uuid, draft: &OfferDraft) -> Self {
        let registration = &draft.registration;
        Self {
            provider_id: global_id(NodeType::Provider, provider_id),
            kind: draft.kind.into(),
            default_locale: draft.default_locale.clone(),
            external_ref: draft.external_ref.clone(),
            translations: draft
                .translations
                .iter()
                .map(|t| OfferTranslationInput {
                    locale: t.locale.clone(),
                    title: t.title.clone(),
                    summary: t.summary.clone(),
                    description: t.description.clone(),
                })
                .collect(),
            category_codes: draft.category_codes.clone(),
            level: draft.level.map(Into::into),
            fide: draft.fide,
            cost: OfferCostInput {
                kind: draft.cost.kind.into(),
                amount: draft.cost.price,
                unit: draft.cost.unit.map(Into::into),
            },
            childcare: draft.childcare,
            online: draft.online,
            accessibility: draft.accessibility.clone(),
            target_groups: draft.target_groups.clone(),
            registration: (registration != &RegistrationDraft::default()).then(|| {
                OfferRegistrationInput {
                    url: registration.url.clone(),
                    email: registration.email.clone(),
                    phone: registration.phone.clone(),
                }
            }),
            valid_from: draft.valid_from.map(Into::into),
            valid_until: draft.valid_until.map(Into::into),
            instruction_languages: draft.instruction_languages.clone(),
            support_languages: draft.support_languages.clone(),
            region_ids: draft
                .region_ids
                .iter()
                .map(|id| global_id(NodeType::Region, *id))
                .collect(),
            locations: draft
                .locations
                .iter()
                .map(|l| OfferLocationInput {
                    name: l.name.clone(),
                    street: l.street.clone(),
                    postcode: l.postcode.clone(),
                    locality: l.locality.clone(),
                    municipality_id: l.municipality_id.map(|id| global_id(NodeType::Region, id)),
                    coordinates: l
                        .lat
                        .zip(l.lon)
                        .map(|(lat, lon)| GeoPointInput { lat, lon }),
                })
                .collect(),
            schedules: draft
                .schedules
                .iter()
                .map(|s| OfferScheduleInput {
                    start_date: s.start_date.into(),
                    end_date: s.end_date.map(Into::into),
                    weekday: s.weekday.and_then(Weekday::from_iso),
                    start_time: s.start_time.map(Into::into),
                    end_time: s.end_time.map(Into::into),
                    location_index: s.location.and_then(|i| i32::try_from(i).ok()),
                    note: s.note.clone(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::json_file;

    #[test]
    fn json_files_read_records_as_inputs_and_name_problems_by_path() {
        let provider =
            crate::ids::global_id(crate::ids::NodeType::Provider, uuid::Uuid::from_u128(7));
        let file = serde_json::json!([
            {
                "providerId": provider.to_string(),
                "externalRef": "K-1",
                "kind": "COURSE",
                "defaultLocale": "de",
                "translations": [{ "locale": "de", "title": "Deutsch A1" }],
                "categoryCodes": ["language"],
                "cost": { "kind": "FREE" }
            },
            { "externalRef": "K-2", "kind": "LECTURE" },
            {
                "providerId": provider.to_string(),
                "kind": "COURSE",
                "defaultLocale": "de",
                "translations": [],
                "categoryCodes": [],
                "cost": { "kind": "FREE" },
                "regionIds": ["nonsense"]
            }
        ])
        .to_string();
        let shape = CreateOfferRecords;
        let rows = json_file::read(&file, &shape).unwrap();
        assert_eq!(rows[0].provider_id, Some(uuid::Uuid::from_u128(7)));
        assert_eq!(rows[0].external_ref.as_deref(), Some("K-1"));
        assert!(rows[0].draft.is_ok());
        assert_eq!(rows[1].row, 2);
        assert!(rows[1].draft.is_err());
        let problems = rows[2].draft.as_ref().unwrap_err();
        assert_eq!(problems[0].field, "regionIds[0]");
        assert!(json_file::read("{}", &shape).is_err());
        assert!(json_file::read("[", &shape).is_err());
    }
}
