//! Reading a CSV file into drafts, every problem of a row reported at once.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime};
use entity::types::{CefrLevel, CostKind, OfferKind, PriceUnit};
use rust_decimal::Decimal;
use sea_orm::Iterable;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiResult, FieldError};
use crate::exchange::{FieldNames, FileRow, RegionCodes, file_error, formula};
use crate::ids::{NodeType, expect_global_id};
use crate::service::offer::draft::{
    CostDraft, LocationDraft, OfferDraft, RegistrationDraft, ScheduleDraft, TranslationDraft,
};

use super::columns::*;

/// Reads a CSV file of offers.
pub fn read(text: &str, regions: &RegionCodes) -> ApiResult<Vec<FileRow>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(text))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let names: Vec<String> = reader
        .headers()
        .map_err(|err| file_error(format!("the header cannot be read: {err}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    let header = Header::parse(&names)?;
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        // The header is row 1, so the first offer is row 2, as a spreadsheet shows it.
        let row = index + 2;
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                rows.push(FileRow {
                    row,
                    external_ref: None,
                    provider_id: None,
                    draft: Err(vec![FieldError::new("row", unreadable(&err))]),
                    names: Arc::new(FieldNames::Csv {
                        locales: Vec::new(),
                        locations: Vec::new(),
                        schedules: Vec::new(),
                    }),
                });
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        rows.push(read_row(&header, &record, row, regions));
    }
    Ok(rows)
}

fn unreadable(err: &csv::Error) -> String {
    match err.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("has {len} cells where the header has {expected_len}"),
        _ => format!("cannot be read: {err}"),
    }
}

/// One row's cells, sorted by what they hold.
#[derive(Default)]
struct Cells<'a> {
    fixed: HashMap<&'static str, &'a str>,
    provider: Option<&'a str>,
    texts: BTreeMap<usize, [&'a str; 3]>,
    locations: BTreeMap<usize, [&'a str; 7]>,
    schedules: BTreeMap<usize, [&'a str; 7]>,
}

impl<'a> Cells<'a> {
    fn of(header: &Header, record: &'a csv::StringRecord) -> Self {
        let mut cells = Self::default();
        for (column, value) in header.columns.iter().zip(record.iter()) {
            let value = formula::restore(value);
            match column {
                Column::Fixed(name) => {
                    cells.fixed.insert(name, value);
                }
                Column::Provider => cells.provider = Some(value),
                Column::Text(field, locale) => {
                    cells.texts.entry(*locale).or_insert([""; 3])[*field] = value;
                }
                Column::Location(n, field) => {
                    cells.locations.entry(*n).or_insert([""; 7])[*field] = value;
                }
                Column::Schedule(n, field) => {
                    cells.schedules.entry(*n).or_insert([""; 7])[*field] = value;
                }
            }
        }
        cells
    }

    fn get(&self, name: &str) -> Option<&'a str> {
        self.fixed.get(name).copied().filter(|v| !v.is_empty())
    }
}

/// Collects a row's problems, each under its column's name.
struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, column: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(column, message));
    }
}

