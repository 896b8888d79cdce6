//! The embedded search engine: a tantivy index in the data directory (or in memory for
//! tests). Words are matched with typos, compound parts and the term file's concepts;
//! filters are term and range queries; facets, the radius, distances and the order come
//! from fast fields while the matches are collected (`top_matches`), so they cover the
//! whole result.

mod schema;
mod tantivy_query;

use std::collections::{HashMap, HashSet};
use std::ops::Bound;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use tantivy::collector::DocSetCollector;
use tantivy::index::SegmentId;
use tantivy::query::{BooleanQuery, FuzzyTermQuery, Occur, Query, RangeQuery};
use tantivy::schema::Value;
use tantivy::{
    Index, IndexReader, IndexWriter, ReloadPolicy, SegmentReader, TantivyDocument, Term,
};
use tokio::sync::{Mutex, OwnedMutexGuard, Semaphore};
use uuid::Uuid;

use crate::search::facet_values::FacetValues;
use crate::search::terms::{LiveTerms, Thesaurus};
use crate::search::top_matches::{Harvest, Order, TopMatches};
use crate::search::{
    OfferDocument, Rebuild, SearchError, SearchHit, SearchIndex, SearchRequest, SearchResults,
    analysis,
};
use crate::search::{query, stems};

use schema::{Fields, days, register_tokenizers, schema};
use tantivy_query::{build_query, plain_word};

/// Memory the index writer may buffer before it flushes a segment.
const WRITER_MEMORY: usize = 50_000_000;

fn engine_error(err: impl std::fmt::Display) -> SearchError {
    SearchError::Engine(err.to_string())
}

struct Inner {
    reader: IndexReader,
    writer: Arc<Mutex<IndexWriter<TantivyDocument>>>,
    fields: Fields,
    /// The terms in use. What they were (`written_with`) is kept with every commit: an index
    /// written with other text analysis or under other terms (documents record the concepts
    /// they name) is emptied on open and filled again.
    terms: LiveTerms,
    /// The searched segments' facet values, read once per segment.
    facet_values: Arc<FacetValues>,
}

impl Inner {
    /// Makes the last commit searchable, and forgets what was held for segments it retired.
    fn reload(&self) -> Result<(), SearchError> {
        self.reader.reload().map_err(engine_error)?;
        let searched: HashSet<SegmentId> = self
            .reader
            .searcher()
            .segment_readers()
            .iter()
            .map(SegmentReader::segment_id)
            .collect();
        self.facet_values.keep_only(&searched);
        Ok(())
    }
}

/// The embedded engine.
#[derive(Clone)]
pub struct EmbeddedIndex {
    inner: Arc<Inner>,
    /// Searches run at once. A search is CPU work on a blocking thread; more of them than
    /// cores only adds threads, each keeping the memory its searches used (32 searches at
    /// once held 365 MiB against 127 MiB for 2, at the same throughput).
    slots: Arc<Semaphore>,
}

impl EmbeddedIndex {
    /// Opens the index in `dir`, creating it when missing (or recreating it when its schema
    /// is from another version or its documents were read with another text analysis or term
    /// file: the indexer then fills it again).
    pub fn open(dir: &Path, thesaurus: Thesaurus) -> Result<Self, SearchError> {
        std::fs::create_dir_all(dir).map_err(engine_error)?;
        let (schema, fields) = schema();
        let expected = written_with(&thesaurus);
        let current = |index: &Index| {
            index.schema() == schema
                && index
                    .load_metas()
                    .is_ok_and(|metas| metas.payload.as_deref() == Some(expected.as_str()))
        };
        let index = match Index::open_in_dir(dir) {
            Ok(index) if current(&index) => index,
            Ok(_) | Err(_) => {
                for entry in std::fs::read_dir(dir).map_err(engine_error)?.flatten() {
                    let path = entry.path();
                    if path.is_file() {
                        std::fs::remove_file(path).map_err(engine_error)?;
                    }
                }
                Index::create_in_dir(dir, schema).map_err(engine_error)?
            }
        };
        Self::with_index(index, fields, thesaurus)
    }

    /// A fresh index in memory.
    pub fn in_memory(thesaurus: Thesaurus) -> Result<Self, SearchError> {
        let (schema, fields) = schema();
        Self::with_index(Index::create_in_ram(schema), fields, thesaurus)
    }

    fn with_index(index: Index, fields: Fields, thesaurus: Thesaurus) -> Result<Self, SearchError> {
        register_tokenizers(&index);
        let writer = index.writer(WRITER_MEMORY).map_err(engine_error)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(engine_error)?;
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Ok(Self {
            inner: Arc::new(Inner {
                reader,
                writer: Arc::new(Mutex::new(writer)),
                fields,
                terms: LiveTerms::new(thesaurus),
                facet_values: Arc::default(),
            }),
            slots: Arc::new(Semaphore::new(cores)),
        })
    }

