//! Searching offers: checks a search, turns the public offer filter into the engine's terms
//! (regions expanded through the region graph), asks the engine, and returns the hits as
//! offers the public may see, in the engine's order.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entity::offer;
use entity::types::OfferStatus;
use sea_orm::{ActiveEnum, DatabaseConnection, EntityTrait};
use uuid::Uuid;

use crate::breaker::{CircuitBreaker, Refusal};
use crate::clock;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::search::query::{self, QueryUnit};
use crate::search::terms::Thesaurus;
use crate::search::{
    Facet, Facets, Near, SearchFilter, SearchIndex, SearchRequest, SearchSort, distance_km,
};
use crate::service::offer::{Audience, OfferFilter, OfferOrder, TimeOfDay};
use crate::service::page::{Page, PageArgs};
use crate::service::region;
use crate::service::search_misses::MissTally;

/// Largest radius, in kilometres.
const MAX_RADIUS_KM: f64 = 200.0;

/// The centre of a search circle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Centre {
    Point {
        lat: f64,
        lon: f64,
    },
    /// A region's centre (municipalities, districts and the canton have one).
    Region(Uuid),
}

/// A circle to search in, as asked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Around {
    pub centre: Centre,
    pub radius_km: f64,
}

/// A search as asked.
#[derive(Debug, Clone, Default)]
pub struct OfferSearch {
    pub text: String,
    pub filter: OfferFilter,
    pub near: Option<Around>,
    pub sort: SearchSort,
    pub first: usize,
    pub after: Option<String>,
    /// The facets to count; none unless asked for.
    pub facets: Vec<Facet>,
}

/// One hit: the offer and how far away it is.
#[derive(Debug, Clone)]
pub struct FoundOffer {
    pub offer: offer::Model,
    pub distance_km: Option<f64>,
}

/// What a search found.
#[derive(Debug, Clone)]
pub struct OfferSearchResult {
    pub hits: Vec<FoundOffer>,
    pub total: u64,
    pub facets: Facets,
    pub corrected: Option<String>,
    /// What would find something, when nothing was found.
    pub advice: Option<NoHitsAdvice>,
    /// The query as understood, for highlighting.
    pub units: Arc<Vec<QueryUnit>>,
    pub end_cursor: Option<String>,
    pub has_next_page: bool,
    pub processing_ms: u64,
    /// Which engine answered.
    pub answered_by: AnsweredBy,
}

/// What would find something, when a search found nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NoHitsAdvice {
    /// The term file's concept closest to the text typed, and that term as the term file
    /// writes it (in the script typed).
    pub closest_concept: Option<(String, String)>,
    /// How many offers the same text finds without the filter and the radius, when either
    /// was given.
    pub total_without_filters: Option<u64>,
}

/// What answered a search or a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnsweredBy {
    /// The search index (its engine's name: embedded or Meilisearch).
    Index(&'static str),
    /// The database, because the index could not answer: a degraded answer (no typo
    /// tolerance, no facets), which the API says in `extensions`.
    DatabaseFallback,
}

impl AnsweredBy {
    /// Whether the answer is the database's stand-in for the index's.
    pub fn is_fallback(self) -> bool {
        self == Self::DatabaseFallback
    }
}

fn offset_cursor(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("search:{offset}"))
}

fn parse_cursor(cursor: &str) -> ApiResult<usize> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("search:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| ApiError::bad_input("`after` is not a cursor of this search"))
}

