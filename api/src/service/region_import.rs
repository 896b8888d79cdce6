//! Loads regions and their edges, names and postcodes: the shipped reference data at start-up
//! (insert what is missing) and a canton's own file (`import-regions`: insert or update).
//! A file is checked whole before anything is written, and written in one transaction.

use std::collections::{HashMap, HashSet};

use entity::types::{RegionEdgeKind, RegionKind};
use entity::{region, region_edge, region_name, region_postcode};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use uuid::Uuid;

use crate::clock;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::ids::new_id;
use crate::service::changes::{Changed, Changes, Committed};

/// One region as a file or the shipped data describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionRecord {
    pub code: String,
    pub kind: RegionKind,
    pub name: String,
    pub official_number: Option<String>,
    /// Codes of the regions this one lies in.
    pub part_of: Vec<String>,
    /// Codes of the lead municipalities (or other regions) that serve this one.
    pub served_by: Vec<String>,
    pub postcodes: Vec<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// `(locale, name)` pairs where a region's name differs by language.
    pub names: Vec<(String, String)>,
    /// Where the record came from in its file, for error messages (0 when not from a file).
    pub line: usize,
}

impl RegionRecord {
    /// A record with only the required fields set.
    pub fn new(code: &str, kind: RegionKind, name: &str) -> Self {
        Self {
            code: code.to_owned(),
            kind,
            name: name.to_owned(),
            official_number: None,
            part_of: Vec::new(),
            served_by: Vec::new(),
            postcodes: Vec::new(),
            lat: None,
            lon: None,
            names: Vec::new(),
            line: 0,
        }
    }

    fn label(&self) -> String {
        if self.line > 0 {
            format!("row {}", self.line)
        } else {
            format!("region {}", self.code)
        }
    }
}

/// What to do with regions that exist already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Leave existing regions as they are; add only what is missing.
    InsertMissing,
    /// Make existing regions match the file: name, number, coordinates, names, postcodes and
    /// the edges going out of them are replaced.
    Upsert,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Checks the records and writes them in one transaction; on any problem, writes nothing.
pub async fn import(
    db: &DatabaseConnection,
    records: &[RegionRecord],
    mode: ImportMode,
) -> ApiResult<Committed<ImportReport>> {
    let txn = crate::db::begin_write(db).await?;
    let existing: HashMap<String, region::Model> = region::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| (r.code.clone(), r))
        .collect();
    let errors = validate(records, &existing);
    if !errors.is_empty() {
        return Err(ApiError::invalid_fields(errors));
    }

    let now = clock::now();
    let mut ids: HashMap<&str, Uuid> = existing.iter().map(|(c, r)| (c.as_str(), r.id)).collect();
    let mut report = ImportReport::default();
    let mut fresh: HashSet<Uuid> = HashSet::new();
    for record in records {
        match existing.get(&record.code) {
            Some(current) if mode == ImportMode::Upsert => {
                if changed(current, record) {
                    region::Entity::update(region::ActiveModel {
                        id: Set(current.id),
                        name: Set(record.name.clone()),
                        official_number: Set(record.official_number.clone()),
                        lat: Set(record.lat),
                        lon: Set(record.lon),
                        updated_at: Set(now),
                        ..Default::default()
                    })
                    .exec(&txn)
                    .await?;
                    report.updated += 1;
                } else {
                    report.unchanged += 1;
                }
            }
            Some(_) => report.unchanged += 1,
            None => {
                let id = new_id();
                region::Entity::insert(region::ActiveModel {
                    id: Set(id),
                    code: Set(record.code.clone()),
                    kind: Set(record.kind),
                    name: Set(record.name.clone()),
                    official_number: Set(record.official_number.clone()),
                    lat: Set(record.lat),
                    lon: Set(record.lon),
                    created_at: Set(now),
                    updated_at: Set(now),
                })
                .exec(&txn)
                .await?;
                ids.insert(&record.code, id);
                fresh.insert(id);
                report.created += 1;
            }
        }
    }

    for record in records {
        let Some(&id) = ids.get(record.code.as_str()) else {
            continue;
        };
        let replace = mode == ImportMode::Upsert && !fresh.contains(&id);
        write_children(&txn, id, record, &ids, replace).await?;
    }
    txn.commit().await?;
    // Names, parts and postcodes may have been replaced even where the region's own row is
    // unchanged, so any upsert counts as a change.
    let changes = if report.created > 0 || (mode == ImportMode::Upsert && !records.is_empty()) {
        Changes::one(Changed::Reference)
    } else {
        Changes::none()
    };
    Ok(Committed::new(report, changes))
}

