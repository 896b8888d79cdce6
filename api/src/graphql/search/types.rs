//! The types of a search answer: hits with highlights and distance, facets, paging.

use std::sync::Arc;

use async_graphql::{ComplexObject, Context, Enum, InputObject, SimpleObject};
use chrono::{DateTime, Utc};

use crate::error::ApiResult;
use crate::graphql::loader::Loaders;
use crate::graphql::locale::Lang;
use crate::graphql::offer::Offer;
use crate::search::query::{QueryUnit, highlight};

/// Longest text a highlight is made from, in characters.
const HIGHLIGHT_CHARS: usize = 300;

/// A circle to search in: around a point (WGS84 `lat` and `lon`), or around the centre of
/// a region (`regionId`, e.g. a municipality) — one of the two.
#[derive(Debug, Clone, InputObject)]
pub struct NearInput {
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub region_id: Option<async_graphql::ID>,
    pub radius_km: f64,
}

/// How search hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Default)]
pub enum SearchSort {
    /// Best matches first; soonest first without a query.
    #[default]
    Relevance,
    /// Soonest start first.
    StartDate,
    /// Nearest first (needs `near`).
    Distance,
}

/// A matched fragment of a text, with the matched words in `<em>` and everything else
/// HTML-escaped.
#[derive(Debug, Clone, SimpleObject)]
pub struct Highlight {
    /// `title` or `summary`.
    pub field: String,
    pub snippet: String,
}

/// One hit.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct SearchHit {
    pub offer: Offer,
    /// Distance from `near`, when given and the offer has a place.
    pub distance_km: Option<f64>,
    #[graphql(skip)]
    pub units: Arc<Vec<QueryUnit>>,
    #[graphql(skip)]
    pub lang: Lang,
}

#[ComplexObject]
impl SearchHit {
    /// The parts of the title and summary (in the language served) that matched.
    async fn highlights(&self, ctx: &Context<'_>) -> ApiResult<Vec<Highlight>> {
        if self.units.is_empty() {
            return Ok(Vec::new());
        }
        let translations = Loaders::of(ctx)?
            .offer_translations()
            .load_one(self.offer.model.id)
            .await?
            .unwrap_or_default();
        let Some(text) = self.lang.pick(
            &translations,
            |t| &t.locale,
            Some(&self.offer.model.default_locale),
        ) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        if let Some(snippet) = highlight(&self.units, &text.title, HIGHLIGHT_CHARS) {
            out.push(Highlight {
                field: "title".into(),
                snippet,
            });
        }
        if let Some(summary) = &text.summary
            && let Some(snippet) = highlight(&self.units, summary, HIGHLIGHT_CHARS)
        {
            out.push(Highlight {
                field: "summary".into(),
                snippet,
            });
        }
        Ok(out)
    }
}

/// How many hits have one value.
#[derive(Debug, Clone, SimpleObject)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

/// Counts over the whole result (not only the page), per value.
#[derive(Debug, Clone, Default, SimpleObject)]
pub struct SearchFacets {
    /// Category codes (areas and pillars).
    pub categories: Vec<FacetValue>,
    /// District codes.
    pub districts: Vec<FacetValue>,
    pub instruction_languages: Vec<FacetValue>,
    pub levels: Vec<FacetValue>,
    pub costs: Vec<FacetValue>,
    /// ISO weekdays (1 = Monday).
    pub weekdays: Vec<FacetValue>,
    pub times_of_day: Vec<FacetValue>,
    /// `true` / `false`.
    pub childcare: Vec<FacetValue>,
}

/// Paging through a search.
#[derive(Debug, Clone, SimpleObject)]
pub struct SearchPageInfo {
    pub has_next_page: bool,
    /// Pass as `after` for the next page.
    pub end_cursor: Option<String>,
}

/// What a search found.
#[derive(SimpleObject)]
pub struct OfferSearchResult {
    pub hits: Vec<SearchHit>,
    pub total_hits: u64,
    pub facets: SearchFacets,
    pub processing_time_ms: u64,
    /// The query with unknown words replaced by the nearest known ones, when nothing matched.
    pub corrected_query: Option<String>,
    /// What would find something; only when nothing was found.
    pub no_hits: Option<NoHits>,
    pub page_info: SearchPageInfo,
}

/// What would find something, when a search found nothing.
#[derive(Debug, Clone, SimpleObject)]
pub struct NoHits {
    /// The query with unknown words replaced by the nearest known ones (as `correctedQuery`).
    pub corrected_query: Option<String>,
    /// The concept of the term file closest to the text typed.
    pub closest_concept: Option<SuggestedConcept>,
    /// How many offers the same text finds without the filter and the radius, when either
    /// was given: a broader search that would find something.
    pub total_without_filters: Option<u64>,
}

/// A concept of the term file to search for instead.
#[derive(Debug, Clone, SimpleObject)]
pub struct SuggestedConcept {
    /// The concept's code (`german-course`).
    pub code: String,
    /// One of its terms, in the script typed: the query to search with.
    pub query: String,
}

/// A word searched for without result, and by how many searches in the month.
#[derive(Debug, Clone, SimpleObject)]
pub struct SearchMiss {
    /// Folded (lower case, without accents).
    pub term: String,
    pub misses: i32,
}

/// How far the search index lags behind the catalogue (admins).
#[derive(Debug, Clone, SimpleObject)]
pub struct SearchIndexStatus {
    /// `embedded` or `meilisearch`.
    pub engine: String,
    pub documents: u64,
    /// Changes not yet applied.
    pub pending: u64,
    /// When the oldest pending change was made.
    pub oldest_pending_at: Option<DateTime<Utc>>,
    /// Seconds since then.
    pub oldest_pending_age_secs: Option<i64>,
    /// The engine's last error while applying changes.
    pub last_error: Option<String>,
}