/// Checks a search and turns it into the engine's request.
async fn request(
    db: &DatabaseConnection,
    search: &OfferSearch,
    max_chars: usize,
    max_page: usize,
) -> ApiResult<SearchRequest> {
    let mut errors = Vec::new();
    if search.text.chars().count() > max_chars {
        errors.push(FieldError::new(
            "query",
            format!("at most {max_chars} characters"),
        ));
    }
    if search.first == 0 || search.first > max_page {
        errors.push(FieldError::new(
            "first",
            format!("must lie between 1 and {max_page}"),
        ));
    }
    let mut near = None;
    if let Some(around) = search.near {
        let (lat, lon) = match around.centre {
            Centre::Point { lat, lon } => (lat, lon),
            Centre::Region(id) => {
                let centre = entity::region::Entity::find_by_id(id)
                    .one(db)
                    .await?
                    .and_then(|r| r.lat.zip(r.lon));
                match centre {
                    Some(point) => point,
                    None => {
                        errors.push(FieldError::new(
                            "near.regionId",
                            "no such region, or it has no centre",
                        ));
                        (0.0, 0.0)
                    }
                }
            }
        };
        if !(-90.0..=90.0).contains(&lat) {
            errors.push(FieldError::new("near.lat", "must lie between -90 and 90"));
        }
        if !(-180.0..=180.0).contains(&lon) {
            errors.push(FieldError::new("near.lon", "must lie between -180 and 180"));
        }
        near = Some(Near {
            lat,
            lon,
            radius_km: around.radius_km,
        });
        if !(around.radius_km > 0.0 && around.radius_km <= MAX_RADIUS_KM) {
            errors.push(FieldError::new(
                "near.radiusKm",
                format!("must be above 0 and at most {MAX_RADIUS_KM}"),
            ));
        }
    } else if search.sort == SearchSort::Distance {
        errors.push(FieldError::new("sort", "sorting by distance needs `near`"));
    }
    if search
        .filter
        .statuses
        .iter()
        .any(|s| *s != OfferStatus::Published)
    {
        errors.push(FieldError::new(
            "filter.statuses",
            "search covers published offers only; list other states with `offers`",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid_fields(errors));
    }
    let offset = search
        .after
        .as_deref()
        .map(parse_cursor)
        .transpose()?
        .map_or(0, |o| o + 1);
    let filter = &search.filter;
    let regions = if filter.region_ids.is_empty() {
        Vec::new()
    } else {
        region::expand_for_filter(db, &filter.region_ids).await?
    };
    Ok(SearchRequest {
        text: search.text.clone(),
        filter: SearchFilter {
            categories: filter
                .category_codes
                .iter()
                .map(|c| c.trim().to_lowercase())
                .collect(),
            regions,
            providers: filter.provider_ids.clone(),
            languages: filter
                .instruction_languages
                .iter()
                .map(|l| l.trim().to_ascii_lowercase())
                .collect(),
            levels: filter.levels.iter().map(ActiveEnum::to_value).collect(),
            costs: filter.costs.iter().map(ActiveEnum::to_value).collect(),
            childcare: filter.childcare,
            weekdays: filter.weekdays.clone(),
            times_of_day: filter
                .times_of_day
                .iter()
                .map(|t| {
                    match t {
                        TimeOfDay::Morning => "MORNING",
                        TimeOfDay::Afternoon => "AFTERNOON",
                        TimeOfDay::Evening => "EVENING",
                    }
                    .to_owned()
                })
                .collect(),
            starts_after: filter.starts_after,
            starts_before: filter.starts_before,
            online: filter.online,
            updated_since: filter.updated_since,
        },
        near,
        sort: search.sort,
        offset,
        limit: search.first,
        today: clock::now().date_naive(),
        facets: search.facets.clone(),
    })
}

/// Where searches run and within which limits: the database (for what the index returns
/// and as the fallback), the index, the guard against a failing engine, the concepts a
/// query expands to, and the settings' bounds on a query.
#[derive(Clone)]
pub struct SearchEngines<'a> {
    pub db: &'a DatabaseConnection,
    pub index: &'a dyn SearchIndex,
    pub guard: EngineGuard<'a>,
    pub thesaurus: Arc<Thesaurus>,
    /// Where the words of searches that found nothing are counted.
    pub misses: &'a MissTally,
    /// Longest query text, in characters.
    pub max_query_chars: usize,
    /// Largest page.
    pub max_page: usize,
}

/// How a search guards itself against a failing engine.
#[derive(Debug, Clone, Copy)]
pub struct EngineGuard<'a> {
    pub breaker: &'a CircuitBreaker,
    /// Longest wait for the engine before answering from the database.
    pub timeout: Duration,
}

impl EngineGuard<'_> {
    /// The engine's answer to `call`, or `None` (logged, unless the breaker is open) when
    /// the database must answer instead.
    async fn ask<T, E: std::fmt::Display>(
        &self,
        engine: &'static str,
        what: &'static str,
        call: impl std::future::Future<Output = Result<T, E>>,
    ) -> Option<T> {
        match self.breaker.run(self.timeout, call).await {
            Ok(answer) => Some(answer),
            Err(Refusal::Open) => None,
            Err(refusal) => {
                tracing::error!(error = %refusal, engine, what, "the search engine gave no answer; the database answers");
                None
            }
        }
    }
}

