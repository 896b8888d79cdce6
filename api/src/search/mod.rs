//! Full-text search over published offers: one [`SearchIndex`] trait with an embedded engine
//! (tantivy, files under the data directory) and Meilisearch behind it, fed from the search
//! outbox by the indexer. Only published, current offers are indexed; nothing personal is.

pub mod analysis;
pub mod document;
pub mod embedded;
pub mod facet_values;
pub mod meili;
pub mod query;
pub mod stems;
pub mod terms;
pub mod top_matches;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::search::terms::Thesaurus;

pub use document::OfferDocument;

/// Why the engine failed; logged where it happens, shown to clients as unavailable.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search engine error: {0}")]
    Engine(String),
    #[error("search engine unavailable: {0}")]
    Unavailable(String),
}

/// How hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchSort {
    /// Best matches first (the default); soonest first without a query.
    #[default]
    Relevance,
    /// Soonest start first.
    StartDate,
    /// Nearest first; needs `near`.
    Distance,
}

/// A circle to search in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub lat: f64,
    pub lon: f64,
    pub radius_km: f64,
}

/// What the engine filters by: the values each given field must include one of.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchFilter {
    pub categories: Vec<String>,
    /// Already expanded through the region graph.
    pub regions: Vec<Uuid>,
    pub providers: Vec<Uuid>,
    pub languages: Vec<String>,
    pub levels: Vec<String>,
    pub costs: Vec<String>,
    pub childcare: Option<bool>,
    pub weekdays: Vec<i16>,
    pub times_of_day: Vec<String>,
    pub starts_after: Option<NaiveDate>,
    pub starts_before: Option<NaiveDate>,
    pub online: Option<bool>,
    pub updated_since: Option<DateTime<Utc>>,
}

/// One search.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// The words typed; empty lists everything the filter lets through.
    pub text: String,
    pub filter: SearchFilter,
    pub near: Option<Near>,
    pub sort: SearchSort,
    pub offset: usize,
    pub limit: usize,
    /// The day offers must still run on.
    pub today: NaiveDate,
    /// The facets to count: only those asked for, since counting costs work for every
    /// match.
    pub facets: Vec<Facet>,
}

/// One hit.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub id: Uuid,
    pub score: f32,
    pub distance_km: Option<f64>,
}

/// Counts per value of each facet, over the whole result.
pub type Facets = BTreeMap<Facet, BTreeMap<String, u64>>;

/// A facet a search can count: the number of matches for each value of one attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Facet {
    Category,
    District,
    Language,
    Level,
    Cost,
    Weekday,
    TimeOfDay,
    Childcare,
}

impl Facet {
    /// Every facet.
    pub const ALL: [Self; 8] = [
        Self::Category,
        Self::District,
        Self::Language,
        Self::Level,
        Self::Cost,
        Self::Weekday,
        Self::TimeOfDay,
        Self::Childcare,
    ];

    /// The attribute it counts, as both engines' indexes name it.
    pub fn field(self) -> &'static str {
        match self {
            Self::Category => "category",
            Self::District => "district",
            Self::Language => "language",
            Self::Level => "level",
            Self::Cost => "cost",
            Self::Weekday => "weekday",
            Self::TimeOfDay => "time_of_day",
            Self::Childcare => "childcare",
        }
    }

    /// The facet counting an index attribute, if one does.
    pub fn of_field(field: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|facet| facet.field() == field)
    }
}

/// What a search found.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    pub total: u64,
    pub facets: Facets,
    /// The query with each unknown word replaced by the nearest indexed one, when nothing
    /// matched and a correction does.
    pub corrected: Option<String>,
}

/// A search engine holding offer documents.
#[async_trait::async_trait]
pub trait SearchIndex: Send + Sync {
    /// `embedded` or `meilisearch`.
    fn name(&self) -> &'static str;
    /// Adds or replaces documents.
    async fn upsert(&self, documents: Vec<OfferDocument>) -> Result<(), SearchError>;
    /// Removes documents (unknown ids are ignored).
    async fn delete(&self, ids: Vec<Uuid>) -> Result<(), SearchError>;
    /// Removes every document.
    async fn clear(&self) -> Result<(), SearchError>;
    /// How many documents it holds.
    async fn count(&self) -> Result<u64, SearchError>;
    /// Runs a search.
    async fn search(&self, request: SearchRequest) -> Result<SearchResults, SearchError>;
    /// Offers whose title starts like `prefix` (its last word may be unfinished).
    async fn suggest(
        &self,
        prefix: String,
        limit: usize,
        today: NaiveDate,
    ) -> Result<Vec<Uuid>, SearchError>;

    /// Puts other terms in use: documents written from now on record the concepts these
    /// terms name, and queries read them. Documents written before keep theirs until they
    /// are written again (`service::search_terms` queues the ones a change concerns).
    async fn use_terms(&self, thesaurus: Arc<Thesaurus>) -> Result<(), SearchError>;

    /// The ids of the documents holding every one of `words` (folded) in their texts, at
    /// least: those whose recorded concepts a change of terms holding these words concerns.
    async fn holding_words(&self, words: Vec<String>) -> Result<Vec<Uuid>, SearchError>;

    /// Starts a full rebuild. Searches keep answering from the current documents until the
    /// rebuild is finished; then the rebuilt set replaces them at once.
    async fn rebuild(&self) -> Result<Box<dyn Rebuild>, SearchError>;
}

/// A full rebuild in progress (see [`SearchIndex::rebuild`]). Dropping it unfinished
/// abandons it and leaves the current documents in place.
#[async_trait::async_trait]
pub trait Rebuild: Send {
    /// Adds documents to the rebuilt set.
    async fn add(&mut self, documents: Vec<OfferDocument>) -> Result<(), SearchError>;

    /// Makes the rebuilt set the live one.
    async fn finish(self: Box<Self>) -> Result<(), SearchError>;
}

/// Great-circle distance in kilometres between two (lat, lon) points.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}
