//! The canton of Solothurn as shipped reference data: the canton, its 10 districts, its 106
//! municipalities (official BFS numbers) with their coordinates and postcodes from the
//! federal directory of localities, and the five start.integration mentoring regions.
//! `reference/README.md` names the sources.
//!
//! A municipality lies at its main locality (the one of its name, else the mean of its
//! localities); a district at the mean of its municipalities. Installations that still hold
//! the rough district centres shipped before are brought up to date by [`upgrade`], which
//! leaves every coordinate an operator has changed alone.

use std::collections::{BTreeMap, BTreeSet};

use entity::types::RegionKind;
use entity::{region, region_postcode};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::error::ApiResult;
use crate::service::bulk;
use crate::service::region_import::RegionRecord;

const MUNICIPALITIES: &str = include_str!("../../reference/solothurn-municipalities.csv");
const LOCALITIES: &str = include_str!("../../reference/solothurn-localities.csv");
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
struct LocalityRow {
    bfs_number: String,
    municipality: String,
    locality: String,
    postcode: String,
    lat: f64,
    lon: f64,
}

/// Where a municipality lies and which postcodes it has.
struct Place {
    centre: (f64, f64),
    postcodes: Vec<String>,
}

/// Every municipality's place, by BFS number.
fn places() -> Result<BTreeMap<String, Place>, csv::Error> {
    let rows: Vec<LocalityRow> = csv::Reader::from_reader(LOCALITIES.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()?;
    // A locality named after another municipality is that one's, reaching over the border
    // (a few streets of Olten in Trimbach): its postcode is not the municipality's own.
    let municipality_names: BTreeSet<&str> =
        rows.iter().map(|r| plain_name(&r.municipality)).collect();
    let mut by_number: BTreeMap<String, Vec<&LocalityRow>> = BTreeMap::new();
    for row in &rows {
        let neighbours = plain_name(&row.locality) != plain_name(&row.municipality)
            && municipality_names.contains(plain_name(&row.locality));
        let entry = by_number.entry(row.bfs_number.clone()).or_default();
        if !neighbours {
            entry.push(row);
        }
    }
    // A municipality whose every locality carries a neighbour's name keeps them all.
    for row in &rows {
        let entry = by_number.entry(row.bfs_number.clone()).or_default();
        if entry.is_empty() {
            entry.extend(rows.iter().filter(|r| r.bfs_number == row.bfs_number));
        }
    }
    Ok(by_number
        .into_iter()
        .map(|(number, localities)| {
            let main = localities
                .iter()
                .find(|l| plain_name(&l.locality) == plain_name(&l.municipality));
            let centre = match main {
                Some(main) => (main.lat, main.lon),
                None => {
                    let points: Vec<(f64, f64)> =
                        localities.iter().map(|l| (l.lat, l.lon)).collect();
                    mean(&points).unwrap_or_default()
                }
            };
            let postcodes: BTreeSet<String> =
                localities.iter().map(|l| l.postcode.clone()).collect();
            (
                number,
                Place {
                    centre,
                    postcodes: postcodes.into_iter().collect(),
                },
            )
        })
        .collect())
}

/// A place name without the canton mark that tells namesakes apart: `Erlinsbach (SO)` and
/// `Erlinsbach SO` are one place.
fn plain_name(name: &str) -> &str {
    name.trim_end_matches(" (SO)").trim_end_matches(" SO")
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

    let places = places()?;
    let centre_of = |m: &MunicipalityRow| {
        places
            .get(&m.bfs_number)
            .map_or((m.district_approx_lat, m.district_approx_lon), |p| p.centre)
    };
    let mut members: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for m in &municipalities {
        members.entry(&m.district).or_default().push(centre_of(m));
    }
    let districts: BTreeMap<&str, (f64, f64)> = members
        .iter()
        .filter_map(|(name, points)| Some((*name, mean(points)?)))
        .collect();

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
        let (lat, lon) = centre_of(m);
        records.push(RegionRecord {
            official_number: Some(m.bfs_number.clone()),
            part_of: vec![district_code(&m.district)],
            postcodes: places
                .get(&m.bfs_number)
                .map(|p| p.postcodes.clone())
                .unwrap_or_default(),
            lat: Some(lat),
            lon: Some(lon),
            ..RegionRecord::new(&m.bfs_number, RegionKind::Municipality, &m.name)
        });
    }
    Ok(records)
}