/// Runs a search on `index`; when the engine fails, is too slow or its breaker is open, the
/// answer comes from the database (`answered_by` says so): words matched in titles and
/// summaries, the filter and radius applied, soonest (or nearest) first, without facets or
/// corrections.
pub async fn search(
    engines: &SearchEngines<'_>,
    search: &OfferSearch,
) -> ApiResult<OfferSearchResult> {
    let SearchEngines {
        db,
        index,
        guard,
        ref thesaurus,
        ..
    } = *engines;
    let started = std::time::Instant::now();
    let request = request(db, search, engines.max_query_chars, engines.max_page).await?;
    let (offset, limit, near, sort) = (request.offset, request.limit, request.near, request.sort);
    let text_alone =
        (request.near.is_some() || request.filter != SearchFilter::default()).then(|| {
            SearchRequest {
                filter: SearchFilter::default(),
                near: None,
                offset: 0,
                limit: 0,
                facets: Vec::new(),
                ..request.clone()
            }
        });
    let answered = guard
        .ask(index.name(), "search", index.search(request))
        .await;
    let units = Arc::new(query::parse(thesaurus, &search.text));
    let Some(results) = answered else {
        let fallback = Fallback {
            offset,
            limit,
            near,
            sort,
        };
        return database_search(db, search, fallback, units, started).await;
    };
    let ids: Vec<Uuid> = results.hits.iter().map(|h| h.id).collect();
    // The index may lag a moment behind the catalogue: what the public may no longer see is
    // dropped here.
    let mut visible = public_by_id(db, &ids).await?;
    let hits: Vec<FoundOffer> = results
        .hits
        .iter()
        .filter_map(|h| {
            visible.remove(&h.id).map(|offer| FoundOffer {
                offer,
                distance_km: h.distance_km,
            })
        })
        .collect();
    let advice = match results.total == 0 && !units.is_empty() {
        true => Some(advise(engines, search, text_alone, offset).await),
        false => None,
    };
    let shown = results.hits.len();
    let last = offset + shown;
    Ok(OfferSearchResult {
        hits,
        total: results.total,
        facets: results.facets,
        corrected: results.corrected,
        advice,
        units,
        end_cursor: (shown > 0).then(|| offset_cursor(last - 1)),
        has_next_page: (last as u64) < results.total,
        processing_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        answered_by: AnsweredBy::Index(index.name()),
    })
}

/// What would find something when `search` found nothing: the closest concept of the term
/// file, and what the text finds without the filter and radius. A first page whose text
/// finds nothing even without them counts its words as missing from the catalogue's
/// vocabulary (`search_misses`).
async fn advise(
    engines: &SearchEngines<'_>,
    search: &OfferSearch,
    text_alone: Option<SearchRequest>,
    offset: usize,
) -> NoHitsAdvice {
    let index = engines.index;
    let (total_without_filters, text_finds_nothing) = match text_alone {
        Some(request) => {
            let total = engines
                .guard
                .ask(
                    index.name(),
                    "search without filters",
                    index.search(request),
                )
                .await
                .map(|found| found.total);
            (total, total == Some(0))
        }
        None => (None, true),
    };
    if offset == 0 && text_finds_nothing {
        engines.misses.record(&search.text);
    }
    NoHitsAdvice {
        closest_concept: engines
            .thesaurus
            .closest_term(&search.text)
            .map(|(code, term)| (code.to_owned(), term.to_owned())),
        total_without_filters,
    }
}

/// Deepest position the database fallback pages to.
const FALLBACK_MAX_DEPTH: usize = 1000;

/// What the database fallback pages and places by.
struct Fallback {
    offset: usize,
    limit: usize,
    near: Option<Near>,
    sort: SearchSort,
}

async fn database_search(
    db: &DatabaseConnection,
    search: &OfferSearch,
    fallback: Fallback,
    units: Arc<Vec<QueryUnit>>,
    started: std::time::Instant,
) -> ApiResult<OfferSearchResult> {
    let Fallback {
        offset,
        limit,
        near,
        sort,
    } = fallback;
    if offset + limit > FALLBACK_MAX_DEPTH {
        return Err(ApiError::ServiceUnavailable);
    }
    let mut filter = search.filter.clone();
    filter.text_words = database_words(&search.text);
    // Within a circle every candidate up to the depth limit is placed, then paged.
    let depth = if near.is_some() {
        FALLBACK_MAX_DEPTH
    } else {
        offset + limit
    };
    let args = PageArgs::new(
        i32::try_from(depth).ok(),
        None,
        None,
        None,
        u32::try_from(FALLBACK_MAX_DEPTH).unwrap_or(u32::MAX),
    )?
    .counting(true);
    let page = public_offers(db, &filter, &args).await?;
    let (total, hits) = match near {
        None => (
            page.total_count,
            page.models()
                .into_iter()
                .skip(offset)
                .map(|offer| FoundOffer {
                    offer,
                    distance_km: None,
                })
                .collect::<Vec<_>>(),
        ),
        Some(near) => {
            let mut placed = within(db, page.models(), near).await?;
            if sort == SearchSort::Distance {
                placed.sort_by(|a, b| {
                    a.distance_km
                        .unwrap_or(f64::MAX)
                        .total_cmp(&b.distance_km.unwrap_or(f64::MAX))
                });
            }
            let total = placed.len() as u64;
            (total, placed.into_iter().skip(offset).take(limit).collect())
        }
    };
    let last = offset + hits.len();
    Ok(OfferSearchResult {
        end_cursor: (!hits.is_empty()).then(|| offset_cursor(last - 1)),
        has_next_page: (last as u64) < total,
        hits,
        total,
        facets: Facets::default(),
        corrected: None,
        advice: None,
        units,
        processing_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        answered_by: AnsweredBy::DatabaseFallback,
    })
}

