//! An offer as a provider's form edits it: every field and part in one value, checked as a
//! whole so that a back office can show every problem next to its field at once.
//!
//! [`load`] reads stored offers back into drafts; [`check`] checks and normalises drafts.

mod check;
mod load;

pub use check::{CheckedDraft, check, check_many};
pub use load::load_many;

use chrono::{NaiveDate, NaiveTime};
use entity::offer;
use entity::types::{CefrLevel, CostKind, OfferKind, PriceUnit};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

/// Limits of one offer's parts.
const MAX_TRANSLATIONS: usize = 30;
const MAX_LOCATIONS: usize = 20;
const MAX_SCHEDULES: usize = 200;
const MAX_REGIONS: usize = 50;
const MAX_CODES: usize = 20;
const MAX_LANGUAGES: usize = 20;
const MAX_TITLE: usize = 200;
const MAX_SUMMARY: usize = 500;
const MAX_DESCRIPTION: usize = 10_000;
/// The largest price, in francs: a safeguard against typing errors in the amount.
const MAX_PRICE_FRANCS: i64 = 100_000;
/// The category area that makes an offer a language offer (and allows a CEFR level).
pub const LANGUAGE_AREA: &str = "language";

/// An offer's text in one locale.
#[derive(Debug, Clone, PartialEq)]
pub struct TranslationDraft {
    pub locale: String,
    pub title: String,
    pub summary: Option<String>,
    pub description: Option<String>,
}

/// A place where the offer meets.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LocationDraft {
    pub name: Option<String>,
    pub street: Option<String>,
    pub postcode: Option<String>,
    pub locality: Option<String>,
    pub municipality_id: Option<Uuid>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// When the offer meets: weekly from `start_date` to `end_date` on `weekday`, or once on
/// `start_date` when there is no weekday.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleDraft {
    /// Index into the offer's locations.
    pub location: Option<usize>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub weekday: Option<i16>,
    pub start_time: Option<NaiveTime>,
    pub end_time: Option<NaiveTime>,
    pub note: Option<String>,
}

/// How to register.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RegistrationDraft {
    pub url: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// What the offer costs; the price in francs.
#[derive(Debug, Clone, PartialEq)]
pub struct CostDraft {
    pub kind: CostKind,
    pub price: Option<Decimal>,
    pub unit: Option<PriceUnit>,
}

/// A whole offer as edited.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferDraft {
    pub kind: OfferKind,
    pub default_locale: String,
    pub external_ref: Option<String>,
    pub level: Option<CefrLevel>,
    pub fide: bool,
    pub cost: CostDraft,
    pub childcare: bool,
    pub online: bool,
    pub accessibility: Vec<String>,
    pub target_groups: Vec<String>,
    pub registration: RegistrationDraft,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub translations: Vec<TranslationDraft>,
    pub instruction_languages: Vec<String>,
    pub support_languages: Vec<String>,
    pub category_codes: Vec<String>,
    pub region_ids: Vec<Uuid>,
    pub locations: Vec<LocationDraft>,
    pub schedules: Vec<ScheduleDraft>,
}

/// Changes to an offer: given fields replace the stored ones (a given list replaces the
/// whole list); `Some(None)` clears an optional field.
#[derive(Debug, Clone, Default)]
pub struct OfferPatch {
    pub kind: Option<OfferKind>,
    pub default_locale: Option<String>,
    pub external_ref: Option<Option<String>>,
    pub level: Option<Option<CefrLevel>>,
    pub fide: Option<bool>,
    pub cost: Option<CostDraft>,
    pub childcare: Option<bool>,
    pub online: Option<bool>,
    pub accessibility: Option<Vec<String>>,
    pub target_groups: Option<Vec<String>>,
    pub registration: Option<RegistrationDraft>,
    pub valid_from: Option<Option<NaiveDate>>,
    pub valid_until: Option<Option<NaiveDate>>,
    pub translations: Option<Vec<TranslationDraft>>,
    pub instruction_languages: Option<Vec<String>>,
    pub support_languages: Option<Vec<String>>,
    pub category_codes: Option<Vec<String>>,
    pub region_ids: Option<Vec<Uuid>>,
    pub locations: Option<Vec<LocationDraft>>,
    pub schedules: Option<Vec<ScheduleDraft>>,
}

