//! The places demo data is spread over: every municipality with its district and mentoring
//! region, read from the regions in the database (so an imported canton works too), weighted
//! by size so that offers and people gather in the towns as they do in the canton.

use std::collections::{BTreeMap, HashMap};

use entity::region;
use entity::types::{RegionEdgeKind, RegionKind};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::DemoRng;
use crate::error::{ApiError, ApiResult};

/// The canton of Solothurn's larger towns with their resident population in thousands,
/// rounded (Federal Statistical Office, 2023). Every other municipality counts as one
/// thousand. Only the demo's spread uses these; a canton without these names spreads evenly.
const TOWNS: &[(&str, u32)] = &[
    ("Olten", 19),
    ("Grenchen", 17),
    ("Solothurn", 17),
    ("Zuchwil", 9),
    ("Biberist", 9),
    ("Dornach", 7),
    ("Derendingen", 7),
    ("Trimbach", 7),
    ("Oensingen", 6),
    ("Balsthal", 6),
    ("Bellach", 5),
    ("Breitenbach", 4),
];

/// A municipality and what it lies in.
#[derive(Debug, Clone)]
pub struct Place {
    pub municipality: region::Model,
    pub district: Option<Uuid>,
    pub mentoring_region: Option<Uuid>,
    /// How many of a hundred demo rows land here, relative to the other places.
    pub weight: u32,
}

/// Municipalities grouped by district, plus the canton and the mentoring regions.
pub struct Geography {
    /// One list per district, in a stable order; demo rows cycle through districts so every
    /// district gets its share.
    pub by_district: Vec<Vec<Place>>,
    pub canton: Option<Uuid>,
    pub mentoring_regions: Vec<region::Model>,
}

impl Geography {
    pub async fn load<C: ConnectionTrait>(db: &C) -> ApiResult<Self> {
        let regions = region::Entity::find()
            .order_by_asc(region::Column::Code)
            .all(db)
            .await?;
        let kind_of: HashMap<Uuid, RegionKind> = regions.iter().map(|r| (r.id, r.kind)).collect();
        let mut parents: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for edge in entity::region_edge::Entity::find()
            .filter(entity::region_edge::Column::Kind.eq(RegionEdgeKind::PartOf))
            .all(db)
            .await?
        {
            parents
                .entry(edge.from_region_id)
                .or_default()
                .push(edge.to_region_id);
        }
        let parent_of_kind = |id: Uuid, kind: RegionKind| {
            parents
                .get(&id)
                .and_then(|ps| ps.iter().copied().find(|p| kind_of.get(p) == Some(&kind)))
        };

        let mut grouped: BTreeMap<Option<Uuid>, Vec<Place>> = BTreeMap::new();
        for municipality in regions
            .iter()
            .filter(|r| r.kind == RegionKind::Municipality)
        {
            let district = parent_of_kind(municipality.id, RegionKind::District);
            let mentoring_region = parent_of_kind(municipality.id, RegionKind::MentoringRegion)
                .or_else(|| district.and_then(|d| parent_of_kind(d, RegionKind::MentoringRegion)));
            let weight = TOWNS
                .iter()
                .find(|(name, _)| *name == municipality.name)
                .map_or(1, |(_, thousands)| *thousands);
            grouped.entry(district).or_default().push(Place {
                municipality: municipality.clone(),
                district,
                mentoring_region,
                weight,
            });
        }
        let by_district: Vec<Vec<Place>> = grouped.into_values().collect();
        if by_district.is_empty() {
            return Err(ApiError::bad_input(
                "no municipalities are loaded: import regions before generating demo data",
            ));
        }
        Ok(Self {
            by_district,
            canton: regions
                .iter()
                .find(|r| r.kind == RegionKind::Canton)
                .map(|r| r.id),
            mentoring_regions: regions
                .iter()
                .filter(|r| r.kind == RegionKind::MentoringRegion)
                .cloned()
                .collect(),
        })
    }

    /// The `n`-th place, cycling through districts first.
    pub fn place(&self, n: usize, pick: usize) -> &Place {
        let district = &self.by_district[n % self.by_district.len()];
        &district[pick % district.len()]
    }

    /// The place of the `n`-th demo offer: every other one cycles through the districts, so
    /// each district has its share; the rest go where people live, the towns more often.
    pub fn place_of_offer(&self, n: usize, rng: &mut DemoRng) -> &Place {
        if n.is_multiple_of(2) {
            let district: Vec<&Place> = self.by_district[(n / 2) % self.by_district.len()]
                .iter()
                .collect();
            weighted(&district, rng)
        } else {
            self.anywhere(rng)
        }
    }

    /// A place anywhere in the canton, the towns more often, as their size says.
    pub fn anywhere(&self, rng: &mut DemoRng) -> &Place {
        let all: Vec<&Place> = self.by_district.iter().flatten().collect();
        weighted(&all, rng)
    }

    /// Places that lie in a mentoring region.
    pub fn places_in(&self, mentoring_region: Uuid) -> Vec<&Place> {
        self.by_district
            .iter()
            .flatten()
            .filter(|p| p.mentoring_region == Some(mentoring_region))
            .collect()
    }
}

/// One of `places`, drawn by weight. `places` is never empty where the demo calls this.
pub fn weighted<'p>(places: &[&'p Place], rng: &mut DemoRng) -> &'p Place {
    let total: u32 = places.iter().map(|p| p.weight).sum();
    let mut left = rng.below(total.max(1) as usize) as u32;
    for place in places {
        if left < place.weight {
            return place;
        }
        left -= place.weight;
    }
    places[places.len() - 1]
}