    /// Runs at most `searches` searches at once (0: one per core); the others wait.
    pub fn searching_at_once(mut self, searches: usize) -> Self {
        if searches > 0 {
            self.slots = Arc::new(Semaphore::new(searches));
        }
        self
    }

    fn document(&self, doc: &OfferDocument) -> TantivyDocument {
        let f = self.inner.fields;
        let mut out = TantivyDocument::new();
        out.add_text(f.id, doc.id.to_string());
        // Folded once: the words of each field and the compounds come from the same text.
        let fold =
            |texts: &[String]| -> Vec<String> { texts.iter().map(|t| analysis::fold(t)).collect() };
        let words = |folded: &[String]| -> Vec<String> {
            folded
                .iter()
                .flat_map(|t| analysis::words(t).map(str::to_owned))
                .collect()
        };
        let folded_labels = fold(&doc.category_labels);
        let (folded_titles, folded_bodies, folded_context) = (
            fold(&doc.titles),
            fold(&doc.bodies),
            [folded_labels.clone(), fold(&doc.context)].concat(),
        );
        let (titles, bodies, context) = (
            words(&folded_titles),
            words(&folded_bodies),
            words(&folded_context),
        );
        let parts = analysis::compound_parts(
            folded_titles
                .iter()
                .chain(&folded_bodies)
                .map(String::as_str),
        );
        out.add_text(f.title, titles.join(" "));
        out.add_text(f.body, bodies.join(" "));
        out.add_text(f.context, context.join(" "));
        out.add_text(f.parts, parts.join(" "));
        let stems = stems::of_words(
            [&titles, &bodies, &context]
                .into_iter()
                .flatten()
                .map(String::as_str),
        );
        out.add_text(f.stems, stems.join(" "));
        let others: Vec<String> = folded_bodies.into_iter().chain(folded_context).collect();
        let thesaurus = self.inner.terms.current();
        let named_like_titles = [folded_titles, folded_labels].concat();
        let named = thesaurus.concepts_of_offer(&named_like_titles, &others, &parts);
        for code in named.in_titles {
            out.add_text(f.title_concept, code);
        }
        for code in named.anywhere {
            out.add_text(f.concept, code);
        }
        for code in &doc.categories {
            out.add_text(f.category, code);
        }
        for region in &doc.regions {
            out.add_text(f.region, region.to_string());
        }
        for district in &doc.districts {
            out.add_text(f.district, district);
        }
        out.add_text(f.provider, doc.provider_id.to_string());
        for language in &doc.instruction_languages {
            out.add_text(f.language, language);
        }
        if let Some(level) = &doc.level {
            out.add_text(f.level, level);
        }
        out.add_text(f.cost, &doc.cost);
        for day in &doc.weekdays {
            out.add_text(f.weekday, day.to_string());
        }
        for part in &doc.times_of_day {
            out.add_text(f.time_of_day, part);
        }
        out.add_text(f.childcare, doc.childcare.to_string());
        out.add_text(f.online, doc.online.to_string());
        out.add_i64(f.starts_on, days(doc.starts_on));
        out.add_i64(f.valid_until, doc.valid_until.map_or(i64::MAX, days));
        out.add_i64(f.updated_at, doc.updated_at.timestamp());
        if let Some((lat, lon)) = doc.point {
            out.add_f64(f.lat, lat);
            out.add_f64(f.lon, lon);
        }
        out
    }

    async fn commit(&self, writer: &mut IndexWriter<TantivyDocument>) -> Result<(), SearchError> {
        let mut commit = writer.prepare_commit().map_err(engine_error)?;
        commit.set_payload(&written_with(&self.inner.terms.current()));
        commit.commit().map_err(engine_error)?;
        self.inner.reload()
    }
}

/// What the documents of an index depend on besides the offers: the text analysis and the
/// term file.
fn written_with(thesaurus: &Thesaurus) -> String {
    format!(
        "analysis {} terms {}",
        analysis::VERSION,
        thesaurus.fingerprint()
    )
}

/// A rebuild of the embedded index: everything is deleted and added under one writer lock
/// and becomes visible with a single commit, so searches see the old documents until then.
struct EmbeddedRebuild {
    index: EmbeddedIndex,
    writer: Option<OwnedMutexGuard<IndexWriter<TantivyDocument>>>,
}

#[async_trait::async_trait]
impl Rebuild for EmbeddedRebuild {
    async fn add(&mut self, documents: Vec<OfferDocument>) -> Result<(), SearchError> {
        let writer = self
            .writer
            .as_mut()
            .ok_or_else(|| engine_error("the rebuild is finished"))?;
        for doc in &documents {
            writer
                .add_document(self.index.document(doc))
                .map_err(engine_error)?;
        }
        Ok(())
    }