impl OfferPatch {
    /// The names of the fields the patch changes, for the audit log.
    pub fn changed_fields(&self) -> Vec<&'static str> {
        let given = [
            ("kind", self.kind.is_some()),
            ("defaultLocale", self.default_locale.is_some()),
            ("externalRef", self.external_ref.is_some()),
            ("level", self.level.is_some()),
            ("fide", self.fide.is_some()),
            ("cost", self.cost.is_some()),
            ("childcare", self.childcare.is_some()),
            ("online", self.online.is_some()),
            ("accessibility", self.accessibility.is_some()),
            ("targetGroups", self.target_groups.is_some()),
            ("registration", self.registration.is_some()),
            ("validFrom", self.valid_from.is_some()),
            ("validUntil", self.valid_until.is_some()),
            ("translations", self.translations.is_some()),
            ("instructionLanguages", self.instruction_languages.is_some()),
            ("supportLanguages", self.support_languages.is_some()),
            ("categoryCodes", self.category_codes.is_some()),
            ("regionIds", self.region_ids.is_some()),
            ("locations", self.locations.is_some()),
            ("schedules", self.schedules.is_some()),
        ];
        given.iter().filter(|(_, g)| *g).map(|(n, _)| *n).collect()
    }

    /// The draft with this patch applied.
    pub fn apply(self, mut draft: OfferDraft) -> OfferDraft {
        macro_rules! take {
            ($($field:ident),*) => {
                $(if let Some(value) = self.$field { draft.$field = value; })*
            };
        }
        take!(
            kind,
            default_locale,
            external_ref,
            level,
            fide,
            cost,
            childcare,
            online,
            accessibility,
            target_groups,
            registration,
            valid_from,
            valid_until,
            translations,
            instruction_languages,
            support_languages,
            category_codes,
            region_ids,
            locations,
            schedules
        );
        draft
    }
}

impl OfferDraft {
    /// The stored offer as a draft, for applying a patch.
    pub async fn load<C: ConnectionTrait>(db: &C, model: &offer::Model) -> ApiResult<Self> {
        load_many(db, std::slice::from_ref(model))
            .await?
            .remove(&model.id)
            .ok_or(ApiError::NotFound("offer"))
    }

    /// The draft in a canonical order, for telling whether two drafts say the same: the
    /// parts the database keeps without an order (translations, languages, categories,
    /// regions, schedules) sorted. Locations keep their order, since schedules point at them.
    pub fn canonical(mut self) -> Self {
        self.translations.sort_by(|a, b| a.locale.cmp(&b.locale));
        self.instruction_languages.sort();
        self.support_languages.sort();
        self.category_codes.sort();
        self.region_ids.sort();
        self.schedules.sort_by(|a, b| {
            (
                a.start_date,
                a.end_date,
                a.weekday,
                a.start_time,
                a.end_time,
            )
                .cmp(&(
                    b.start_date,
                    b.end_date,
                    b.weekday,
                    b.start_time,
                    b.end_time,
                ))
                .then_with(|| (a.location, &a.note).cmp(&(b.location, &b.note)))
        });
        self
    }

    /// The first day the offer meets: its earliest schedule, else its validity start, else
    /// `today`.
    pub fn starts_on(&self, today: NaiveDate) -> NaiveDate {
        self.schedules
            .iter()
            .map(|s| s.start_date)
            .min()
            .or(self.valid_from)
            .unwrap_or(today)
    }

    /// The title used for sorting: the default locale's, lower-cased.
    pub fn sort_title(&self) -> String {
        self.translations
            .iter()
            .find(|t| t.locale == self.default_locale)
            .or_else(|| self.translations.first())
            .map(|t| t.title.trim().to_lowercase())
            .unwrap_or_default()
    }

    /// The price in Rappen.
    pub fn price_cents(&self) -> Option<i32> {
        self.cost
            .price
            .and_then(|p| (p * Decimal::from(100)).round().to_i32())
    }
}
