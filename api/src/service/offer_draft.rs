//! An offer as a provider's form edits it: every field and part in one value, checked as a
//! whole so that a back office can show every problem next to its field at once.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveTime};
use entity::types::{
    CategoryKind, CefrLevel, CostKind, LanguageRole, OfferKind, PriceUnit, RegionKind,
};
use entity::{
    category, offer, offer_category, offer_language, offer_location, offer_region, offer_schedule,
    offer_translation, region,
};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult, FieldError};
use crate::service::{language, text};

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
        let id = model.id;
        let translations = offer_translation::Entity::find()
            .filter(offer_translation::Column::OfferId.eq(id))
            .order_by_asc(offer_translation::Column::Locale)
            .all(db)
            .await?;
        let languages = offer_language::Entity::find()
            .filter(offer_language::Column::OfferId.eq(id))
            .order_by_asc(offer_language::Column::Language)
            .all(db)
            .await?;
        let categories: Vec<String> = category::Entity::find()
            .filter(
                category::Column::Id.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(offer_category::Column::CategoryId)
                        .from(offer_category::Entity)
                        .and_where(offer_category::Column::OfferId.eq(id))
                        .to_owned(),
                ),
            )
            .order_by_asc(category::Column::Code)
            .all(db)
            .await?
            .into_iter()
            .map(|c| c.code)
            .collect();
        let regions: Vec<Uuid> = offer_region::Entity::find()
            .filter(offer_region::Column::OfferId.eq(id))
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.region_id)
            .collect();
        let locations = offer_location::Entity::find()
            .filter(offer_location::Column::OfferId.eq(id))
            .order_by_asc(offer_location::Column::Id)
            .all(db)
            .await?;
        let location_index: HashMap<Uuid, usize> = locations
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id, i))
            .collect();
        let schedules = offer_schedule::Entity::find()
            .filter(offer_schedule::Column::OfferId.eq(id))
            .order_by_asc(offer_schedule::Column::StartDate)
            .order_by_asc(offer_schedule::Column::Id)
            .all(db)
            .await?;
        let of_role = |role: LanguageRole| {
            languages
                .iter()
                .filter(|l| l.role == role)
                .map(|l| l.language.clone())
                .collect::<Vec<_>>()
        };
        Ok(Self {
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
            translations: translations
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
            category_codes: categories,
            region_ids: regions,
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
            schedules: schedules
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
        })
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

/// A checked draft: normalised values and the category ids its codes name.
#[derive(Debug, Clone)]
pub struct CheckedDraft {
    pub draft: OfferDraft,
    pub category_ids: Vec<Uuid>,
}

/// Checks a draft completely: the rules of every field, then the codes and ids it names.
/// `prefix` is the input's name in field paths (`input`).
pub async fn check<C: ConnectionTrait>(
    db: &C,
    mut draft: OfferDraft,
    prefix: &str,
) -> ApiResult<CheckedDraft> {
    let mut errors = Vec::new();
    normalise(&mut draft, prefix, &mut errors);
    check_fields(&draft, prefix, &mut errors);
    let category_ids = check_references(db, &draft, prefix, &mut errors).await?;
    if errors.is_empty() {
        Ok(CheckedDraft {
            draft,
            category_ids,
        })
    } else {
        Err(ApiError::invalid_fields(errors))
    }
}

