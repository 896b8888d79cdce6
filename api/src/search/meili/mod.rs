//! The Meilisearch engine, for production: offers live in one index whose settings
//! (searchable, filterable and sortable attributes, ranking, synonyms from the term file,
//! typo rules) are applied by this code before its first write. Every write waits for its
//! task, so a batch counts as indexed only once Meilisearch has applied it; a full rebuild
//! fills a second index and swaps it in, so searches never see a half-built index.

mod document;
mod filter;
mod settings;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use meilisearch_sdk::client::{Client, SwapIndexes};
use meilisearch_sdk::errors::Error as MeiliError;
use meilisearch_sdk::indexes::Index;
use meilisearch_sdk::search::{MatchingStrategies, Selectors};
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::search::terms::{LiveTerms, Thesaurus};
use crate::search::{
    Facet, Facets, OfferDocument, Rebuild, SearchError, SearchHit, SearchIndex, SearchRequest,
    SearchResults, analysis, distance_km,
};
use document::{HitFields, MeiliDocument, days};
pub use filter::filter_expression;
use filter::sort_expression;
use settings::index_settings;
pub use settings::synonyms;

/// How often a write's task is polled while it runs.
const TASK_POLL: Duration = Duration::from_millis(50);
/// Document batches a rebuild sends ahead of the ones Meilisearch has applied: enough that
/// the server always has the next batches queued (it merges queued additions into one
/// indexing run), few enough that a failure is noticed early.
const REBUILD_BATCHES_AHEAD: usize = 16;
/// `valid_until` of offers without an end, so one range filter covers both kinds.
const NO_END: i64 = 100_000_000;
/// Words of a query checked for a correction when nothing matched.
const MAX_CORRECTED_WORDS: usize = 8;
/// Facet values listed per facet (districts, languages and categories stay well below).
const MAX_VALUES_PER_FACET: usize = 500;

/// How to reach Meilisearch.
#[derive(Debug, Clone)]
pub struct MeiliConfig {
    pub url: String,
    pub api_key: Option<String>,
    /// The live index's name; rebuilds use `<index>_rebuild` next to it.
    pub index: String,
    /// Longest wait for one request or write task.
    pub task_timeout: Duration,
    /// `maxTotalHits`: results are counted exactly up to this many.
    pub max_total_hits: usize,
}

/// A query as the documents hold their texts: the platform's words, folded (Meilisearch's
/// own normalisation does not fold Arabic-script letter forms, for one, and the synonyms
/// are written folded), at most `query::MAX_WORDS` of them.
fn folded_query(text: &str) -> String {
    let mut words = analysis::tokens(text);
    words.truncate(crate::search::query::MAX_WORDS);
    words.join(" ")
}

fn failure(err: MeiliError) -> SearchError {
    match err {
        MeiliError::Meilisearch(err) => SearchError::Engine(err.error_message),
        MeiliError::Timeout => SearchError::Unavailable("a Meilisearch task timed out".into()),
        other => SearchError::Unavailable(other.to_string()),
    }
}

/// A Meilisearch index of offers.
#[derive(Clone)]
pub struct MeiliIndex {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client,
    config: MeiliConfig,
    /// The terms in use.
    terms: LiveTerms,
    /// Set once the live index exists with the current settings.
    ready: OnceCell<()>,
}

