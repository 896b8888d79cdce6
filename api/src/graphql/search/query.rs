//! `searchOffers`, `suggestOffers` and `searchIndexStatus`.

use std::collections::BTreeMap;

use async_graphql::{Context, Object};

use crate::auth::RequestMeta;
use crate::clock;
use crate::context::AppContext;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::graphql::loader::Loaders;
use crate::graphql::locale::Lang;
use crate::graphql::offer::Offer;
use crate::graphql::offer::input::OfferFilterInput;
use crate::graphql::prefetch;
use crate::graphql::relay::{NodeType, expect_global_id};
use crate::graphql::search::notice::SearchNotice;
use crate::graphql::search::types::{
    FacetValue, NearInput, NoHits, OfferSearchResult, SearchFacets, SearchHit, SearchIndexStatus,
    SearchMiss, SearchPageInfo, SearchSort, SuggestedConcept,
};
use crate::search;
use crate::search::Facet;
use crate::service;
use crate::service::indexing as indexer;
use crate::service::search::{Around, Centre, OfferSearch};

#[derive(Default)]
pub struct SearchQuery;

fn values(counts: Option<&BTreeMap<String, u64>>) -> Vec<FacetValue> {
    let mut out: Vec<FacetValue> = counts
        .into_iter()
        .flatten()
        .map(|(value, count)| FacetValue {
            value: value.clone(),
            count: *count,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
    out
}

/// Each facet's field in `SearchFacets`.
const FACET_FIELDS: [(&str, Facet); 8] = [
    ("categories", Facet::Category),
    ("districts", Facet::District),
    ("instructionLanguages", Facet::Language),
    ("levels", Facet::Level),
    ("costs", Facet::Cost),
    ("weekdays", Facet::Weekday),
    ("timesOfDay", Facet::TimeOfDay),
    ("childcare", Facet::Childcare),
];

/// The facets the query selects (through fragments too): only they are counted.
fn asked_facets(ctx: &Context<'_>) -> Vec<Facet> {
    let facets = ctx.look_ahead().field("facets");
    FACET_FIELDS
        .iter()
        .filter(|(field, _)| facets.field(field).exists())
        .map(|(_, facet)| *facet)
        .collect()
}

#[Object]
impl SearchQuery {
    /// Full-text search over published offers: typos forgiven, German compounds split,
    /// queries in many languages matched through the term file, with filters, a radius,
    /// facets over the whole result and highlights.
    #[graphql(complexity = "crate::graphql::relay::page_cost(first, None, child_complexity)")]
    async fn search_offers(
        &self,
        ctx: &Context<'_>,
        query: Option<String>,
        filter: Option<OfferFilterInput>,
        near: Option<NearInput>,
        sort: Option<SearchSort>,
        locale: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<OfferSearchResult> {
        let app = AppContext::of(ctx)?;
        let lang = Lang::resolve(ctx, locale.as_deref());
        let search = OfferSearch {
            text: query.unwrap_or_default(),
            filter: filter.unwrap_or_default().into_service()?,
            near: near.map(around).transpose()?,
            sort: match sort.unwrap_or_default() {
                SearchSort::Relevance => search::SearchSort::Relevance,
                SearchSort::StartDate => search::SearchSort::StartDate,
                SearchSort::Distance => search::SearchSort::Distance,
            },
            first: usize::try_from(first.unwrap_or(20)).unwrap_or(0),
            after,
            facets: asked_facets(ctx),
        };
        let found = service::search::search(&app.search_engines(), &search).await?;
        if found.answered_by.is_fallback()
            && let Some(notice) = ctx.data_opt::<std::sync::Arc<SearchNotice>>()
        {
            notice.degraded();
        }
        let models: Vec<_> = found.hits.iter().map(|h| h.offer.clone()).collect();
        prefetch::offer_page(ctx, &models).await?;
        let facets = &found.facets;
        Ok(OfferSearchResult {
            hits: found
                .hits
                .into_iter()
                .map(|h| SearchHit {
                    offer: Offer::new(h.offer, lang.clone()),
                    distance_km: h.distance_km.map(|d| (d * 100.0).round() / 100.0),
                    units: found.units.clone(),
                    lang: lang.clone(),
                })
                .collect(),
            total_hits: found.total,
            facets: SearchFacets {
                categories: values(facets.get(&Facet::Category)),
                districts: values(facets.get(&Facet::District)),
                instruction_languages: values(facets.get(&Facet::Language)),
                levels: values(facets.get(&Facet::Level)),
                costs: values(facets.get(&Facet::Cost)),
                weekdays: values(facets.get(&Facet::Weekday)),
                times_of_day: values(facets.get(&Facet::TimeOfDay)),
                childcare: values(facets.get(&Facet::Childcare)),
            },
            processing_time_ms: found.processing_ms,
            no_hits: found.advice.map(|advice| NoHits {
                corrected_query: found.corrected.clone(),
                closest_concept: advice
                    .closest_concept
                    .map(|(code, query)| SuggestedConcept { code, query }),
                total_without_filters: advice.total_without_filters,
            }),
            corrected_query: found.corrected,
            page_info: SearchPageInfo {
                has_next_page: found.has_next_page,
                end_cursor: found.end_cursor,
            },
        })
    }

    /// Offers whose title starts like `prefix` (search as you type).
    async fn suggest_offers(
        &self,
        ctx: &Context<'_>,
        prefix: String,
        locale: Option<String>,
        #[graphql(default = 5)] limit: i32,
    ) -> ApiResult<Vec<Offer>> {
        let app = AppContext::of(ctx)?;
        let asked_for = locale.as_deref().is_some_and(|l| !l.trim().is_empty());
        let lang = Lang::resolve(ctx, locale.as_deref());
        let limit = usize::try_from(limit).unwrap_or(0);
        let (models, answered_by) =
            service::search::suggest(&app.search_engines(), &prefix, limit).await?;
        if answered_by.is_fallback()
            && let Some(notice) = ctx.data_opt::<std::sync::Arc<SearchNotice>>()
        {
            notice.degraded();
        }
        if asked_for {
            return Ok(models
                .into_iter()
                .map(|m| Offer::new(m, lang.clone()))
                .collect());
        }
        // Without a locale, each suggestion reads in the language of the title that matched
        // what was typed: someone typing "Deu" is looking for "Deutschkurs", whatever
        // language the offer was written in first.
        let ids: Vec<_> = models.iter().map(|m| m.id).collect();
        let translations = Loaders::of(ctx)?
            .offer_translations()
            .load_many(ids)
            .await?;
        Ok(models
            .into_iter()
            .map(|m| {
                let matched: Vec<_> = translations
                    .get(&m.id)
                    .into_iter()
                    .flatten()
                    .filter(|t| search::analysis::holds_as_typed(&t.title, &prefix))
                    .collect();
                let chosen = lang.pick(&matched, |t| &t.locale, Some(&m.default_locale));
                let reads_in = match chosen {
                    Some(t) => Lang::from_tags([t.locale.as_str()]).followed_by(&lang),
                    None => lang.clone(),
                };
                Offer::new(m, reads_in)
            })
            .collect())
    }

    /// The words searched for without result in a month (`YYYY-MM`, this month when
    /// omitted), most searched first: what the term file or the catalogue is missing
    /// (admins). Only words at least three searches used are listed; nothing else of the
    /// searches is kept.
    async fn search_misses(
        &self,
        ctx: &Context<'_>,
        month: Option<String>,
        #[graphql(default = 50)] first: i32,
    ) -> ApiResult<Vec<SearchMiss>> {
        let app = AppContext::of(ctx)?;
        RequestMeta::of(ctx).viewer.admin()?;
        let max = app.settings.queries.max_page_size;
        let first = u64::try_from(first)
            .ok()
            .filter(|f| (1..=u64::from(max)).contains(f))
            .ok_or_else(|| ApiError::bad_input(format!("`first` must lie between 1 and {max}")))?;
        let month =
            month.unwrap_or_else(|| service::search_misses::month_of(clock::now().date_naive()));
        Ok(service::search_misses::most_missed(&app.db, &month, first)
            .await?
            .into_iter()
            .map(|row| SearchMiss {
                term: row.term,
                misses: row.misses,
            })
            .collect())
    }

    /// How far the search index lags behind the catalogue (admins).
    async fn search_index_status(&self, ctx: &Context<'_>) -> ApiResult<SearchIndexStatus> {
        let app = AppContext::of(ctx)?;
        RequestMeta::of(ctx).viewer.admin()?;
        let status = indexer::status(&app.db).await?;
        let documents = app.search.count().await.unwrap_or(0);
        Ok(SearchIndexStatus {
            engine: app.search.name().to_owned(),
            documents,
            pending: status.pending,
            oldest_pending_age_secs: status
                .oldest_pending_at
                .map(|t| (clock::now() - t).num_seconds()),
            oldest_pending_at: status.oldest_pending_at,
            last_error: status.last_error,
        })
    }
}

/// The service's circle from the input: exactly one centre, a point or a region.
fn around(near: NearInput) -> ApiResult<Around> {
    let centre = match (near.lat, near.lon, near.region_id) {
        (Some(lat), Some(lon), None) => Centre::Point { lat, lon },
        (None, None, Some(id)) => {
            Centre::Region(expect_global_id(&id, NodeType::Region).map_err(|_| {
                ApiError::invalid_fields(vec![FieldError::new(
                    "near.regionId",
                    "is not a region id",
                )])
            })?)
        }
        _ => {
            return Err(ApiError::invalid_fields(vec![FieldError::new(
                "near",
                "give either `lat` and `lon`, or `regionId`",
            )]));
        }
    };
    Ok(Around {
        centre,
        radius_km: near.radius_km,
    })
}
