//! Reads a region file: one region per row, with official numbers, parents and postcodes.
//!
//! Columns (header names, in any order): `code`, `kind`, `name` (required), and optionally
//! `official_number`, `part_of` and `served_by` (codes separated by `;`), `postcodes`
//! (separated by `;`), `lat`, `lon` (WGS84), and `name_<locale>` for localised names
//! (`name_fr`, `name_it`, …).

use std::io::Read;

use entity::types::RegionKind;

use crate::error::FieldError;
use crate::service::region_import::RegionRecord;

/// Parses a region file. Every problem is reported at once, with its row number.
pub fn parse(input: impl Read) -> Result<Vec<RegionRecord>, Vec<FieldError>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(err) => return Err(vec![FieldError::new("header", csv_message(&err))]),
    };
    let column = |name: &str| headers.iter().position(|h| h == name);
    let missing: Vec<FieldError> = ["code", "kind", "name"]
        .iter()
        .filter(|name| column(name).is_none())
        .map(|name| FieldError::new("header", format!("required column `{name}` is missing")))
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let localised: Vec<(usize, String)> = headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.strip_prefix("name_").map(|l| (i, l.to_owned())))
        .collect();

    let mut records = Vec::new();
    let mut errors = Vec::new();
    for (index, row) in reader.records().enumerate() {
        // Row 1 is the header, so the first record is row 2, as a spreadsheet shows it.
        let line = index + 2;
        let row = match row {
            Ok(row) => row,
            Err(err) => {
                errors.push(FieldError::new(format!("row {line}"), csv_message(&err)));
                continue;
            }
        };
        let cell = |name: &str| {
            column(name)
                .and_then(|i| row.get(i))
                .map(str::to_owned)
                .filter(|v| !v.is_empty())
        };
        let mut problem = |field: &str, message: String| {
            errors.push(FieldError::new(format!("row {line}: {field}"), message));
        };
        let kind = match cell("kind").as_deref().map(parse_kind) {
            Some(Some(kind)) => Some(kind),
            Some(None) => {
                problem("kind", "unknown kind; use CANTON, DISTRICT, MUNICIPALITY, SOCIAL_REGION or MENTORING_REGION".into());
                None
            }
            None => {
                problem("kind", "is required".into());
                None
            }
        };
        let code = cell("code");
        if code.is_none() {
            problem("code", "is required".into());
        }
        let name = cell("name");
        if name.is_none() {
            problem("name", "is required".into());
        }
        let lat = parse_coordinate(cell("lat"), &mut problem, "lat");
        let lon = parse_coordinate(cell("lon"), &mut problem, "lon");
        if let (Some(code), Some(kind), Some(name)) = (code, kind, name) {
            records.push(RegionRecord {
                code,
                kind,
                name,
                official_number: cell("official_number"),
                part_of: split_list(cell("part_of")),
                served_by: split_list(cell("served_by")),
                postcodes: split_list(cell("postcodes")),
                lat,
                lon,
                names: localised
                    .iter()
                    .filter_map(|(i, locale)| {
                        row.get(*i)
                            .filter(|v| !v.is_empty())
                            .map(|v| (locale.clone(), v.to_owned()))
                    })
                    .collect(),
                line,
            });
        }
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(errors)
    }
}

fn parse_kind(value: &str) -> Option<RegionKind> {
    Some(match value.to_ascii_uppercase().as_str() {
        "CANTON" => RegionKind::Canton,
        "DISTRICT" => RegionKind::District,
        "MUNICIPALITY" => RegionKind::Municipality,
        "SOCIAL_REGION" => RegionKind::SocialRegion,
        "MENTORING_REGION" => RegionKind::MentoringRegion,
        _ => return None,
    })
}

fn parse_coordinate(
    value: Option<String>,
    problem: &mut impl FnMut(&str, String),
    field: &str,
) -> Option<f64> {
    let value = value?;
    match value.parse::<f64>() {
        Ok(number) if number.is_finite() => Some(number),
        _ => {
            problem(field, format!("`{value}` is not a number"));
            None
        }
    }
}

fn split_list(value: Option<String>) -> Vec<String> {
    value
        .map(|v| {
            v.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// A CSV error in words, without echoing the file's content.
fn csv_message(err: &csv::Error) -> String {
    match err.kind() {
        csv::ErrorKind::Utf8 { .. } => "the file is not valid UTF-8".into(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("has {len} fields where the header has {expected_len}")
        }
        csv::ErrorKind::Io(_) => "the file could not be read".into(),
        _ => "the file is not valid CSV".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lists_coordinates_and_localised_names() {
        let file = "code,kind,name,part_of,postcodes,lat,lon,name_fr\n\
                    2601,MUNICIPALITY,Solothurn,SO-D;SO-MR,4500;4502,47.2,7.53,Soleure\n";
        let records = parse(file.as_bytes()).unwrap();
        assert_eq!(records.len(), 1);
        let r = &records[0];
        assert_eq!(r.kind, RegionKind::Municipality);
        assert_eq!(r.part_of, vec!["SO-D", "SO-MR"]);
        assert_eq!(r.postcodes, vec!["4500", "4502"]);
        assert_eq!(r.lat, Some(47.2));
        assert_eq!(r.names, vec![("fr".to_owned(), "Soleure".to_owned())]);
    }

    #[test]
    fn reports_every_bad_row_at_once() {
        let file = "code,kind,name,lat,lon\n\
                    A,VILLAGE,Somewhere,,\n\
                    ,DISTRICT,,abc,7\n";
        let errors = parse(file.as_bytes()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["row 2: kind", "row 3: code", "row 3: name", "row 3: lat"]
        );
    }

    #[test]
    fn refuses_a_file_without_required_columns() {
        let errors = parse("code,name\nX,Y\n".as_bytes()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("`kind`"));
    }
}