/// Trims texts, turns blank optional texts into none, normalises codes and locales.
fn normalise(draft: &mut OfferDraft, prefix: &str, errors: &mut Vec<FieldError>) {
    fn blank_to_none(value: &mut Option<String>) {
        if let Some(v) = value {
            let trimmed = v.trim();
            if trimmed.is_empty() {
                *value = None;
            } else if trimmed.len() != v.len() {
                *value = Some(trimmed.to_owned());
            }
        }
    }
    match language::locale(&draft.default_locale) {
        Ok(tag) => draft.default_locale = tag,
        Err(message) => errors.push(FieldError::new(format!("{prefix}.defaultLocale"), message)),
    }
    for (i, t) in draft.translations.iter_mut().enumerate() {
        match language::locale(&t.locale) {
            Ok(tag) => t.locale = tag,
            Err(message) => errors.push(FieldError::new(
                format!("{prefix}.translations[{i}].locale"),
                message,
            )),
        }
        t.title = t.title.trim().to_owned();
        blank_to_none(&mut t.summary);
        blank_to_none(&mut t.description);
    }
    blank_to_none(&mut draft.external_ref);
    blank_to_none(&mut draft.registration.url);
    blank_to_none(&mut draft.registration.email);
    blank_to_none(&mut draft.registration.phone);
    for list in [
        &mut draft.instruction_languages,
        &mut draft.support_languages,
        &mut draft.category_codes,
        &mut draft.accessibility,
        &mut draft.target_groups,
    ] {
        for value in list.iter_mut() {
            *value = value.trim().to_ascii_lowercase();
        }
        let mut seen = HashSet::new();
        list.retain(|v| seen.insert(v.clone()));
    }
    let mut seen = HashSet::new();
    draft.region_ids.retain(|id| seen.insert(*id));
    for location in &mut draft.locations {
        blank_to_none(&mut location.name);
        blank_to_none(&mut location.street);
        blank_to_none(&mut location.postcode);
        blank_to_none(&mut location.locality);
    }
    for schedule in &mut draft.schedules {
        blank_to_none(&mut schedule.note);
    }
}

fn check_fields(draft: &OfferDraft, prefix: &str, errors: &mut Vec<FieldError>) {
    let field = |name: &str| format!("{prefix}.{name}");

    // Texts: at least one locale, each once, the default among them.
    if draft.translations.is_empty() {
        errors.push(FieldError::new(
            field("translations"),
            "needs a title in at least one locale",
        ));
    }
    if draft.translations.len() > MAX_TRANSLATIONS {
        errors.push(FieldError::new(
            field("translations"),
            format!("at most {MAX_TRANSLATIONS} locales"),
        ));
    }
    let mut locales = HashSet::new();
    for (i, t) in draft.translations.iter().enumerate() {
        let at = |name: &str| format!("{prefix}.translations[{i}].{name}");
        if !locales.insert(t.locale.clone()) {
            errors.push(FieldError::new(at("locale"), "appears twice"));
        }
        text::plain(&at("title"), Some(&t.title), 1, MAX_TITLE, errors);
        text::plain(&at("summary"), t.summary.as_deref(), 0, MAX_SUMMARY, errors);
        text::plain(
            &at("description"),
            t.description.as_deref(),
            0,
            MAX_DESCRIPTION,
            errors,
        );
    }
    if !draft.translations.is_empty() && !locales.contains(&draft.default_locale) {
        errors.push(FieldError::new(
            field("defaultLocale"),
            "needs a translation in this locale",
        ));
    }
    if let Some(reference) = &draft.external_ref {
        text::plain(&field("externalRef"), Some(reference), 1, 100, errors);
    }

    // A CEFR level (and fide) only on language offers.
    let is_language = draft.category_codes.iter().any(|c| c == LANGUAGE_AREA);
    if draft.level.is_some() && !is_language {
        errors.push(FieldError::new(
            field("level"),
            "only language offers (category `language`) have a CEFR level",
        ));
    }
    if draft.fide && !is_language {
        errors.push(FieldError::new(
            field("fide"),
            "only language offers can be fide-oriented",
        ));
    }

    check_cost(&draft.cost, prefix, errors);

    let registration = &draft.registration;
    if let Some(url) = &registration.url
        && let Err(message) = text::url(url)
    {
        errors.push(FieldError::new(field("registration.url"), message));
    }
    if let Some(email) = &registration.email
        && let Err(message) = text::email(email)
    {
        errors.push(FieldError::new(field("registration.email"), message));
    }
    if let Some(phone) = &registration.phone
        && let Err(message) = text::phone(phone)
    {
        errors.push(FieldError::new(field("registration.phone"), message));
    }

    if let (Some(from), Some(until)) = (draft.valid_from, draft.valid_until)
        && until < from
    {
        errors.push(FieldError::new(
            field("validUntil"),
            "must not lie before validFrom",
        ));
    }

    for (name, list) in [
        ("instructionLanguages", &draft.instruction_languages),
        ("supportLanguages", &draft.support_languages),
    ] {
        if list.len() > MAX_LANGUAGES {
            errors.push(FieldError::new(
                field(name),
                format!("at most {MAX_LANGUAGES} languages"),
            ));
        }
        for (i, code) in list.iter().enumerate() {
            if !language::is_known(code) {
                errors.push(FieldError::new(
                    format!("{prefix}.{name}[{i}]"),
                    "is not a known language code (ISO 639, such as de, fr, ti)",
                ));
            }
        }
    }
    for (name, list) in [
        ("accessibility", &draft.accessibility),
        ("targetGroups", &draft.target_groups),
    ] {
        if list.len() > MAX_CODES {
            errors.push(FieldError::new(
                field(name),
                format!("at most {MAX_CODES} codes"),
            ));
        }
        for (i, code) in list.iter().enumerate() {
            let ok = (1..=40).contains(&code.len())
                && code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !ok {
                errors.push(FieldError::new(
                    format!("{prefix}.{name}[{i}]"),
                    "codes are lower-case letters, digits and hyphens (such as wheelchair-access)",
                ));
            }
        }
    }
    if draft.category_codes.is_empty() {
        errors.push(FieldError::new(
            field("categoryCodes"),
            "needs at least one category",
        ));
    }
    if draft.category_codes.len() > MAX_CODES {
        errors.push(FieldError::new(
            field("categoryCodes"),
            format!("at most {MAX_CODES} categories"),
        ));
    }
    if draft.region_ids.len() > MAX_REGIONS {
        errors.push(FieldError::new(
            field("regionIds"),
            format!("at most {MAX_REGIONS} regions"),
        ));
    }
    check_locations(&draft.locations, prefix, errors);
    check_schedules(&draft.schedules, draft.locations.len(), prefix, errors);
}

