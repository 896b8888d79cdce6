//! The embedded engine's collector: it counts every match (after the radius) and the facets
//! asked for, but keeps only the matches a page can show, in a bounded heap per segment;
//! for "Deutschkurs" that is 20 of some 32,000. Only what the request needs is read: the
//! facets it asks for (from the segment's facet arrays, `facet_values`), and coordinates
//! only with a radius.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::search::facet_values::{FacetValues, SegmentFacet};
use crate::search::{Facet, Facets, Near, SearchSort, distance_km};

/// One match as collected.
#[derive(Debug, Clone, Copy)]
pub struct Match {
    pub address: DocAddress,
    pub score: Score,
    pub starts_on: i64,
    pub distance_km: Option<f64>,
}

/// The order of a result: the request's sort, ties broken down to the document so that
/// pages never overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Soonest first (relevance when no word was typed: every score is the same).
    Start,
    /// Best score first, then soonest.
    Score,
    /// Soonest first, then best score.
    StartThenScore,
    /// Nearest first, then best score.
    Distance,
}

impl Order {
    pub fn of(sort: SearchSort, words_typed: bool) -> Self {
        match sort {
            SearchSort::Relevance if words_typed => Self::Score,
            SearchSort::Relevance => Self::Start,
            SearchSort::StartDate => Self::StartThenScore,
            SearchSort::Distance => Self::Distance,
        }
    }

    /// `Less` when `a` comes first.
    pub fn compare(self, a: &Match, b: &Match) -> Ordering {
        let by_start = || a.starts_on.cmp(&b.starts_on);
        let by_score = || b.score.total_cmp(&a.score);
        let by_distance = || {
            a.distance_km
                .unwrap_or(f64::MAX)
                .total_cmp(&b.distance_km.unwrap_or(f64::MAX))
        };
        let first = match self {
            Self::Start => by_start(),
            Self::Score => by_score().then_with(by_start),
            Self::StartThenScore => by_start().then_with(by_score),
            Self::Distance => by_distance().then_with(by_score),
        };
        first.then_with(|| a.address.cmp(&b.address))
    }
}

/// A match in the heap, whose greatest element is the one shown last.
struct Ranked {
    hit: Match,
    order: Order,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.order.compare(&self.hit, &other.hit)
    }
}

/// What a search collects: the first `keep` matches in order, how many matched, and the
/// counts of the facets asked for.
pub struct TopMatches {
    pub near: Option<Near>,
    pub order: Order,
    /// Matches before the page's end: its offset plus its length.
    pub keep: usize,
    pub facets: Vec<Facet>,
    /// Where the facets' values are read from.
    pub facet_values: Arc<FacetValues>,
}

pub struct Harvest {
    /// At most `keep` matches, in no particular order.
    pub matches: Vec<Match>,
    pub total: u64,
    pub facets: Facets,
}

pub struct SegmentMatches {
    segment: SegmentOrdinal,
    near: Option<Near>,
    order: Order,
    keep: usize,
    starts_on: Column<i64>,
    /// Latitude and longitude, opened only when a radius is asked for.
    points: Option<(Column<f64>, Column<f64>)>,
    /// Each facet asked for, its values in the segment, and the count per value.
    facets: Vec<(Facet, Arc<SegmentFacet>, Vec<u64>)>,
    best: BinaryHeap<Ranked>,
    total: u64,
}

impl Collector for TopMatches {
    type Fruit = Harvest;
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        let fast = reader.fast_fields();
        let mut facets = Vec::new();
        for facet in &self.facets {
            if let Some(values) = self.facet_values.of(reader, *facet)? {
                let counts = vec![0u64; values.num_values()];
                facets.push((*facet, values, counts));
            }
        }
        let points = match self.near {
            Some(_) => Some((fast.f64("lat")?, fast.f64("lon")?)),
            None => None,
        };
        Ok(SegmentMatches {
            segment,
            near: self.near,
            order: self.order,
            keep: self.keep,
            starts_on: fast.i64("starts_on")?,
            points,
            facets,
            best: BinaryHeap::with_capacity(self.keep.min(1024) + 1),
            total: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        // Without words typed every score is the same.
        self.order != Order::Start
    }

    fn merge_fruits(&self, fruits: Vec<Harvest>) -> tantivy::Result<Harvest> {
        let mut merged = Harvest {
            matches: Vec::new(),
            total: 0,
            facets: BTreeMap::new(),
        };
        for fruit in fruits {
            merged.matches.extend(fruit.matches);
            merged.total += fruit.total;
            for (name, counts) in fruit.facets {
                let entry = merged.facets.entry(name).or_default();
                for (value, count) in counts {
                    *entry.entry(value).or_default() += count;
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = Harvest;

    fn collect(&mut self, doc: DocId, score: Score) {
        let distance_km = match (self.near, &self.points) {
            (Some(near), Some((lat, lon))) => {
                let Some(point) = lat.first(doc).zip(lon.first(doc)) else {
                    return;
                };
                let km = distance_km((near.lat, near.lon), point);
                if km > near.radius_km {
                    return;
                }
                Some(km)
            }
            _ => None,
        };
        self.total += 1;
        for (_, values, counts) in &mut self.facets {
            for &ord in values.ords_of(doc) {
                if let Some(count) = counts.get_mut(ord as usize) {
                    *count += 1;
                }
            }
        }
        if self.keep == 0 {
            return;
        }
        // Best score first: a match scoring below the last one kept cannot enter, so its
        // start date (a fast-field read, most of the collector's time) is not looked up.
        if self.order == Order::Score
            && self.best.len() >= self.keep
            && self.best.peek().is_some_and(|last| score < last.hit.score)
        {
            return;
        }
        let hit = Match {
            address: DocAddress::new(self.segment, doc),
            score,
            starts_on: self.starts_on.first(doc).unwrap_or(i64::MAX),
            distance_km,
        };
        if self.best.len() < self.keep {
            self.best.push(Ranked {
                hit,
                order: self.order,
            });
        } else if let Some(last) = self.best.peek()
            && self.order.compare(&hit, &last.hit) == Ordering::Less
        {
            self.best.pop();
            self.best.push(Ranked {
                hit,
                order: self.order,
            });
        }
    }

    fn harvest(self) -> Harvest {
        let mut facets: Facets = BTreeMap::new();
        for (name, values, counts) in self.facets {
            let entry = facets.entry(name).or_default();
            for (ord, count) in counts.into_iter().enumerate() {
                if let Some(value) = values.value(ord).filter(|_| count > 0) {
                    *entry.entry(value.to_owned()).or_default() += count;
                }
            }
        }
        Harvest {
            matches: self.best.into_iter().map(|ranked| ranked.hit).collect(),
            total: self.total,
            facets,
        }
    }
}