/// The offers whose place (their first location with coordinates, as the index has it) lies
/// in the circle, with their distance.
async fn within(
    db: &DatabaseConnection,
    offers: Vec<offer::Model>,
    near: Near,
) -> ApiResult<Vec<FoundOffer>> {
    let ids: Vec<Uuid> = offers.iter().map(|o| o.id).collect();
    let locations = crate::service::offer::parts::locations(db, &ids).await?;
    Ok(offers
        .into_iter()
        .filter_map(|offer| {
            let point = locations
                .get(&offer.id)?
                .iter()
                .find_map(|l| l.lat.zip(l.lon))?;
            let distance = distance_km((near.lat, near.lon), point);
            (distance <= near.radius_km).then_some(FoundOffer {
                offer,
                distance_km: Some(distance),
            })
        })
        .collect())
}

/// Offers whose title starts like `prefix`, for search as you type, and which engine
/// answered. Guarded like
/// [`search`]: when the engine fails, the database answers with offers whose title or
/// summary contains the words typed.
pub async fn suggest(
    engines: &SearchEngines<'_>,
    prefix: &str,
    limit: usize,
) -> ApiResult<(Vec<offer::Model>, AnsweredBy)> {
    let SearchEngines {
        db, index, guard, ..
    } = *engines;
    if prefix.chars().count() > 100 {
        return Err(ApiError::bad_input("`prefix` takes at most 100 characters"));
    }
    if !(1..=20).contains(&limit) {
        return Err(ApiError::bad_input("`limit` must lie between 1 and 20"));
    }
    let today = clock::now().date_naive();
    let asked = guard
        .ask(
            index.name(),
            "suggestions",
            index.suggest(prefix.to_owned(), limit, today),
        )
        .await;
    let Some(ids) = asked else {
        return Ok((
            database_suggest(db, prefix, limit).await?,
            AnsweredBy::DatabaseFallback,
        ));
    };
    let mut visible = public_by_id(db, &ids).await?;
    let offers = ids.iter().filter_map(|id| visible.remove(id)).collect();
    Ok((offers, AnsweredBy::Index(index.name())))
}

async fn database_suggest(
    db: &DatabaseConnection,
    prefix: &str,
    limit: usize,
) -> ApiResult<Vec<offer::Model>> {
    let filter = OfferFilter {
        text_words: database_words(prefix),
        ..OfferFilter::default()
    };
    if filter.text_words.is_empty() {
        return Ok(Vec::new());
    }
    let args = PageArgs::new(i32::try_from(limit).ok(), None, None, None, 20)?;
    let page = public_offers(db, &filter, &args).await?;
    Ok(page.models())
}

/// The words of a text as the database fallback looks for them: the search engines' words,
/// lower-cased, at most as many as a search takes.
fn database_words(text: &str) -> Vec<String> {
    crate::search::analysis::words(text)
        .take(query::MAX_WORDS)
        .map(str::to_lowercase)
        .collect()
}

/// A page of the public catalogue in its usual order, for the database fallback.
async fn public_offers(
    db: &DatabaseConnection,
    filter: &OfferFilter,
    args: &PageArgs,
) -> ApiResult<Page<offer::Model>> {
    crate::service::offer::list(
        db,
        &Audience::Public,
        filter,
        OfferOrder::default(),
        args,
        None,
    )
    .await
}

/// The offers among `ids` the public may see now, by id: the index may lag a moment
/// behind the catalogue.
async fn public_by_id(
    db: &DatabaseConnection,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, offer::Model>> {
    Ok(
        crate::service::offer::visible_by_ids(db, &Audience::Public, ids)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect(),
    )
}