fn check_cost(cost: &CostDraft, prefix: &str, errors: &mut Vec<FieldError>) {
    let field = |name: &str| format!("{prefix}.cost.{name}");
    match (cost.kind, cost.price) {
        (CostKind::Free, Some(_)) => errors.push(FieldError::new(
            field("amount"),
            "a free offer has no price",
        )),
        (CostKind::Paid, None) => errors.push(FieldError::new(
            field("amount"),
            "a paid offer needs a price",
        )),
        _ => {}
    }
    if let Some(price) = cost.price {
        if price.is_sign_negative() {
            errors.push(FieldError::new(field("amount"), "must not be negative"));
        } else if price > Decimal::from(MAX_PRICE_FRANCS) {
            errors.push(FieldError::new(
                field("amount"),
                format!("must be at most {MAX_PRICE_FRANCS} francs"),
            ));
        } else if price.normalize().scale() > 2 {
            errors.push(FieldError::new(
                field("amount"),
                "at most two decimal places (Rappen)",
            ));
        }
        if cost.unit.is_none() {
            errors.push(FieldError::new(field("unit"), "a price needs a unit"));
        }
    } else if cost.unit.is_some() {
        errors.push(FieldError::new(field("unit"), "a unit needs a price"));
    }
}

fn check_locations(locations: &[LocationDraft], prefix: &str, errors: &mut Vec<FieldError>) {
    if locations.len() > MAX_LOCATIONS {
        errors.push(FieldError::new(
            format!("{prefix}.locations"),
            format!("at most {MAX_LOCATIONS} locations"),
        ));
    }
    for (i, l) in locations.iter().enumerate() {
        let at = |name: &str| format!("{prefix}.locations[{i}].{name}");
        text::plain(&at("name"), l.name.as_deref(), 0, 200, errors);
        text::plain(&at("street"), l.street.as_deref(), 0, 200, errors);
        text::plain(&at("locality"), l.locality.as_deref(), 0, 100, errors);
        if let Some(code) = &l.postcode
            && !(code.len() <= 10 && code.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            errors.push(FieldError::new(
                at("postcode"),
                "must be a postcode such as 4600",
            ));
        }
        match (l.lat, l.lon) {
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) || !lat.is_finite() {
                    errors.push(FieldError::new(
                        at("coordinates.lat"),
                        "must lie between -90 and 90",
                    ));
                }
                if !(-180.0..=180.0).contains(&lon) || !lon.is_finite() {
                    errors.push(FieldError::new(
                        at("coordinates.lon"),
                        "must lie between -180 and 180",
                    ));
                }
            }
            (None, None) => {}
            _ => errors.push(FieldError::new(at("coordinates"), "needs both lat and lon")),
        }
    }
}