    async fn finish(mut self: Box<Self>) -> Result<(), SearchError> {
        let mut writer = self
            .writer
            .take()
            .ok_or_else(|| engine_error("the rebuild is finished"))?;
        self.index.commit(&mut writer).await?;
        // A whole catalogue written at once lands in several segments; every search repeats
        // its term lookups and scorer set-up per segment, so they are merged into one. The
        // rebuild is committed and searchable already: the merge only speeds searches up, and
        // it fails when the writer's own background merging took some of those segments
        // first, which leaves fewer segments anyway.
        let segments = writer
            .index()
            .searchable_segment_ids()
            .map_err(engine_error)?;
        if segments.len() > 1 {
            if let Err(err) = writer.merge(&segments).await {
                tracing::info!(error = %err, "the rebuilt index was not merged into one segment");
            }
            self.index.inner.reload()?;
        }
        Ok(())
    }
}

impl Drop for EmbeddedRebuild {
    fn drop(&mut self) {
        // Abandoned before `finish`: forget the uncommitted deletions and additions.
        if let Some(writer) = self.writer.as_mut()
            && let Err(err) = writer.rollback()
        {
            tracing::error!(error = %err, "could not abandon a search index rebuild");
        }
    }
}

impl Inner {
    fn run(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let units = query::parse(&self.terms.current(), &request.text);
        let searcher = self.reader.searcher();
        let collector = TopMatches {
            near: request.near,
            order: Order::of(request.sort, !units.is_empty()),
            keep: request.offset.saturating_add(request.limit),
            facets: request.facets.clone(),
            facet_values: self.facet_values.clone(),
        };
        let mut harvest = searcher
            .search(
                &*build_query(&self.fields, request, &units, true),
                &collector,
            )
            .map_err(engine_error)?;
        if harvest.total == 0 && units.len() > 1 {
            // Nothing has every word: settle for the best partial matches.
            harvest = searcher
                .search(
                    &*build_query(&self.fields, request, &units, false),
                    &collector,
                )
                .map_err(engine_error)?;
        }
        let Harvest {
            mut matches,
            total,
            facets,
        } = harvest;
        matches.sort_by(|a, b| collector.order.compare(a, b));
        let mut hits = Vec::new();
        for m in matches.iter().skip(request.offset).take(request.limit) {
            let doc: TantivyDocument = searcher.doc(m.address).map_err(engine_error)?;
            let id = doc
                .get_first(self.fields.id)
                .and_then(|v| v.as_str())
                .and_then(|s| Uuid::parse_str(s).ok())
                .ok_or_else(|| engine_error("a document without id"))?;
            hits.push(SearchHit {
                id,
                score: m.score,
                distance_km: m.distance_km,
            });
        }
        let corrected = if total == 0 && !units.is_empty() {
            self.correction(&request.text)?
        } else {
            None
        };
        Ok(SearchResults {
            hits,
            total,
            facets,
            corrected,
        })
    }

    /// The query with each word that is not in the index replaced by the closest one that is.
    fn correction(&self, text: &str) -> Result<Option<String>, SearchError> {
        let words = analysis::tokens(text);
        let searcher = self.reader.searcher();
        let mut vocabulary: HashMap<String, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            for field in [self.fields.title, self.fields.body] {
                let inverted = segment.inverted_index(field).map_err(engine_error)?;
                let mut stream = inverted.terms().stream().map_err(engine_error)?;
                while stream.advance() {
                    if let Ok(term) = std::str::from_utf8(stream.key()) {
                        *vocabulary.entry(term.to_owned()).or_default() +=
                            u64::from(stream.value().doc_freq);
                    }
                }
            }
        }
        let mut changed = false;
        let mut corrected = Vec::new();
        for word in words {
            if vocabulary.contains_key(&word) {
                corrected.push(word);
                continue;
            }
            let thesaurus = self.terms.current();
            let best = vocabulary
                .iter()
                .filter(|(term, _)| thesaurus.correction_allowed(&word, term))
                .filter_map(|(term, freq)| {
                    analysis::distance_within(&word, term, 2)
                        .map(|d| (d, std::cmp::Reverse(*freq), term))
                })
                .min();
            match best {
                Some((_, _, term)) => {
                    changed = true;
                    corrected.push(term.clone());
                }
                None => corrected.push(word),
            }
        }
        Ok(changed.then(|| corrected.join(" ")))
    }

    /// Every document holding each of `words` exactly, in any text field or as a compound
    /// part, valid or not.
    fn holding_words(&self, words: &[String]) -> Result<Vec<Uuid>, SearchError> {
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let all: Vec<Box<dyn Query>> = words.iter().map(|w| plain_word(&self.fields, w)).collect();
        let searcher = self.reader.searcher();
        let addresses = searcher
            .search(&BooleanQuery::intersection(all), &DocSetCollector)
            .map_err(engine_error)?;
        let mut ids = Vec::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address).map_err(engine_error)?;
            if let Some(id) = doc
                .get_first(self.fields.id)
                .and_then(|v| v.as_str())
                .and_then(|s| Uuid::parse_str(s).ok())
            {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    fn suggest(
        &self,
        prefix: &str,
        limit: usize,
        today: NaiveDate,
    ) -> Result<Vec<Uuid>, SearchError> {
        let mut words = analysis::tokens(prefix);
        let Some(last) = words.pop() else {
            return Ok(Vec::new());
        };
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_i64(f.valid_until, days(today))),
                Bound::Unbounded,
            )),
        )];
        for word in &words {
            clauses.push((Occur::Must, plain_word(f, word)));
        }
        clauses.push((
            Occur::Must,
            Box::new(FuzzyTermQuery::new_prefix(
                Term::from_field_text(f.title, &last),
                u8::from(last.chars().count() >= 5),
                true,
            )),
        ));
        let searcher = self.reader.searcher();
        let top = searcher
            .search(
                &BooleanQuery::new(clauses),
                &tantivy::collector::TopDocs::with_limit(limit.max(1)).order_by_score(),
            )
            .map_err(engine_error)?;
        let mut out = Vec::new();
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address).map_err(engine_error)?;
            if let Some(id) = doc
                .get_first(f.id)
                .and_then(|v| v.as_str())
                .and_then(|s| Uuid::parse_str(s).ok())
            {
                out.push(id);
            }
        }
        Ok(out)
    }
}