/// Brings an installation loaded with the rough district centres of earlier releases up to
/// the official coordinates and postcodes: a municipality still at its shipped district
/// centre moves to its own place, and one without postcodes gets them. Coordinates and
/// postcodes an operator imported are left as they are. Returns how many municipalities
/// changed.
pub async fn upgrade(db: &DatabaseConnection) -> ApiResult<usize> {
    let shipped = regions().map_err(|err| {
        crate::error::ApiError::internal(format_args!("shipped region data is unreadable: {err}"))
    })?;
    let rough: Vec<MunicipalityRow> = csv::Reader::from_reader(MUNICIPALITIES.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .map_err(|err| {
            crate::error::ApiError::internal(format_args!(
                "shipped municipality data is unreadable: {err}"
            ))
        })?;
    let stored: BTreeMap<String, region::Model> = region::Entity::find()
        .filter(region::Column::Kind.eq(RegionKind::Municipality))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.code.clone(), r))
        .collect();
    let with_postcodes: BTreeSet<uuid::Uuid> = region_postcode::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.region_id)
        .collect();
    let txn = crate::db::begin_write(db).await?;
    let mut changed = 0;
    let mut postcodes = Vec::new();
    for (old, new) in rough.iter().zip(
        shipped
            .iter()
            .filter(|r| r.kind == RegionKind::Municipality),
    ) {
        let Some(region) = stored.get(&old.bfs_number) else {
            continue;
        };
        let at_rough_centre = region.lat == Some(old.district_approx_lat)
            && region.lon == Some(old.district_approx_lon);
        if at_rough_centre && (new.lat, new.lon) != (region.lat, region.lon) {
            region::Entity::update_many()
                .col_expr(region::Column::Lat, Expr::value(new.lat))
                .col_expr(region::Column::Lon, Expr::value(new.lon))
                .filter(region::Column::Id.eq(region.id))
                .exec(&txn)
                .await?;
            changed += 1;
        }
        if !with_postcodes.contains(&region.id) {
            postcodes.extend(
                new.postcodes
                    .iter()
                    .map(|code| region_postcode::ActiveModel {
                        region_id: sea_orm::ActiveValue::Set(region.id),
                        postcode: sea_orm::ActiveValue::Set(code.clone()),
                    }),
            );
        }
    }
    bulk::insert_all(&txn, postcodes).await?;
    txn.commit().await?;
    Ok(changed)
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
    fn municipalities_lie_at_their_own_place_with_their_postcodes() {
        let regions = regions().unwrap();
        let municipality = |code: &str| {
            regions
                .iter()
                .find(|r| r.code == code && r.kind == RegionKind::Municipality)
                .unwrap()
        };
        let olten = municipality("2581");
        let trimbach = municipality("2500");
        assert!(olten.postcodes.contains(&"4600".to_owned()));
        assert_eq!(trimbach.postcodes, ["4632"]);
        let wangen = municipality("2586");
        assert!(
            !wangen.postcodes.contains(&"4632".to_owned()),
            "{:?}",
            wangen.postcodes
        );
        // Neighbours in one district are a few kilometres apart, not at one centre.
        let km = crate::search::distance_km(
            (olten.lat.unwrap(), olten.lon.unwrap()),
            (trimbach.lat.unwrap(), trimbach.lon.unwrap()),
        );
        assert!((1.0..6.0).contains(&km), "{km}");
        assert!(
            regions
                .iter()
                .filter(|r| r.kind == RegionKind::Municipality)
                .all(|r| !r.postcodes.is_empty())
        );
    }

    #[test]
    fn codes_are_ascii() {
        assert_eq!(district_code("Gösgen"), "SO-D-GOESGEN");
        assert_eq!(district_code("Gäu"), "SO-D-GAEU");
    }
}