impl MeiliIndex {
    /// A client for the configured server; nothing is sent until the first use.
    pub fn new(config: MeiliConfig, thesaurus: Thesaurus) -> Result<Self, SearchError> {
        let client = Client::new(config.url.trim_end_matches('/'), config.api_key.clone())
            .map_err(|err| SearchError::Engine(format!("bad Meilisearch settings: {err}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                client,
                config,
                terms: LiveTerms::new(thesaurus),
                ready: OnceCell::new(),
            }),
        })
    }

    /// Creates the live index and applies its settings, once per process (again after a
    /// failure). Called before every use, so a server that was down at start-up is set up
    /// when it comes back.
    pub async fn prepare(&self) -> Result<(), SearchError> {
        self.inner
            .ready
            .get_or_try_init(|| self.set_up(&self.inner.config.index))
            .await
            .map(|_| ())
    }

    fn live(&self) -> Index {
        self.inner.client.index(&self.inner.config.index)
    }

    fn staging_name(&self) -> String {
        format!("{}_rebuild", self.inner.config.index)
    }

    /// One call to the server, bounded by the task timeout.
    async fn call<T>(
        &self,
        request: impl Future<Output = Result<T, MeiliError>>,
    ) -> Result<T, SearchError> {
        tokio::time::timeout(self.inner.config.task_timeout, request)
            .await
            .map_err(|_| SearchError::Unavailable("Meilisearch did not answer in time".into()))?
            .map_err(failure)
    }

    /// Waits for a write to finish; its failure is the write's failure.
    async fn wait(&self, task: TaskInfo) -> Result<Task, SearchError> {
        let task = self
            .inner
            .client
            .wait_for_task(task, Some(TASK_POLL), Some(self.inner.config.task_timeout))
            .await
            .map_err(failure)?;
        match task {
            Task::Failed { content } => Err(SearchError::Engine(format!(
                "Meilisearch task failed: {}",
                content.error.error_message
            ))),
            other => Ok(other),
        }
    }

    /// Sends a write and waits for it.
    async fn write(
        &self,
        request: impl Future<Output = Result<TaskInfo, MeiliError>>,
    ) -> Result<(), SearchError> {
        let task = self.call(request).await?;
        self.wait(task).await.map(|_| ())
    }

    /// Creates `uid` when missing and applies the settings to it.
    async fn set_up(&self, uid: &str) -> Result<(), SearchError> {
        let client = &self.inner.client;
        let created = self.call(client.create_index(uid, Some("id"))).await?;
        match self.wait(created).await {
            Ok(_) => {}
            Err(err) => {
                // Creating an index that exists fails harmlessly; anything else does not.
                let exists = self.call(client.get_index(uid)).await.is_ok();
                if !exists {
                    return Err(err);
                }
            }
        }
        let settings = index_settings(
            &self.inner.terms.current(),
            self.inner.config.max_total_hits,
        );
        let before = self.call(client.index(uid).get_settings()).await?;
        self.write(client.index(uid).set_settings(&settings))
            .await?;
        tracing::info!(index = uid, "Meilisearch index settings applied");
        if settings::documents_are_stale(&before, &settings) {
            // Documents record the concepts their texts named under the old terms: the
            // indexer fills an empty index again from the catalogue.
            self.write(client.index(uid).delete_all_documents()).await?;
            tracing::info!(
                index = uid,
                "the index was written under other terms or fields; emptied to be filled again"
            );
        }
        Ok(())
    }

    async fn add_to(&self, index: &Index, documents: &[OfferDocument]) -> Result<(), SearchError> {
        match self.send_to(index, documents).await? {
            Some(task) => self.wait(task).await.map(|_| ()),
            None => Ok(()),
        }
    }

    /// Sends documents without waiting for Meilisearch to apply them; `None` when there
    /// was nothing to send.
    async fn send_to(
        &self,
        index: &Index,
        documents: &[OfferDocument],
    ) -> Result<Option<TaskInfo>, SearchError> {
        if documents.is_empty() {
            return Ok(None);
        }
        let thesaurus = self.inner.terms.current();
        let documents: Vec<MeiliDocument> = documents
            .iter()
            .map(|doc| MeiliDocument::of(doc, &thesaurus))
            .collect();
        self.call(index.add_or_replace(&documents, Some("id")))
            .await
            .map(Some)
    }

    /// Runs one search with a word-matching strategy.
    async fn run(
        &self,
        request: &SearchRequest,
        strategy: MatchingStrategies,
    ) -> Result<SearchResults, SearchError> {
        let text = folded_query(&request.text);
        let has_words = !text.is_empty();
        let filter = filter_expression(request);
        let sort = sort_expression(request, has_words);
        let sort_list: Vec<&str> = sort.iter().map(String::as_str).collect();
        let retrieve = ["id", "_geo"];
        let index = self.live();
        let mut query = index.search();
        query
            .with_query(&text)
            .with_filter(&filter)
            .with_attributes_to_retrieve(Selectors::Some(&retrieve))
            .with_show_ranking_score(true)
            .with_matching_strategy(strategy);
        if !sort_list.is_empty() {
            query.with_sort(&sort_list);
        }
        // Only the facets asked for: counting costs the engine work for every match.
        let asked: Vec<&str> = request.facets.iter().map(|facet| facet.field()).collect();
        if !asked.is_empty() {
            query.with_facets(Selectors::Some(&asked));
        }
        // Whole pages give an exact total; an odd offset only an estimate.
        let exact = request.limit > 0 && request.offset.is_multiple_of(request.limit);
        if exact {
            query
                .with_page(request.offset / request.limit + 1)
                .with_hits_per_page(request.limit);
        } else {
            query.with_offset(request.offset).with_limit(request.limit);
        }
        let found = self.call(query.execute::<HitFields>()).await?;
        let total = if exact {
            found.total_hits
        } else {
            found.estimated_total_hits
        };
        let hits = found
            .hits
            .into_iter()
            .map(|hit| SearchHit {
                id: hit.result.id,
                score: hit.ranking_score.unwrap_or_default() as f32,
                distance_km: request
                    .near
                    .zip(hit.result.geo)
                    .map(|(near, point)| distance_km((near.lat, near.lon), (point.lat, point.lng))),
            })
            .collect();
        let mut facets = Facets::new();
        for (name, counts) in found.facet_distribution.unwrap_or_default() {
            let Some(facet) = Facet::of_field(&name) else {
                continue;
            };
            facets.insert(
                facet,
                counts
                    .into_iter()
                    .map(|(value, count)| (value, count as u64))
                    .collect(),
            );
        }
        Ok(SearchResults {
            hits,
            total: total.unwrap_or_default() as u64,
            facets,
            corrected: None,
        })
    }

    /// The query with each word no title contains replaced by the closest one that does,
    /// found among the indexed title words that start like it.
    async fn correction(&self, text: &str) -> Result<Option<String>, SearchError> {
        let index = self.live();
        let mut changed = false;
        let mut corrected = Vec::new();
        for word in analysis::tokens(text).into_iter().take(MAX_CORRECTED_WORDS) {
            let stem: String = word.chars().take(3).collect();
            let mut query = index.facet_search("words");
            query.with_facet_query(&stem);
            let found = self.call(query.execute()).await?;
            if found.facet_hits.iter().any(|hit| hit.value == word) {
                corrected.push(word);
                continue;
            }
            let thesaurus = self.inner.terms.current();
            let best = found
                .facet_hits
                .iter()
                .filter(|hit| thesaurus.correction_allowed(&word, &hit.value))
                .filter_map(|hit| {
                    analysis::distance_within(&word, &hit.value, 2)
                        .map(|d| (d, std::cmp::Reverse(hit.count), hit.value.clone()))
                })
                .min();
            match best {
                Some((_, _, value)) => {
                    changed = true;
                    corrected.push(value);
                }
                None => corrected.push(word),
            }
        }
        Ok(changed.then(|| corrected.join(" ")))
    }
}