fn read_row(
    header: &Header,
    record: &csv::StringRecord,
    row: usize,
    regions: &RegionCodes,
) -> FileRow {
    let cells = Cells::of(header, record);
    let mut problems = Problems(Vec::new());
    let p = &mut problems;

    let provider_id =
        cells.provider.filter(|v| !v.is_empty()).and_then(|v| {
            match expect_global_id(v, NodeType::Provider) {
                Ok(id) => Some(id),
                Err(err) => {
                    p.add(PROVIDER, err.to_string());
                    None
                }
            }
        });
    let kind = required(&cells, "kind", p).and_then(|v| enum_value::<OfferKind>("kind", v, p));
    let default_locale = required(&cells, "defaultLocale", p)
        .unwrap_or_default()
        .to_owned();
    let cost_kind =
        required(&cells, "costKind", p).and_then(|v| enum_value::<CostKind>("costKind", v, p));
    let level = cells
        .get("level")
        .and_then(|v| enum_value::<CefrLevel>("level", v, p));
    let unit = cells
        .get("priceUnit")
        .and_then(|v| enum_value::<PriceUnit>("priceUnit", v, p));
    let price = cells.get("price").and_then(|v| match v.parse::<Decimal>() {
        Ok(price) => Some(price),
        Err(_) => {
            p.add(
                "price",
                "must be an amount in francs, with a point for Rappen (120.50)",
            );
            None
        }
    });
    let region_ids = list(cells.get("regions"))
        .into_iter()
        .filter_map(|code| {
            let id = regions.id(&code);
            if id.is_none() {
                p.add("regions", format!("`{code}` is not a known region code"));
            }
            id
        })
        .collect();

    let mut locales = Vec::new();
    let mut translations = Vec::new();
    for (locale, [title, summary, description]) in &cells.texts {
        if [title, summary, description].iter().all(|v| v.is_empty()) {
            continue;
        }
        let tag = header.locales.get(*locale).cloned().unwrap_or_default();
        locales.push(tag.clone());
        translations.push(TranslationDraft {
            locale: tag,
            title: (*title).to_owned(),
            summary: some(summary),
            description: some(description),
        });
    }

    let mut location_numbers = Vec::new();
    let mut locations = Vec::new();
    for (n, cells) in &cells.locations {
        if cells.iter().all(|v| v.is_empty()) {
            continue;
        }
        let [name, street, postcode, locality, municipality, lat, lon] = *cells;
        let column = |field: &str| format!("location{n}.{field}");
        let municipality_id = some(municipality).and_then(|code| {
            let id = regions.id(&code);
            if id.is_none() {
                p.add(
                    column("municipality"),
                    format!("`{code}` is not a known region code"),
                );
            }
            id
        });
        location_numbers.push(*n);
        locations.push(LocationDraft {
            name: some(name),
            street: some(street),
            postcode: some(postcode),
            locality: some(locality),
            municipality_id,
            lat: number(&column("lat"), lat, p),
            lon: number(&column("lon"), lon, p),
        });
    }

    let mut schedule_numbers = Vec::new();
    let mut schedules = Vec::new();
    for (n, cells) in &cells.schedules {
        if cells.iter().all(|v| v.is_empty()) {
            continue;
        }
        let [start, end, weekday, from, until, location, note] = *cells;
        let column = |field: &str| format!("schedule{n}.{field}");
        let start_date = if start.is_empty() {
            p.add(column("startDate"), "is required");
            None
        } else {
            date(&column("startDate"), start, p)
        };
        let location = some(location).and_then(|v| {
            match v
                .parse::<usize>()
                .ok()
                .and_then(|m| location_numbers.iter().position(|l| *l == m))
            {
                Some(index) => Some(index),
                None => {
                    p.add(
                        column("location"),
                        format!("names no filled location column (location{v}.…)"),
                    );
                    None
                }
            }
        });
        schedule_numbers.push(*n);
        if let Some(start_date) = start_date {
            schedules.push(ScheduleDraft {
                location,
                start_date,
                end_date: some(end).and_then(|v| date(&column("endDate"), &v, p)),
                weekday: some(weekday).and_then(|v| weekday_number(&column("weekday"), &v, p)),
                start_time: some(from).and_then(|v| time(&column("startTime"), &v, p)),
                end_time: some(until).and_then(|v| time(&column("endTime"), &v, p)),
                note: some(note),
            });
        }
    }

    let draft = OfferDraft {
        kind: kind.unwrap_or(OfferKind::Course),
        default_locale,
        external_ref: cells.get("externalRef").map(str::to_owned),
        level,
        fide: flag(&cells, "fide", p),
        cost: CostDraft {
            kind: cost_kind.unwrap_or(CostKind::Free),
            price,
            unit,
        },
        childcare: flag(&cells, "childcare", p),
        online: flag(&cells, "online", p),
        accessibility: list(cells.get("accessibility")),
        target_groups: list(cells.get("targetGroups")),
        registration: RegistrationDraft {
            url: cells.get("registrationUrl").map(str::to_owned),
            email: cells.get("registrationEmail").map(str::to_owned),
            phone: cells.get("registrationPhone").map(str::to_owned),
        },
        valid_from: cells.get("validFrom").and_then(|v| date("validFrom", v, p)),
        valid_until: cells
            .get("validUntil")
            .and_then(|v| date("validUntil", v, p)),
        translations,
        instruction_languages: list(cells.get("instructionLanguages")),
        support_languages: list(cells.get("supportLanguages")),
        category_codes: list(cells.get("categories")),
        region_ids,
        locations,
        schedules,
    };
    FileRow {
        row,
        external_ref: draft.external_ref.clone(),
        provider_id,
        draft: if problems.0.is_empty() {
            Ok(draft)
        } else {
            Err(problems.0)
        },
        names: Arc::new(FieldNames::Csv {
            locales,
            locations: location_numbers,
            schedules: schedule_numbers,
        }),
    }
}

