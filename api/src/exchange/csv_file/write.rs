//! Writing offers as CSV, in the columns `read` takes back.

use std::collections::HashSet;

use chrono::{NaiveTime, Timelike};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::exchange::{FileOffer, RegionCodes, formula};
use crate::ids::{NodeType, global_id};
use crate::service::offer::draft::{LocationDraft, OfferDraft, ScheduleDraft};

use super::columns::*;

/// Writes offers as CSV: the fixed columns, then each locale's texts, then as many
/// location and schedule columns as the fullest offer needs.
pub fn write(
    offers: &[FileOffer],
    regions: &RegionCodes,
    with_provider: bool,
) -> ApiResult<String> {
    let mut locales: Vec<&str> = offers
        .iter()
        .flat_map(|o| o.draft.translations.iter().map(|t| t.locale.as_str()))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    locales.sort_unstable();
    let most_locations = offers
        .iter()
        .map(|o| o.draft.locations.len())
        .max()
        .unwrap_or(0);
    let most_schedules = offers
        .iter()
        .map(|o| o.draft.schedules.len())
        .max()
        .unwrap_or(0);

    let mut header: Vec<String> = Vec::new();
    if with_provider {
        header.push(PROVIDER.to_owned());
    }
    header.extend(FIXED.iter().map(|c| (*c).to_owned()));
    for locale in &locales {
        header.extend(TEXT_FIELDS.iter().map(|f| format!("{f}.{locale}")));
    }
    for n in 1..=most_locations {
        header.extend(LOCATION_FIELDS.iter().map(|f| format!("location{n}.{f}")));
    }
    for n in 1..=most_schedules {
        header.extend(SCHEDULE_FIELDS.iter().map(|f| format!("schedule{n}.{f}")));
    }

    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    let failed = |err: csv::Error| {
        ApiError::internal(format_args!("could not write an offer export: {err}"))
    };
    writer.write_record(&header).map_err(failed)?;
    for offer in offers {
        let mut cells = Vec::with_capacity(header.len());
        if with_provider {
            cells.push(global_id(NodeType::Provider, offer.provider_id).to_string());
        }
        cells.extend(fixed_cells(&offer.draft, regions));
        for locale in &locales {
            match offer
                .draft
                .translations
                .iter()
                .find(|t| t.locale == *locale)
            {
                Some(t) => cells.extend([
                    t.title.clone(),
                    t.summary.clone().unwrap_or_default(),
                    t.description.clone().unwrap_or_default(),
                ]),
                None => cells.extend([String::new(), String::new(), String::new()]),
            }
        }
        for i in 0..most_locations {
            match offer.draft.locations.get(i) {
                Some(l) => cells.extend(location_cells(l, regions)),
                None => cells.extend(std::iter::repeat_n(String::new(), LOCATION_FIELDS.len())),
            }
        }
        for i in 0..most_schedules {
            match offer.draft.schedules.get(i) {
                Some(s) => cells.extend(schedule_cells(s)),
                None => cells.extend(std::iter::repeat_n(String::new(), SCHEDULE_FIELDS.len())),
            }
        }
        writer
            .write_record(cells.into_iter().map(formula::defuse))
            .map_err(failed)?;
    }
    let bytes = writer.into_inner().map_err(|err| {
        ApiError::internal(format_args!("could not finish an offer export: {err}"))
    })?;
    String::from_utf8(bytes)
        .map_err(|err| ApiError::internal(format_args!("an offer export is not UTF-8: {err}")))
}

/// The cells of [`FIXED`], in its order.
fn fixed_cells(draft: &OfferDraft, regions: &RegionCodes) -> [String; 21] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        opt(&draft.external_ref),
        enum_name(&draft.kind),
        draft.default_locale.clone(),
        draft.category_codes.join(";"),
        draft.level.map(|l| enum_name(&l)).unwrap_or_default(),
        draft.fide.to_string(),
        enum_name(&draft.cost.kind),
        draft
            .cost
            .price
            .map(|p| format!("{:.2}", p.round_dp(2)))
            .unwrap_or_default(),
        draft.cost.unit.map(|u| enum_name(&u)).unwrap_or_default(),
        draft.childcare.to_string(),
        draft.online.to_string(),
        draft.accessibility.join(";"),
        draft.target_groups.join(";"),
        opt(&draft.registration.url),
        opt(&draft.registration.email),
        opt(&draft.registration.phone),
        draft.valid_from.map(|d| d.to_string()).unwrap_or_default(),
        draft.valid_until.map(|d| d.to_string()).unwrap_or_default(),
        draft.instruction_languages.join(";"),
        draft.support_languages.join(";"),
        draft
            .region_ids
            .iter()
            .map(|id| region_ref(*id, regions))
            .collect::<Vec<_>>()
            .join(";"),
    ]
}

/// A region's code; its id when it has none we know (never the case for stored offers,
/// whose regions the database keeps), so that nothing is lost.
fn region_ref(id: Uuid, regions: &RegionCodes) -> String {
    regions
        .code(id)
        .map(str::to_owned)
        .unwrap_or_else(|| id.to_string())
}

fn location_cells(l: &LocationDraft, regions: &RegionCodes) -> [String; 7] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        opt(&l.name),
        opt(&l.street),
        opt(&l.postcode),
        opt(&l.locality),
        l.municipality_id
            .map(|id| region_ref(id, regions))
            .unwrap_or_default(),
        l.lat.map(|v| v.to_string()).unwrap_or_default(),
        l.lon.map(|v| v.to_string()).unwrap_or_default(),
    ]
}

fn schedule_cells(s: &ScheduleDraft) -> [String; 7] {
    let clock = |t: NaiveTime| {
        if t.second() == 0 {
            t.format("%H:%M").to_string()
        } else {
            t.format("%H:%M:%S").to_string()
        }
    };
    [
        s.start_date.to_string(),
        s.end_date.map(|d| d.to_string()).unwrap_or_default(),
        s.weekday
            .and_then(|d| WEEKDAYS.get(usize::try_from(d - 1).ok()?))
            .map(|d| (*d).to_owned())
            .unwrap_or_default(),
        s.start_time.map(clock).unwrap_or_default(),
        s.end_time.map(clock).unwrap_or_default(),
        s.location.map(|i| (i + 1).to_string()).unwrap_or_default(),
        s.note.clone().unwrap_or_default(),
    ]
}
