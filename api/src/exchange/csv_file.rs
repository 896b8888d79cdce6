//! The CSV shape: one row per offer, columns named in the header, in any order.
//!
//! | column | holds |
//! |---|---|
//! | `externalRef` | the provider's own reference; the import finds offers by it |
//! | `kind` | `COURSE`, `GROUP`, `COUNSELLING`, `EVENT`, `MEETING_PLACE`, `SERVICE` |
//! | `defaultLocale` | the locale the provider writes in (`de`) |
//! | `title.<locale>`, `summary.<locale>`, `description.<locale>` | the texts in each locale (`title.de`, `title.fr`…) |
//! | `categories` | area codes, separated by `;` |
//! | `level` | CEFR level of a language course (`A1`…`C2`) |
//! | `fide`, `childcare`, `online` | `true` or `false` (empty is `false`) |
//! | `costKind` | `FREE`, `PAID`, `SUBSIDISED` |
//! | `price`, `priceUnit` | francs with a point (`120.50`); `COURSE`, `LESSON`, `MONTH` |
//! | `accessibility`, `targetGroups` | codes, separated by `;` |
//! | `registrationUrl`, `registrationEmail`, `registrationPhone` | how to sign up |
//! | `validFrom`, `validUntil` | dates, `2026-08-17` (or `17.08.2026`) |
//! | `instructionLanguages`, `supportLanguages` | ISO 639 codes, separated by `;` |
//! | `regions` | codes of the regions served, separated by `;` |
//! | `location<N>.name`, `.street`, `.postcode`, `.locality`, `.municipality`, `.lat`, `.lon` | the N-th place (from 1); `municipality` is a region code |
//! | `schedule<N>.startDate`, `.endDate`, `.weekday`, `.startTime`, `.endTime`, `.location`, `.note` | the N-th date or weekly slot; `weekday` is `MONDAY`…`SUNDAY`, `location` the N of a location |
//! | `providerId` | only in exports that span providers: the provider's id |
//!
//! Required columns: `externalRef`, `kind`, `defaultLocale`, `categories`, `costKind` and at
//! least one `title.<locale>`. Unknown columns are refused, so that a misspelt column does
//! not drop its data unnoticed. Commas or semicolons separate cells (Excel writes either,
//! depending on the region's settings); the header line tells which.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, NaiveTime, Timelike};
use entity::types::{CefrLevel, CostKind, OfferKind, PriceUnit};
use rust_decimal::Decimal;
use sea_orm::Iterable;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::{FieldNames, FileOffer, FileRow, RegionCodes, file_error, formula};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::ids::{NodeType, expect_global_id, global_id};
use crate::service::offer_draft::{
    CostDraft, LocationDraft, OfferDraft, RegistrationDraft, ScheduleDraft, TranslationDraft,
};

/// The columns every offer has once, in the order exports write them.
const FIXED: [&str; 21] = [
    "externalRef",
    "kind",
    "defaultLocale",
    "categories",
    "level",
    "fide",
    "costKind",
    "price",
    "priceUnit",
    "childcare",
    "online",
    "accessibility",
    "targetGroups",
    "registrationUrl",
    "registrationEmail",
    "registrationPhone",
    "validFrom",
    "validUntil",
    "instructionLanguages",
    "supportLanguages",
    "regions",
];
const REQUIRED: [&str; 5] = [
    "externalRef",
    "kind",
    "defaultLocale",
    "categories",
    "costKind",
];
const PROVIDER: &str = "providerId";
const TEXT_FIELDS: [&str; 3] = ["title", "summary", "description"];
const LOCATION_FIELDS: [&str; 7] = [
    "name",
    "street",
    "postcode",
    "locality",
    "municipality",
    "lat",
    "lon",
];
const SCHEDULE_FIELDS: [&str; 7] = [
    "startDate",
    "endDate",
    "weekday",
    "startTime",
    "endTime",
    "location",
    "note",
];
const WEEKDAYS: [&str; 7] = [
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
    "SUNDAY",
];
/// The highest location or schedule number a column may carry: the draft's own limits
/// refuse more than 20 locations and 200 schedules, this only keeps headers sane.
const MAX_GROUP_NUMBER: usize = 500;
/// Separates the codes in a list cell.
const LIST_SEPARATOR: char = ';';

/// What a header column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Fixed(&'static str),
    Provider,
    /// A text field (index into [`TEXT_FIELDS`]) of a locale (index into the header's
    /// locales).
    Text(usize, usize),
    /// A field (index into [`LOCATION_FIELDS`]) of the N-th location.
    Location(usize, usize),
    /// A field (index into [`SCHEDULE_FIELDS`]) of the N-th schedule.
    Schedule(usize, usize),
}