#[async_trait::async_trait]
impl SearchIndex for MeiliIndex {
    fn name(&self) -> &'static str {
        "meilisearch"
    }

    async fn upsert(&self, documents: Vec<OfferDocument>) -> Result<(), SearchError> {
        self.prepare().await?;
        self.add_to(&self.live(), &documents).await
    }

    async fn delete(&self, ids: Vec<Uuid>) -> Result<(), SearchError> {
        self.prepare().await?;
        if ids.is_empty() {
            return Ok(());
        }
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        self.write(self.live().delete_documents(&ids)).await
    }

    async fn clear(&self) -> Result<(), SearchError> {
        self.prepare().await?;
        self.write(self.live().delete_all_documents()).await
    }

    async fn count(&self) -> Result<u64, SearchError> {
        self.prepare().await?;
        let stats = self.call(self.live().get_stats()).await?;
        Ok(stats.number_of_documents as u64)
    }

    async fn search(&self, request: SearchRequest) -> Result<SearchResults, SearchError> {
        self.prepare().await?;
        let words = analysis::tokens(&request.text).len();
        let mut results = self.run(&request, MatchingStrategies::ALL).await?;
        if results.total == 0 && words > 1 {
            // Nothing has every word: settle for the best partial matches.
            results = self.run(&request, MatchingStrategies::FREQUENCY).await?;
        }
        if results.total == 0 && words > 0 {
            results.corrected = self.correction(&request.text).await?;
        }
        Ok(results)
    }

    async fn suggest(
        &self,
        prefix: String,
        limit: usize,
        today: NaiveDate,
    ) -> Result<Vec<Uuid>, SearchError> {
        self.prepare().await?;
        let prefix = folded_query(&prefix);
        if prefix.is_empty() {
            return Ok(Vec::new());
        }
        let filter = format!("valid_until >= {}", days(today));
        let retrieve = ["id"];
        let title = ["title"];
        let index = self.live();
        let mut query = index.search();
        query
            .with_query(&prefix)
            .with_filter(&filter)
            .with_attributes_to_search_on(&title)
            .with_attributes_to_retrieve(Selectors::Some(&retrieve))
            .with_limit(limit.max(1));
        let found = self.call(query.execute::<HitFields>()).await?;
        Ok(found.hits.into_iter().map(|hit| hit.result.id).collect())
    }

    async fn use_terms(&self, thesaurus: Arc<Thesaurus>) -> Result<(), SearchError> {
        self.prepare().await?;
        let settings = index_settings(&thesaurus, self.inner.config.max_total_hits);
        self.inner.terms.replace(thesaurus);
        // The synonyms, which map the terms to the concepts' words, change with the terms.
        self.write(self.live().set_settings(&settings)).await
    }

    async fn holding_words(&self, words: Vec<String>) -> Result<Vec<Uuid>, SearchError> {
        self.prepare().await?;
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let text = words.join(" ");
        let retrieve = ["id"];
        let searched = ["title", "parts", "body", "context"];
        let index = self.live();
        let mut query = index.search();
        query
            .with_query(&text)
            .with_attributes_to_search_on(&searched)
            .with_attributes_to_retrieve(Selectors::Some(&retrieve))
            .with_matching_strategy(MatchingStrategies::ALL)
            .with_limit(self.inner.config.max_total_hits);
        let found = self.call(query.execute::<HitFields>()).await?;
        Ok(found.hits.into_iter().map(|hit| hit.result.id).collect())
    }

    async fn rebuild(&self) -> Result<Box<dyn Rebuild>, SearchError> {
        self.prepare().await?;
        let staging = self.staging_name();
        // A rebuild abandoned earlier leaves its index behind: start from nothing.
        let deleted = self
            .call(self.inner.client.index(&staging).delete())
            .await?;
        if let Err(err) = self.wait(deleted).await {
            tracing::debug!(error = %err, "no earlier rebuild index to delete");
        }
        self.set_up(&staging).await?;
        Ok(Box::new(MeiliRebuild {
            engine: self.clone(),
            staging: self.inner.client.index(&staging),
            sent: std::collections::VecDeque::new(),
        }))
    }
}

