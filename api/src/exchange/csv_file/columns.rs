//! The CSV file's columns: the fixed ones, the numbered groups (locations, schedules), the
//! texts per locale, reading a header and naming the column a draft's field came from.

use std::collections::HashSet;

use serde::Serialize;

use crate::error::{ApiError, ApiResult, FieldError};

/// The columns every offer has once, in the order exports write them.
pub(super) const FIXED: [&str; 21] = [
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
pub(super) const REQUIRED: [&str; 5] = [
    "externalRef",
    "kind",
    "defaultLocale",
    "categories",
    "costKind",
];
pub(super) const PROVIDER: &str = "providerId";
pub(super) const TEXT_FIELDS: [&str; 3] = ["title", "summary", "description"];
pub(super) const LOCATION_FIELDS: [&str; 7] = [
    "name",
    "street",
    "postcode",
    "locality",
    "municipality",
    "lat",
    "lon",
];
pub(super) const SCHEDULE_FIELDS: [&str; 7] = [
    "startDate",
    "endDate",
    "weekday",
    "startTime",
    "endTime",
    "location",
    "note",
];
pub(super) const WEEKDAYS: [&str; 7] = [
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
pub(super) const MAX_GROUP_NUMBER: usize = 500;
/// Separates the codes in a list cell.
pub(super) const LIST_SEPARATOR: char = ';';

/// What a header column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Column {
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
pub(super) struct Header {
    pub(super) columns: Vec<Column>,
    pub(super) locales: Vec<String>,
}

impl Header {
    pub(super) fn parse(names: &[String]) -> ApiResult<Self> {
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
pub(super) fn column_of(name: &str, locales: &mut Vec<String>) -> Option<Column> {
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
pub(super) fn separator(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or_default();
    if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    }
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

/// The name an enum value has in a file (its serialised name: `SUBSIDISED`).
pub(super) fn enum_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}
