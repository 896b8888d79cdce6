//! Demo providers and offers.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use entity::types::{
    CefrLevel, CodeList, CostKind, LanguageRole, OfferKind, OfferStatus, PriceUnit,
};
use entity::{
    category, offer, offer_category, offer_language, offer_location, offer_region, offer_schedule,
    offer_translation, provider,
};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};
use uuid::Uuid;

use super::geography::Place;
use super::texts::{OFFER_TEMPLATES, OfferTemplate, PROVIDER_PATTERNS, Rhythm, place_sentence};
use super::{DemoRng, DemoSize, Geography, already_seeded};
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::service::bulk::insert_all;

/// Offers written per transaction.
const BATCH: usize = 2_000;

/// A provider and the district its offers mostly serve.
pub struct DemoProvider {
    pub id: Uuid,
    /// The district the provider is based in; it publishes offers there.
    pub district: Option<Uuid>,
}

/// One provider per 40 offers (at least one per district), spread over the districts.
pub async fn seed_providers(
    db: &DatabaseConnection,
    geography: &Geography,
    rng: &mut DemoRng,
    size: &DemoSize,
) -> ApiResult<Vec<DemoProvider>> {
    let districts = geography.by_district.len();
    let count = (size.offers as usize / 40).max(districts);
    let now = clock::now();
    let mut rows = Vec::with_capacity(count);
    let mut out = Vec::with_capacity(count);
    for n in 0..count {
        let id = rng.uuid();
        if n == 0 && provider::Entity::find_by_id(id).one(db).await?.is_some() {
            return Err(already_seeded(size.seed));
        }
        let place = geography.place(n, rng.below(1000));
        let (pattern, kind) = rng.pick(PROVIDER_PATTERNS);
        let name = pattern.replace("{place}", &place.municipality.name);
        let slug = format!("{}-{}", slugify(&name), short(id));
        rows.push(provider::ActiveModel {
            id: Set(id),
            slug: Set(slug.clone()),
            kind: Set(*kind),
            name: Set(name),
            default_locale: Set("de".into()),
            email: Set(Some(format!("info@{slug}.example.org"))),
            phone: Set(None),
            website: Set(Some(format!("https://{slug}.example.org"))),
            street: Set(None),
            postcode: Set(None),
            locality: Set(Some(place.municipality.name.clone())),
            municipality_id: Set(Some(place.municipality.id)),
            verified: Set(rng.chance(0.7)),
            trusted: Set(rng.chance(0.3)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
        out.push(DemoProvider {
            id,
            district: place.district,
        });
    }
    let txn = crate::db::begin_write(db).await?;
    insert_all(&txn, rows).await?;
    txn.commit().await?;
    Ok(out)
}

/// The rows of one batch of offers, table by table.
#[derive(Default)]
struct OfferRows {
    offers: Vec<offer::ActiveModel>,
    translations: Vec<offer_translation::ActiveModel>,
    categories: Vec<offer_category::ActiveModel>,
    regions: Vec<offer_region::ActiveModel>,
    languages: Vec<offer_language::ActiveModel>,
    locations: Vec<offer_location::ActiveModel>,
    schedules: Vec<offer_schedule::ActiveModel>,
}

impl OfferRows {
    async fn write(self, db: &DatabaseConnection) -> ApiResult<()> {
        let txn = crate::db::begin_write(db).await?;
        insert_all(&txn, self.offers).await?;
        insert_all(&txn, self.translations).await?;
        insert_all(&txn, self.categories).await?;
        insert_all(&txn, self.regions).await?;
        insert_all(&txn, self.languages).await?;
        insert_all(&txn, self.locations).await?;
        insert_all(&txn, self.schedules).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// Generates `size.offers` offers in batches.
pub async fn seed_offers(
    db: &DatabaseConnection,
    geography: &Geography,
    rng: &mut DemoRng,
    providers: &[DemoProvider],
    size: &DemoSize,
) -> ApiResult<usize> {
    let categories: HashMap<String, Uuid> = category::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.id))
        .collect();
    let mut by_district: HashMap<Option<Uuid>, Vec<Uuid>> = HashMap::new();
    for p in providers {
        by_district.entry(p.district).or_default().push(p.id);
    }
    let total = size.offers as usize;
    let mut rows = OfferRows::default();
    for n in 0..total {
        // A provider of the place's district publishes each offer.
        let place = geography.place_of_offer(n, rng);
        let provider_id = match by_district.get(&place.district) {
            Some(list) => *rng.pick(list),
            None => rng.pick(providers).id,
        };
        generate_offer(
            &mut rows,
            geography,
            place,
            rng,
            &categories,
            provider_id,
            n,
        )?;
        if rows.offers.len() >= BATCH {
            std::mem::take(&mut rows).write(db).await?;
        }
    }
    rows.write(db).await?;
    Ok(total)
}

const LEVELS: [CefrLevel; 5] = [
    CefrLevel::A1,
    CefrLevel::A1,
    CefrLevel::A2,
    CefrLevel::B1,
    CefrLevel::B2,
];
const START_TIMES: [(u32, u32); 6] = [(9, 0), (10, 0), (14, 0), (17, 30), (18, 30), (19, 0)];
const VENUES: [&str; 5] = [
    "Schulhaus",
    "Gemeindesaal",
    "Begegnungszentrum",
    "Pfarreiheim",
    "Bibliothek",
];

fn generate_offer(
    rows: &mut OfferRows,
    geography: &Geography,
    place: &Place,
    rng: &mut DemoRng,
    categories: &HashMap<String, Uuid>,
    provider_id: Uuid,
    n: usize,
) -> ApiResult<()> {
    let template: &OfferTemplate = rng.pick(OFFER_TEMPLATES);
    let id = rng.uuid();
    let now = clock::now();
    let today = now.date_naive();

    let status = match rng.below(20) {
        0 => OfferStatus::Draft,
        1 => OfferStatus::InReview,
        2 => OfferStatus::Archived,
        _ => OfferStatus::Published,
    };
    let expired = rng.chance(0.03);
    let (valid_from, valid_until) = if expired {
        let until = today - Duration::days(rng.between(1, 30));
        (until - Duration::days(rng.between(60, 200)), until)
    } else {
        let from = today - Duration::days(rng.between(0, 90)) + Duration::days(rng.between(0, 60));
        (from, from + Duration::days(rng.between(60, 300)))
    };
    // The second category is drawn first: a level (and fide) belongs to language offers.
    let with_also = template.also.is_some() && rng.chance(0.5);
    let is_language =
        template.category == "language" || (with_also && template.also == Some("language"));
    let level = (template.leveled && is_language).then(|| *rng.pick(&LEVELS));
    let (cost_kind, price_cents, price_unit) = match rng.below(20) {
        0..=8 => (CostKind::Free, None, None),
        9..=14 => {
            if rng.chance(0.5) {
                (
                    CostKind::Paid,
                    Some(rng.between(8, 40) as i32 * 100),
                    Some(PriceUnit::Lesson),
                )
            } else {
                (
                    CostKind::Paid,
                    Some(rng.between(15, 60) as i32 * 1000),
                    Some(PriceUnit::Course),
                )
            }
        }
        _ => {
            if rng.chance(0.5) {
                (
                    CostKind::Subsidised,
                    Some(rng.between(2, 10) as i32 * 1000),
                    Some(PriceUnit::Course),
                )
            } else {
                (CostKind::Subsidised, None, None)
            }
        }
    };
    let online =
        !matches!(template.kind, OfferKind::MeetingPlace | OfferKind::Event) && rng.chance(0.06);
    // Every municipality of the canton speaks German: providers write in German.
    let default_locale = "de";
    let level_text = level.map(level_code).unwrap_or_default();
    let place_name = &place.municipality.name;
    let fill = |title: &str| {
        title
            .replace("{level}", level_text)
            .replace("{place}", place_name)
            .replace("  ", " ")
            .trim()
            .to_owned()
    };
    let sort_title = template
        .texts
        .iter()
        .find(|t| t.0 == default_locale)
        .map(|t| fill(t.1).to_lowercase())
        .unwrap_or_default();
    // Events happen once, some weeks after publication; the rest meet as their rhythm says.
    let event_date =
        (template.rhythm == Rhythm::Once).then(|| valid_from + Duration::days(rng.between(7, 50)));
    let mut accessibility = Vec::new();
    if rng.chance(0.3) {
        accessibility.push("wheelchair-access".to_owned());
    }
    if rng.chance(0.1) {
        accessibility.push("hearing-loop".to_owned());
    }

    rows.offers.push(offer::ActiveModel {
        id: Set(id),
        provider_id: Set(provider_id),
        external_ref: Set(Some(format!("DEMO-{n:06}"))),
        kind: Set(template.kind),
        status: Set(status),
        default_locale: Set(default_locale.into()),
        cefr_level: Set(level),
        fide: Set(level.is_some() && rng.chance(0.4)),
        cost_kind: Set(cost_kind),
        price_cents: Set(price_cents),
        price_unit: Set(price_unit),
        childcare: Set(if template.childcare_likely {
            rng.chance(0.6)
        } else {
            rng.chance(0.05)
        }),
        accessibility: Set(CodeList(accessibility)),
        target_groups: Set(CodeList(
            template
                .target_groups
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        )),
        online: Set(online),
        registration_url: Set(Some(format!("https://example.org/anmeldung/{}", short(id)))),
        registration_email: Set(rng.chance(0.5).then(|| "anmeldung@example.org".to_owned())),
        registration_phone: Set(None),
        valid_from: Set(Some(valid_from)),
        valid_until: Set(Some(valid_until)),
        starts_on: Set(event_date.unwrap_or(valid_from)),
        sort_title: Set(sort_title),
        published_at: Set(
            matches!(status, OfferStatus::Published | OfferStatus::Archived)
                .then(|| now - Duration::days(rng.between(1, 120))),
        ),
        archived_at: Set((status == OfferStatus::Archived).then_some(now)),
        review_note: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    });

    // Texts: the default locale always, German always, the other national languages and
    // English often, the template's further languages sometimes.
    for (locale, title, summary) in template.texts {
        let wanted = *locale == default_locale
            || *locale == "de"
            || match *locale {
                "en" => rng.chance(0.7),
                "fr" => rng.chance(0.5),
                "it" => rng.chance(0.3),
                _ => rng.chance(0.4),
            };
        if !wanted {
            continue;
        }
        let description = format!("{summary} {}", place_sentence(locale, place_name));
        rows.translations.push(offer_translation::ActiveModel {
            offer_id: Set(id),
            locale: Set((*locale).into()),
            title: Set(fill(title)),
            summary: Set(Some((*summary).to_owned())),
            description: Set(Some(description)),
            machine_translated: Set(false),
            source_hash: Set(None),
            updated_at: Set(now),
        });
    }

    let mut category_codes = vec![template.category];
    if let Some(also) = template.also.filter(|_| with_also) {
        category_codes.push(also);
    }
    for code in category_codes {
        let category_id = categories
            .get(code)
            .copied()
            .ok_or_else(|| ApiError::bad_input(format!("category `{code}` is not loaded")))?;
        rows.categories.push(offer_category::ActiveModel {
            offer_id: Set(id),
            category_id: Set(category_id),
        });
    }

    let mut served = Vec::new();
    match (rng.below(20), geography.canton) {
        (0, Some(canton)) => served.push(canton),
        (1..=9, _) if place.district.is_some() => served.extend(place.district),
        _ => served.push(place.municipality.id),
    }
    for region_id in served {
        rows.regions.push(offer_region::ActiveModel {
            offer_id: Set(id),
            region_id: Set(region_id),
        });
    }

    let instruction = if template.category == "language" || rng.chance(0.8) {
        "de"
    } else {
        *rng.pick(&["fr", "en"])
    };
    rows.languages.push(offer_language::ActiveModel {
        offer_id: Set(id),
        language: Set(instruction.into()),
        role: Set(LanguageRole::Instruction),
    });
    if rng.chance(0.5) {
        let support = rng.pick(super::names::NEWCOMERS).language;
        if support != instruction {
            rows.languages.push(offer_language::ActiveModel {
                offer_id: Set(id),
                language: Set(support.into()),
                role: Set(LanguageRole::Support),
            });
        }
    }

    let location_id = (!online).then(|| rng.uuid());
    if let Some(location_id) = location_id {
        rows.locations.push(offer_location::ActiveModel {
            id: Set(location_id),
            offer_id: Set(id),
            name: Set(Some(format!("{} {place_name}", rng.pick(&VENUES)))),
            street: Set(None),
            postcode: Set(None),
            locality: Set(Some(place_name.clone())),
            municipality_id: Set(Some(place.municipality.id)),
            lat: Set(place.municipality.lat.map(|lat| lat + rng.jitter(0.02))),
            lon: Set(place.municipality.lon.map(|lon| lon + rng.jitter(0.03))),
        });
    }

    let dated = |date, start, end| offer_schedule::ActiveModel {
        id: Set(Uuid::nil()),
        offer_id: Set(id),
        location_id: Set(location_id),
        start_date: Set(date),
        end_date: Set(None),
        weekday: Set(None),
        start_time: Set(start),
        end_time: Set(end),
        note: Set(None),
    };
    match template.rhythm {
        Rhythm::Once => {
            if let Some(event_date) = event_date {
                rows.schedules.push(offer_schedule::ActiveModel {
                    id: Set(rng.uuid()),
                    ..dated(
                        event_date,
                        NaiveTime::from_hms_opt(18, 30, 0),
                        NaiveTime::from_hms_opt(20, 30, 0),
                    )
                });
            }
        }
        Rhythm::Monthly => {
            // The same weekday of each month (its first, second… occurrence), as such tables
            // are announced: "every second Saturday of the month".
            let (hour, minute) = *rng.pick(&START_TIMES);
            let start = NaiveTime::from_hms_opt(hour, minute, 0);
            let end = start.map(|s| s + Duration::minutes(120));
            let weekday = rng.between(1, 6) as u32;
            let nth = rng.between(1, 3) as u8;
            for date in monthly_dates(valid_from, valid_until, weekday, nth) {
                rows.schedules.push(offer_schedule::ActiveModel {
                    id: Set(rng.uuid()),
                    ..dated(date, start, end)
                });
            }
        }
        Rhythm::Weekly => {
            let slots = 1 + usize::from(rng.chance(0.3));
            let mut weekdays: Vec<i16> = Vec::new();
            for _ in 0..slots {
                let weekday = rng.between(1, 6) as i16;
                if weekdays.contains(&weekday) {
                    continue;
                }
                weekdays.push(weekday);
                let (hour, minute) = *rng.pick(&START_TIMES);
                let start = NaiveTime::from_hms_opt(hour, minute, 0);
                let end = start.map(|s| s + Duration::minutes(*rng.pick(&[90, 120])));
                rows.schedules.push(offer_schedule::ActiveModel {
                    id: Set(rng.uuid()),
                    start_date: Set(valid_from),
                    end_date: Set(Some(valid_until)),
                    weekday: Set(Some(weekday)),
                    ..dated(valid_from, start, end)
                });
            }
        }
    }
    Ok(())
}

/// The `nth` occurrence of `weekday` (1 = Monday) in every month from `from` to `until`.
fn monthly_dates(from: NaiveDate, until: NaiveDate, weekday: u32, nth: u8) -> Vec<NaiveDate> {
    let Some(weekday) = Weekday::try_from((weekday - 1) as u8).ok() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut year, mut month) = (from.year(), from.month());
    while let Some(date) = NaiveDate::from_weekday_of_month_opt(year, month, weekday, nth) {
        if date > until {
            break;
        }
        if date >= from {
            out.push(date);
        }
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    out
}

fn level_code(level: CefrLevel) -> &'static str {
    match level {
        CefrLevel::A1 => "A1",
        CefrLevel::A2 => "A2",
        CefrLevel::B1 => "B1",
        CefrLevel::B2 => "B2",
        CefrLevel::C1 => "C1",
        CefrLevel::C2 => "C2",
    }
}

/// Lower-case ASCII with dashes, umlauts spelled out.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.to_lowercase().chars() {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'é' | 'è' | 'ê' => out.push('e'),
            'à' | 'â' => out.push('a'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ if !out.ends_with('-') && !out.is_empty() => out.push('-'),
            _ => {}
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// The first eight hex digits of an id, to keep generated names unique.
fn short(id: Uuid) -> String {
    id.simple().to_string().chars().take(8).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monthly_dates_fall_on_the_same_weekday_once_a_month() {
        let from = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let until = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
        // The second Saturday of each month after 20 November.
        let dates = monthly_dates(from, until, 6, 2);
        let expected = [(2026, 12, 12), (2027, 1, 9), (2027, 2, 13), (2027, 3, 13)]
            .map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap());
        assert_eq!(dates, expected);
    }
}