/// A rebuild into `<index>_rebuild`, swapped with the live index when finished. Batches
/// are sent without waiting for each to be applied (up to `REBUILD_BATCHES_AHEAD`), so
/// Meilisearch indexes large merged runs instead of one small batch at a time; the swap
/// waits until every batch is applied, and any failed batch fails the rebuild.
struct MeiliRebuild {
    engine: MeiliIndex,
    staging: Index,
    /// Batches sent and not yet seen applied, oldest first.
    sent: std::collections::VecDeque<TaskInfo>,
}

#[async_trait::async_trait]
impl Rebuild for MeiliRebuild {
    async fn add(&mut self, documents: Vec<OfferDocument>) -> Result<(), SearchError> {
        if let Some(task) = self.engine.send_to(&self.staging, &documents).await? {
            self.sent.push_back(task);
        }
        while self.sent.len() > REBUILD_BATCHES_AHEAD {
            if let Some(oldest) = self.sent.pop_front() {
                self.engine.wait(oldest).await?;
            }
        }
        Ok(())
    }

    async fn finish(mut self: Box<Self>) -> Result<(), SearchError> {
        // Tasks of one index run in order: each wait is short once the first is done.
        while let Some(task) = self.sent.pop_front() {
            self.engine.wait(task).await?;
        }
        let engine = &self.engine;
        let swap = SwapIndexes {
            indexes: (engine.inner.config.index.clone(), self.staging.uid.clone()),
            rename: None,
        };
        engine
            .write(engine.inner.client.swap_indexes([&swap]))
            .await?;
        // The staging name now holds the replaced documents.
        if let Err(err) = engine.write(self.staging.delete()).await {
            tracing::warn!(error = %err, "could not delete the replaced search index");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::document::GeoPoint;
    use super::*;
    use crate::search::{Near, SearchFilter};

    #[test]
    fn filters_quote_values_and_combine_with_and() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
        let request = SearchRequest {
            filter: SearchFilter {
                levels: vec!["A1".into(), "A\"2".into()],
                weekdays: vec![1, 3],
                childcare: Some(true),
                ..SearchFilter::default()
            },
            near: Some(Near {
                lat: 47.35,
                lon: 7.9,
                radius_km: 2.5,
            }),
            today,
            ..SearchRequest::default()
        };
        assert_eq!(
            filter_expression(&request),
            format!(
                "valid_until >= {} AND level IN [\"A1\", \"A\\\"2\"] AND weekday IN [\"1\", \"3\"] \
                 AND childcare = true AND _geoRadius(47.35, 7.9, 2500)",
                days(today)
            )
        );
    }

    #[test]
    fn synonyms_map_every_term_of_a_concept_to_its_word() {
        let thesaurus = Thesaurus::parse(
            "concept,locale,terms,query_terms\ngerman-course,de,deutschkurs,deutsch\ngerman-course,en,german course\n",
        )
        .unwrap_or_default();
        let map = synonyms(&thesaurus);
        assert_eq!(map["deutschkurs"], ["conceptgermancourse"]);
        assert_eq!(map["german course"], ["conceptgermancourse"]);
        assert_eq!(map["deutsch"], ["conceptgermancourse"]);
        let doc = MeiliDocument::of(
            &OfferDocument {
                titles: vec!["Deutschkurs".into()],
                bodies: vec!["Auf Deutsch".into()],
                ..sample_document()
            },
            &thesaurus,
        );
        assert_eq!(doc.title_concept, ["conceptgermancourse"]);
        assert_eq!(doc.concept, ["conceptgermancourse"]);
    }

    fn sample_document() -> OfferDocument {
        OfferDocument {
            id: Uuid::nil(),
            provider_id: Uuid::nil(),
            titles: vec!["Deutschkurs am Abend".into()],
            bodies: vec![],
            category_labels: vec![],
            context: vec![],
            categories: vec![],
            regions: vec![],
            districts: vec![],
            instruction_languages: vec![],
            level: None,
            cost: "FREE".into(),
            childcare: false,
            online: false,
            weekdays: vec![2],
            times_of_day: vec![],
            starts_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
            valid_until: None,
            updated_at: chrono::DateTime::default(),
            point: Some((47.0, 7.0)),
        }
    }

    #[test]
    fn documents_carry_days_words_and_the_point() {
        let doc = sample_document();
        let stored = MeiliDocument::of(&doc, &Thesaurus::default());
        assert_eq!(stored.words, ["abend", "am", "deutschkurs"]);
        assert_eq!(stored.valid_until, NO_END);
        assert_eq!(stored.weekday, ["2"]);
        assert!(stored.parts.contains("kurs"));
        assert_eq!(
            stored.geo,
            Some(GeoPoint {
                lat: 47.0,
                lng: 7.0
            })
        );
    }
}