/// The header, understood.
struct Header {
    columns: Vec<Column>,
    locales: Vec<String>,
}

impl Header {
    fn parse(names: &[String]) -> ApiResult<Self> {
        let mut columns = Vec::with_capacity(names.len());
        let mut locales: Vec<String> = Vec::new();
        let mut problems = Vec::new();
        let mut seen = HashSet::new();
        for name in names {
            if !seen.insert(name.as_str()) {
                problems.push(format!("column `{name}` appears twice"));
                continue;
            }
            match column_of(name, &mut locales) {
                Some(column) => columns.push(column),
                None => problems.push(format!("unknown column `{name}`")),
            }
        }
        for required in REQUIRED {
            if !columns.contains(&Column::Fixed(required)) {
                problems.push(format!("required column `{required}` is missing"));
            }
        }
        if !columns.iter().any(|c| matches!(c, Column::Text(0, _))) {
            problems.push("needs a `title.<locale>` column, such as `title.de`".into());
        }
        if !problems.is_empty() {
            return Err(ApiError::invalid_fields(
                problems
                    .into_iter()
                    .map(|p| FieldError::new("header", p))
                    .collect(),
            ));
        }
        Ok(Self { columns, locales })
    }
}

/// The column a header name names, registering a new locale as it goes.
fn column_of(name: &str, locales: &mut Vec<String>) -> Option<Column> {
    if let Some(fixed) = FIXED.iter().find(|f| **f == name) {
        return Some(Column::Fixed(fixed));
    }
    if name == PROVIDER {
        return Some(Column::Provider);
    }
    let (group, field) = name.split_once('.')?;
    if let Some(text) = TEXT_FIELDS.iter().position(|f| *f == group) {
        if field.is_empty() || !field.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return None;
        }
        let locale = match locales.iter().position(|l| l == field) {
            Some(i) => i,
            None => {
                locales.push(field.to_owned());
                locales.len() - 1
            }
        };
        return Some(Column::Text(text, locale));
    }
    let numbered = |prefix: &str| -> Option<usize> {
        let n: usize = group.strip_prefix(prefix)?.parse().ok()?;
        (1..=MAX_GROUP_NUMBER).contains(&n).then_some(n)
    };
    if let Some(n) = numbered("location") {
        let f = LOCATION_FIELDS.iter().position(|f| *f == field)?;
        return Some(Column::Location(n, f));
    }
    if let Some(n) = numbered("schedule") {
        let f = SCHEDULE_FIELDS.iter().position(|f| *f == field)?;
        return Some(Column::Schedule(n, f));
    }
    None
}

/// The separator the header line uses: a semicolon when it has more of them than commas.
fn separator(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or_default();
    if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    }
}

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
                    names: FieldNames::Csv {
                        locales: Vec::new(),
                        locations: Vec::new(),
                        schedules: Vec::new(),
                    },
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
        names: FieldNames::Csv {
            locales,
            locations: location_numbers,
            schedules: schedule_numbers,
        },
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

fn enum_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

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

