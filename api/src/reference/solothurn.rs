//! The canton of Solothurn as shipped reference data: the canton, its 10 districts, its 106
//! municipalities (official BFS numbers) and the five start.integration mentoring regions.
//!
//! The municipality file gives a rough centre of each *district* only; municipalities take
//! that centre until a canton imports official coordinates and postcodes (`import-regions`).

use std::collections::BTreeMap;

use entity::types::RegionKind;

use crate::service::region_import::RegionRecord;

const MUNICIPALITIES: &str = include_str!("../../reference/solothurn-municipalities.csv");
const MENTORING_REGIONS: &str = include_str!("../../reference/mentoring-regions.csv");

/// The canton's code; also the code prefix of its districts.
pub const CANTON_CODE: &str = "SO";

/// The code of a district of Solothurn, e.g. `SO-D-GAEU` for Gäu.
pub fn district_code(name: &str) -> String {
    format!("{CANTON_CODE}-D-{}", ascii_code(name))
}

/// Upper-case ASCII for codes: umlauts spelled out as Swiss German does (ä → AE).
fn ascii_code(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        match c {
            'ä' | 'Ä' => out.push_str("AE"),
            'ö' | 'Ö' => out.push_str("OE"),
            'ü' | 'Ü' => out.push_str("UE"),
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_uppercase()),
            _ => out.push('-'),
        }
    }
    out
}

#[derive(serde::Deserialize)]
struct MunicipalityRow {
    bfs_number: String,
    name: String,
    district: String,
    district_approx_lat: f64,
    district_approx_lon: f64,
}

#[derive(serde::Deserialize)]
struct MentoringRegionRow {
    code: String,
    name: String,
    districts: String,
}

/// Every region of the shipped data, parents before children.
pub fn regions() -> Result<Vec<RegionRecord>, csv::Error> {
    let municipalities: Vec<MunicipalityRow> = csv::Reader::from_reader(MUNICIPALITIES.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()?;
    let mentoring: Vec<MentoringRegionRow> = csv::Reader::from_reader(MENTORING_REGIONS.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()?;

    let mut districts: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for m in &municipalities {
        districts.insert(&m.district, (m.district_approx_lat, m.district_approx_lon));
    }

    let mut records = vec![RegionRecord {
        names: vec![
            ("fr".into(), "Soleure".into()),
            ("it".into(), "Soletta".into()),
        ],
        official_number: Some("11".into()),
        ..RegionRecord::new(CANTON_CODE, RegionKind::Canton, "Solothurn")
    }];
    for row in &mentoring {
        let members: Vec<(f64, f64)> = row
            .districts
            .split(';')
            .filter_map(|d| districts.get(d).copied())
            .collect();
        let centre = mean(&members);
        records.push(RegionRecord {
            part_of: vec![CANTON_CODE.into()],
            lat: centre.map(|c| c.0),
            lon: centre.map(|c| c.1),
            ..RegionRecord::new(&row.code, RegionKind::MentoringRegion, &row.name)
        });
    }
    for (name, (lat, lon)) in &districts {
        let mut part_of = vec![CANTON_CODE.to_owned()];
        part_of.extend(
            mentoring
                .iter()
                .filter(|m| m.districts.split(';').any(|d| d == *name))
                .map(|m| m.code.clone()),
        );
        records.push(RegionRecord {
            part_of,
            lat: Some(*lat),
            lon: Some(*lon),
            ..RegionRecord::new(&district_code(name), RegionKind::District, name)
        });
    }
    for m in &municipalities {
        records.push(RegionRecord {
            official_number: Some(m.bfs_number.clone()),
            part_of: vec![district_code(&m.district)],
            lat: Some(m.district_approx_lat),
            lon: Some(m.district_approx_lon),
            ..RegionRecord::new(&m.bfs_number, RegionKind::Municipality, &m.name)
        });
    }
    Ok(records)
}

fn mean(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    let (lat, lon) = points
        .iter()
        .fold((0.0, 0.0), |acc, p| (acc.0 + p.0, acc.1 + p.1));
    Some((lat / n, lon / n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ships_the_whole_canton() {
        let regions = regions().unwrap();
        let count = |kind| regions.iter().filter(|r| r.kind == kind).count();
        assert_eq!(count(RegionKind::Canton), 1);
        assert_eq!(count(RegionKind::District), 10);
        assert_eq!(count(RegionKind::Municipality), 106);
        assert_eq!(count(RegionKind::MentoringRegion), 5);
    }

    #[test]
    fn every_district_lies_in_one_mentoring_region() {
        let regions = regions().unwrap();
        for district in regions.iter().filter(|r| r.kind == RegionKind::District) {
            let mentoring = district
                .part_of
                .iter()
                .filter(|p| p.starts_with("SO-MR-"))
                .count();
            assert_eq!(mentoring, 1, "{}", district.name);
        }
    }

    #[test]
    fn codes_are_ascii() {
        assert_eq!(district_code("Gösgen"), "SO-D-GOESGEN");
        assert_eq!(district_code("Gäu"), "SO-D-GAEU");
    }
}