fn some(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

fn required<'a>(cells: &Cells<'a>, name: &str, p: &mut Problems) -> Option<&'a str> {
    let value = cells.get(name);
    if value.is_none() {
        p.add(name, "is required");
    }
    value
}

fn list(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(LIST_SEPARATOR)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

fn flag(cells: &Cells<'_>, name: &str, p: &mut Problems) -> bool {
    match cells.get(name).map(str::to_ascii_lowercase).as_deref() {
        None | Some("false" | "no" | "0") => false,
        Some("true" | "yes" | "1") => true,
        Some(_) => {
            p.add(name, "must be true or false");
            false
        }
    }
}

fn number(column: &str, value: &str, p: &mut Problems) -> Option<f64> {
    if value.is_empty() {
        return None;
    }
    match value.parse::<f64>() {
        Ok(n) if n.is_finite() => Some(n),
        _ => {
            p.add(column, "must be a number with a decimal point (47.2088)");
            None
        }
    }
}

fn date(column: &str, value: &str, p: &mut Problems) -> Option<NaiveDate> {
    let parsed = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(value, "%d.%m.%Y"));
    match parsed {
        Ok(date) => Some(date),
        Err(_) => {
            p.add(column, "must be a date such as 2026-08-17 or 17.08.2026");
            None
        }
    }
}

fn time(column: &str, value: &str, p: &mut Problems) -> Option<NaiveTime> {
    let parsed = NaiveTime::parse_from_str(value, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(value, "%H:%M:%S"));
    match parsed {
        Ok(time) => Some(time),
        Err(_) => {
            p.add(column, "must be a time such as 18:30");
            None
        }
    }
}

fn weekday_number(column: &str, value: &str, p: &mut Problems) -> Option<i16> {
    let upper = value.to_uppercase();
    let found = WEEKDAYS
        .iter()
        .position(|d| *d == upper)
        .map(|i| i as i16 + 1)
        .or_else(|| value.parse::<i16>().ok().filter(|d| (1..=7).contains(d)));
    if found.is_none() {
        p.add(column, "must be MONDAY … SUNDAY (or 1 … 7)");
    }
    found
}

/// An enumeration's value by its name (`MEETING_PLACE`; case, spaces and hyphens aside).
fn enum_value<T>(column: &str, value: &str, p: &mut Problems) -> Option<T>
where
    T: DeserializeOwned + Serialize + Iterable,
{
    let name = value.trim().to_uppercase().replace([' ', '-'], "_");
    match serde_json::from_value(serde_json::Value::String(name)) {
        Ok(found) => Some(found),
        Err(_) => {
            let names: Vec<String> = T::iter().map(|v| enum_name(&v)).collect();
            p.add(column, format!("must be one of {}", names.join(", ")));
            None
        }
    }
}