fn check_schedules(
    schedules: &[ScheduleDraft],
    location_count: usize,
    prefix: &str,
    errors: &mut Vec<FieldError>,
) {
    if schedules.len() > MAX_SCHEDULES {
        errors.push(FieldError::new(
            format!("{prefix}.schedules"),
            format!("at most {MAX_SCHEDULES} schedule entries"),
        ));
    }
    for (i, s) in schedules.iter().enumerate() {
        let at = |name: &str| format!("{prefix}.schedules[{i}].{name}");
        if let Some(end) = s.end_date
            && end < s.start_date
        {
            errors.push(FieldError::new(
                at("endDate"),
                "must not lie before startDate",
            ));
        }
        if let Some(day) = s.weekday
            && !(1..=7).contains(&day)
        {
            errors.push(FieldError::new(
                at("weekday"),
                "weekdays run from 1 (Monday) to 7",
            ));
        }
        if s.weekday.is_none()
            && let Some(end) = s.end_date
            && end != s.start_date
        {
            errors.push(FieldError::new(
                at("weekday"),
                "a date range needs a weekday (a single date needs none)",
            ));
        }
        match (s.start_time, s.end_time) {
            (None, Some(_)) => errors.push(FieldError::new(
                at("startTime"),
                "an end time needs a start time",
            )),
            (Some(start), Some(end)) if end <= start => {
                errors.push(FieldError::new(at("endTime"), "must lie after startTime"))
            }
            _ => {}
        }
        if let Some(index) = s.location
            && index >= location_count
        {
            errors.push(FieldError::new(
                at("locationIndex"),
                format!("names no location (the offer has {location_count})"),
            ));
        }
        text::plain(&at("note"), s.note.as_deref(), 0, 500, errors);
    }
}

/// Checks the category codes, served regions and municipalities against the database;
/// returns the categories' ids.
async fn check_references<C: ConnectionTrait>(
    db: &C,
    draft: &OfferDraft,
    prefix: &str,
    errors: &mut Vec<FieldError>,
) -> ApiResult<Vec<Uuid>> {
    let mut category_ids = Vec::new();
    if !draft.category_codes.is_empty() && draft.category_codes.len() <= MAX_CODES {
        let found: HashMap<String, category::Model> = category::Entity::find()
            .filter(category::Column::Code.is_in(draft.category_codes.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.code.clone(), c))
            .collect();
        for (i, code) in draft.category_codes.iter().enumerate() {
            match found.get(code) {
                Some(c) if c.kind == CategoryKind::Area => category_ids.push(c.id),
                Some(_) => errors.push(FieldError::new(
                    format!("{prefix}.categoryCodes[{i}]"),
                    "is a pillar: choose one of its areas",
                )),
                None => errors.push(FieldError::new(
                    format!("{prefix}.categoryCodes[{i}]"),
                    "is not a known category",
                )),
            }
        }
    }
    if !draft.region_ids.is_empty() && draft.region_ids.len() <= MAX_REGIONS {
        let known: HashSet<Uuid> = region::Entity::find()
            .filter(region::Column::Id.is_in(draft.region_ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        for (i, id) in draft.region_ids.iter().enumerate() {
            if !known.contains(id) {
                errors.push(FieldError::new(
                    format!("{prefix}.regionIds[{i}]"),
                    "is not a known region",
                ));
            }
        }
    }
    let municipalities: Vec<Uuid> = draft
        .locations
        .iter()
        .filter_map(|l| l.municipality_id)
        .collect();
    if !municipalities.is_empty() && draft.locations.len() <= MAX_LOCATIONS {
        let known: HashSet<Uuid> = region::Entity::find()
            .filter(region::Column::Id.is_in(municipalities))
            .filter(region::Column::Kind.eq(RegionKind::Municipality))
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        for (i, l) in draft.locations.iter().enumerate() {
            if let Some(id) = l.municipality_id
                && !known.contains(&id)
            {
                errors.push(FieldError::new(
                    format!("{prefix}.locations[{i}].municipalityId"),
                    "is not a known municipality",
                ));
            }
        }
    }
    Ok(category_ids)
}