fn changed(current: &region::Model, record: &RegionRecord) -> bool {
    current.name != record.name
        || current.official_number != record.official_number
        || current.lat != record.lat
        || current.lon != record.lon
}

/// Edges, names and postcodes of one region. With `replace`, the file's lists take the place
/// of what was there; otherwise only missing rows are added.
async fn write_children<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    record: &RegionRecord,
    ids: &HashMap<&str, Uuid>,
    replace: bool,
) -> ApiResult<()> {
    if replace {
        region_edge::Entity::delete_many()
            .filter(region_edge::Column::FromRegionId.eq(id))
            .exec(db)
            .await?;
        region_name::Entity::delete_many()
            .filter(region_name::Column::RegionId.eq(id))
            .exec(db)
            .await?;
        region_postcode::Entity::delete_many()
            .filter(region_postcode::Column::RegionId.eq(id))
            .exec(db)
            .await?;
    }
    let edges: Vec<region_edge::ActiveModel> = record
        .part_of
        .iter()
        .map(|code| (code, RegionEdgeKind::PartOf))
        .chain(
            record
                .served_by
                .iter()
                .map(|code| (code, RegionEdgeKind::ServedBy)),
        )
        .filter_map(|(code, kind)| {
            ids.get(code.as_str()).map(|to| region_edge::ActiveModel {
                from_region_id: Set(id),
                to_region_id: Set(*to),
                kind: Set(kind),
            })
        })
        .collect();
    if !edges.is_empty() {
        region_edge::Entity::insert_many(edges)
            .on_conflict(
                OnConflict::columns([
                    region_edge::Column::FromRegionId,
                    region_edge::Column::ToRegionId,
                    region_edge::Column::Kind,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    let names: Vec<region_name::ActiveModel> = record
        .names
        .iter()
        .map(|(locale, name)| region_name::ActiveModel {
            region_id: Set(id),
            locale: Set(locale.clone()),
            name: Set(name.clone()),
        })
        .collect();
    if !names.is_empty() {
        region_name::Entity::insert_many(names)
            .on_conflict(
                OnConflict::columns([region_name::Column::RegionId, region_name::Column::Locale])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    let postcodes: Vec<region_postcode::ActiveModel> = record
        .postcodes
        .iter()
        .map(|postcode| region_postcode::ActiveModel {
            region_id: Set(id),
            postcode: Set(postcode.clone()),
        })
        .collect();
    if !postcodes.is_empty() {
        region_postcode::Entity::insert_many(postcodes)
            .on_conflict(
                OnConflict::columns([
                    region_postcode::Column::RegionId,
                    region_postcode::Column::Postcode,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Every problem of the file at once: duplicates, unknown parents, a changed kind, bad
/// coordinates.
fn validate(
    records: &[RegionRecord],
    existing: &HashMap<String, region::Model>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let in_file: HashSet<&str> = records.iter().map(|r| r.code.as_str()).collect();
    for record in records {
        let at = record.label();
        if !seen.insert(record.code.as_str()) {
            errors.push(FieldError::new(
                format!("{at}: code"),
                format!("`{}` appears more than once", record.code),
            ));
        }
        if let Some(current) = existing.get(&record.code)
            && current.kind != record.kind
        {
            errors.push(FieldError::new(
                format!("{at}: kind"),
                "differs from the kind already stored for this code",
            ));
        }
        match (record.lat, record.lon) {
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) {
                    errors.push(FieldError::new(
                        format!("{at}: lat"),
                        "must lie between -90 and 90",
                    ));
                }
                if !(-180.0..=180.0).contains(&lon) {
                    errors.push(FieldError::new(
                        format!("{at}: lon"),
                        "must lie between -180 and 180",
                    ));
                }
            }
            (None, None) => {}
            _ => errors.push(FieldError::new(
                format!("{at}: lat/lon"),
                "give both coordinates or neither",
            )),
        }
        for (field, targets) in [
            ("part_of", &record.part_of),
            ("served_by", &record.served_by),
        ] {
            for target in targets {
                if target == &record.code {
                    errors.push(FieldError::new(
                        format!("{at}: {field}"),
                        "a region cannot point to itself",
                    ));
                } else if !in_file.contains(target.as_str()) && !existing.contains_key(target) {
                    errors.push(FieldError::new(
                        format!("{at}: {field}"),
                        format!("unknown region `{target}`"),
                    ));
                }
            }
        }
    }
    errors
}
