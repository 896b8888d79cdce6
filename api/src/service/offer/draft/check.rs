//! Checks drafts: normalises them, applies every field's rules, then looks up the codes and
//! ids they name. Many drafts are checked with one round of lookups, so an import of ten
//! thousand offers costs a few queries, not thirty thousand.

use std::collections::{HashMap, HashSet};

use entity::types::{CategoryKind, CostKind, RegionKind};
use entity::{category, region};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{
    CostDraft, LANGUAGE_AREA, LocationDraft, MAX_CODES, MAX_DESCRIPTION, MAX_LANGUAGES,
    MAX_LOCATIONS, MAX_PRICE_FRANCS, MAX_REGIONS, MAX_SCHEDULES, MAX_SUMMARY, MAX_TITLE,
    MAX_TRANSLATIONS, OfferDraft, ScheduleDraft,
};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::language;
use crate::service::text;

/// Ids per lookup query, well below the databases' limits on bound parameters.
const LOOKUP_CHUNK: usize = 1000;

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
    draft: OfferDraft,
    prefix: &str,
) -> ApiResult<CheckedDraft> {
    let mut results = check_many(db, vec![draft], prefix).await?;
    match results.pop() {
        Some(Ok(checked)) => Ok(checked),
        Some(Err(errors)) => Err(ApiError::invalid_fields(errors)),
        None => Err(ApiError::internal("checking one draft gave no result")),
    }
}

/// Checks many drafts with one round of lookups. Each draft gets its own result: the
/// checked draft, or every problem found in it. The error is for the database only.
pub async fn check_many<C: ConnectionTrait>(
    db: &C,
    drafts: Vec<OfferDraft>,
    prefix: &str,
) -> ApiResult<Vec<Result<CheckedDraft, Vec<FieldError>>>> {
    let mut checked = Vec::with_capacity(drafts.len());
    for mut draft in drafts {
        let mut errors = Vec::new();
        normalise(&mut draft, prefix, &mut errors);
        check_fields(&draft, prefix, &mut errors);
        checked.push((draft, errors));
    }
    let known = Known::load(db, checked.iter().map(|(d, _)| d)).await?;
    Ok(checked
        .into_iter()
        .map(|(draft, mut errors)| {
            let category_ids = known.check(&draft, prefix, &mut errors);
            if errors.is_empty() {
                Ok(CheckedDraft {
                    draft,
                    category_ids,
                })
            } else {
                Err(errors)
            }
        })
        .collect())
}

/// The one form of an accessibility or target-group code: lower-case words joined by
/// hyphens (`wheelchair-access`). Other spellings of the same code (`WHEELCHAIR_ACCESS`,
/// `Wheelchair Access`) are read as it, so clients and files need not know the form.
pub fn canonical_code(value: &str) -> String {
    value
        .trim()
        .to_lowercase()
        .split(|c: char| c == '_' || c == '-' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
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
    ] {
        for value in list.iter_mut() {
            *value = value.trim().to_ascii_lowercase();
        }
    }
    for list in [&mut draft.accessibility, &mut draft.target_groups] {
        for value in list.iter_mut() {
            *value = canonical_code(value);
        }
    }
    for list in [
        &mut draft.instruction_languages,
        &mut draft.support_languages,
        &mut draft.category_codes,
        &mut draft.accessibility,
        &mut draft.target_groups,
    ] {
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

/// The categories, regions and municipalities that a set of drafts names and that exist.
struct Known {
    categories: HashMap<String, (Uuid, CategoryKind)>,
    regions: HashSet<Uuid>,
    municipalities: HashSet<Uuid>,
}

impl Known {
    async fn load<'a, C: ConnectionTrait>(
        db: &C,
        drafts: impl Iterator<Item = &'a OfferDraft>,
    ) -> ApiResult<Self> {
        let mut codes = HashSet::new();
        let mut region_ids = HashSet::new();
        let mut municipality_ids = HashSet::new();
        for draft in drafts {
            codes.extend(draft.category_codes.iter().cloned());
            region_ids.extend(draft.region_ids.iter().copied());
            municipality_ids.extend(draft.locations.iter().filter_map(|l| l.municipality_id));
        }
        let mut known = Self {
            categories: HashMap::new(),
            regions: HashSet::new(),
            municipalities: HashSet::new(),
        };
        let codes: Vec<String> = codes.into_iter().collect();
        for chunk in codes.chunks(LOOKUP_CHUNK) {
            let found = category::Entity::find()
                .filter(category::Column::Code.is_in(chunk.iter().cloned()))
                .all(db)
                .await?;
            known
                .categories
                .extend(found.into_iter().map(|c| (c.code, (c.id, c.kind))));
        }
        let region_ids: Vec<Uuid> = region_ids.into_iter().collect();
        for chunk in region_ids.chunks(LOOKUP_CHUNK) {
            let found = region::Entity::find()
                .filter(region::Column::Id.is_in(chunk.iter().copied()))
                .all(db)
                .await?;
            known.regions.extend(found.into_iter().map(|r| r.id));
        }
        let municipality_ids: Vec<Uuid> = municipality_ids.into_iter().collect();
        for chunk in municipality_ids.chunks(LOOKUP_CHUNK) {
            let found = region::Entity::find()
                .filter(region::Column::Id.is_in(chunk.iter().copied()))
                .filter(region::Column::Kind.eq(RegionKind::Municipality))
                .all(db)
                .await?;
            known.municipalities.extend(found.into_iter().map(|r| r.id));
        }
        Ok(known)
    }

    /// Checks the category codes, served regions and municipalities of one draft; returns
    /// the categories' ids.
    fn check(&self, draft: &OfferDraft, prefix: &str, errors: &mut Vec<FieldError>) -> Vec<Uuid> {
        let mut category_ids = Vec::new();
        if draft.category_codes.len() <= MAX_CODES {
            for (i, code) in draft.category_codes.iter().enumerate() {
                match self.categories.get(code) {
                    Some((id, CategoryKind::Area)) => category_ids.push(*id),
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
        if draft.region_ids.len() <= MAX_REGIONS {
            for (i, id) in draft.region_ids.iter().enumerate() {
                if !self.regions.contains(id) {
                    errors.push(FieldError::new(
                        format!("{prefix}.regionIds[{i}]"),
                        "is not a known region",
                    ));
                }
            }
        }
        if draft.locations.len() <= MAX_LOCATIONS {
            for (i, l) in draft.locations.iter().enumerate() {
                if let Some(id) = l.municipality_id
                    && !self.municipalities.contains(&id)
                {
                    errors.push(FieldError::new(
                        format!("{prefix}.locations[{i}].municipalityId"),
                        "is not a known municipality",
                    ));
                }
            }
        }
        category_ids
    }
}