/// The column a draft's field path stands for in a CSV file: `translations[0].title` is
/// `title.de`, `schedules[1].endDate` is `schedule2.endDate` (or whichever number the row
/// used), `cost.amount` is `price`.
pub fn column_for(
    path: &str,
    locales: &[String],
    locations: &[usize],
    schedules: &[usize],
) -> String {
    let (head, rest) = path.split_once('.').unwrap_or((path, ""));
    let (name, index) = match head.split_once('[') {
        Some((name, index)) => (name, index.trim_end_matches(']').parse::<usize>().ok()),
        None => (head, None),
    };
    match name {
        "translations" => {
            let field = if rest.is_empty() || rest == "locale" {
                "title"
            } else {
                rest
            };
            match index.and_then(|i| locales.get(i)) {
                Some(locale) => format!("{field}.{locale}"),
                None => format!("{field}.<locale>"),
            }
        }
        "locations" => {
            let field = match rest {
                "municipalityId" => "municipality",
                "coordinates" | "coordinates.lat" => "lat",
                "coordinates.lon" => "lon",
                other => other,
            };
            match index.and_then(|i| locations.get(i)) {
                Some(n) if !field.is_empty() => format!("location{n}.{field}"),
                _ => "location<N>".to_owned(),
            }
        }
        "schedules" => {
            let field = if rest == "locationIndex" {
                "location"
            } else {
                rest
            };
            match index.and_then(|i| schedules.get(i)) {
                Some(n) if !field.is_empty() => format!("schedule{n}.{field}"),
                _ => "schedule<N>".to_owned(),
            }
        }
        "categoryCodes" => "categories".to_owned(),
        "regionIds" => "regions".to_owned(),
        "cost" => match rest {
            "amount" => "price".to_owned(),
            "unit" => "priceUnit".to_owned(),
            _ => "costKind".to_owned(),
        },
        "registration" => {
            let mut field = rest.to_owned();
            if let Some(first) = field.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            format!("registration{field}")
        }
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions() -> RegionCodes {
        RegionCodes::from_pairs([
            (Uuid::from_u128(1), "SO-D-GAEU".to_owned()),
            (Uuid::from_u128(2), "SO-2581".to_owned()),
        ])
    }

    const FILE: &str = "externalRef;kind;defaultLocale;title.de;summary.de;title.fr;categories;costKind;price;priceUnit;regions;location1.name;location1.municipality;location1.lat;location1.lon;schedule1.startDate;schedule1.endDate;schedule1.weekday;schedule1.startTime;schedule1.endTime;schedule1.location\n\
        K-1;course;de;Deutsch A1;Für den Alltag;Allemand A1;language;PAID;120.50;course;so-d-gaeu;Schulhaus;SO-2581;47.2088;7.5323;17.08.2026;2026-12-14;monday;18:00;20:00;1\n";

    #[test]
    fn reads_a_row_with_semicolons_and_swiss_dates() {
        let rows = read(FILE, &regions()).unwrap();
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(row.row, 2);
        let draft = row.draft.as_ref().unwrap();
        assert_eq!(draft.kind, OfferKind::Course);
        assert_eq!(draft.translations.len(), 2);
        assert_eq!(draft.translations[1].locale, "fr");
        assert_eq!(draft.cost.price, Some(Decimal::new(12050, 2)));
        assert_eq!(draft.region_ids, vec![Uuid::from_u128(1)]);
        assert_eq!(draft.locations[0].municipality_id, Some(Uuid::from_u128(2)));
        let slot = &draft.schedules[0];
        assert_eq!(
            slot.start_date,
            NaiveDate::from_ymd_opt(2026, 8, 17).unwrap()
        );
        assert_eq!(slot.weekday, Some(1));
        assert_eq!(slot.location, Some(0));
    }

    #[test]
    fn names_every_problem_by_its_column() {
        let file = "externalRef,kind,defaultLocale,title.de,categories,costKind,price,fide,schedule2.startDate,schedule2.weekday,regions\n\
            K-1,LECTURE,de,Kurs,language,PAID,zwölf,vielleicht,,FUNDAY,XX\n";
        let rows = read(file, &regions()).unwrap();
        let problems = rows[0].draft.as_ref().unwrap_err();
        let columns: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        for expected in ["kind", "price", "fide", "schedule2.startDate", "regions"] {
            assert!(
                columns.contains(&expected),
                "{expected} missing in {columns:?}"
            );
        }
    }

    #[test]
    fn refuses_unknown_and_missing_columns() {
        let Err(ApiError::BadUserInput { fields, .. }) =
            read("externalRef,kind,titel.de\nK,COURSE,x\n", &regions())
        else {
            unreachable!("a bad header is refused")
        };
        let messages: Vec<&str> = fields.iter().map(|f| f.message.as_str()).collect();
        assert!(
            messages.contains(&"unknown column `titel.de`"),
            "{messages:?}"
        );
        assert!(messages.contains(&"required column `costKind` is missing"));
        assert!(messages.iter().any(|m| m.contains("title.<locale>")));
    }

    #[test]
    fn maps_draft_paths_to_columns() {
        let locales = vec!["de".to_owned(), "fr".to_owned()];
        let at = |path| column_for(path, &locales, &[2], &[1, 3]);
        assert_eq!(at("translations[1].title"), "title.fr");
        assert_eq!(at("locations[0].municipalityId"), "location2.municipality");
        assert_eq!(at("schedules[1].endDate"), "schedule3.endDate");
        assert_eq!(at("schedules[0].locationIndex"), "schedule1.location");
        assert_eq!(at("cost.amount"), "price");
        assert_eq!(at("registration.email"), "registrationEmail");
        assert_eq!(at("categoryCodes[0]"), "categories");
        assert_eq!(at("validUntil"), "validUntil");
    }

    #[test]
    fn writes_what_it_reads() {
        let rows = read(FILE, &regions()).unwrap();
        let offer = FileOffer {
            provider_id: Uuid::from_u128(9),
            draft: rows[0].draft.clone().unwrap(),
        };
        let written = write(std::slice::from_ref(&offer), &regions(), false).unwrap();
        let again = read(&written, &regions()).unwrap();
        assert_eq!(again[0].draft.as_ref().unwrap(), &offer.draft);
        assert_eq!(
            write(std::slice::from_ref(&offer), &regions(), false).unwrap(),
            written
        );
        assert!(written.starts_with("externalRef,kind,defaultLocale,categories,"));
        assert!(written.contains("MONDAY,18:00,20:00,1"), "{written}");
    }
}