/// Runs search work on a blocking thread once one of `slots` is free.
async fn blocking<T: Send + 'static>(
    slots: &Arc<Semaphore>,
    work: impl FnOnce() -> Result<T, SearchError> + Send + 'static,
) -> Result<T, SearchError> {
    let slot = slots
        .clone()
        .acquire_owned()
        .await
        .map_err(|err| SearchError::Engine(err.to_string()))?;
    tokio::task::spawn_blocking(move || {
        let answer = work();
        drop(slot);
        answer
    })
    .await
    .map_err(|err| SearchError::Engine(err.to_string()))?
}

#[async_trait::async_trait]
impl SearchIndex for EmbeddedIndex {
    fn name(&self) -> &'static str {
        "embedded"
    }

    async fn upsert(&self, documents: Vec<OfferDocument>) -> Result<(), SearchError> {
        let mut writer = self.inner.writer.lock().await;
        for doc in &documents {
            writer.delete_term(Term::from_field_text(
                self.inner.fields.id,
                &doc.id.to_string(),
            ));
            writer
                .add_document(self.document(doc))
                .map_err(engine_error)?;
        }
        self.commit(&mut writer).await
    }

    async fn delete(&self, ids: Vec<Uuid>) -> Result<(), SearchError> {
        let mut writer = self.inner.writer.lock().await;
        for id in ids {
            writer.delete_term(Term::from_field_text(self.inner.fields.id, &id.to_string()));
        }
        self.commit(&mut writer).await
    }

    async fn clear(&self) -> Result<(), SearchError> {
        let mut writer = self.inner.writer.lock().await;
        writer.delete_all_documents().map_err(engine_error)?;
        self.commit(&mut writer).await
    }

    async fn count(&self) -> Result<u64, SearchError> {
        Ok(self.inner.reader.searcher().num_docs())
    }

    async fn search(&self, request: SearchRequest) -> Result<SearchResults, SearchError> {
        let inner = self.inner.clone();
        blocking(&self.slots, move || inner.run(&request)).await
    }

    async fn suggest(
        &self,
        prefix: String,
        limit: usize,
        today: NaiveDate,
    ) -> Result<Vec<Uuid>, SearchError> {
        let inner = self.inner.clone();
        blocking(&self.slots, move || inner.suggest(&prefix, limit, today)).await
    }

    async fn use_terms(&self, thesaurus: Arc<Thesaurus>) -> Result<(), SearchError> {
        self.inner.terms.replace(thesaurus);
        Ok(())
    }

    async fn holding_words(&self, words: Vec<String>) -> Result<Vec<Uuid>, SearchError> {
        let inner = self.inner.clone();
        blocking(&self.slots, move || inner.holding_words(&words)).await
    }

    async fn rebuild(&self) -> Result<Box<dyn Rebuild>, SearchError> {
        let writer = self.inner.writer.clone().lock_owned().await;
        writer.delete_all_documents().map_err(engine_error)?;
        Ok(Box::new(EmbeddedRebuild {
            index: self.clone(),
            writer: Some(writer),
        }))
    }
}
