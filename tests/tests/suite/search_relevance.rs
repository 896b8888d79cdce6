//! The relevance set (`tests/data/search-relevance.json`), measured on each engine: per
//! language, nDCG@5 must stay at or above its floor, and the share of queries without hits
//! and the number of queries missing an offer they grade 3 from their first five hits at
//! or below their ceilings (kept per engine in the data file, and raised as the search gets
//! better). Run with `--nocapture` to see the table.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use angebotsplattform::search::embedded::EmbeddedIndex;
use angebotsplattform::search::meili::{MeiliConfig, MeiliIndex};
use angebotsplattform::search::terms::Thesaurus;
use angebotsplattform::search::{OfferDocument, SearchIndex, SearchRequest};
use chrono::{Duration, Utc};
use serde::Deserialize;
use uuid::Uuid;

/// Hits a query is judged by.
const CUTOFF: usize = 5;

#[derive(Deserialize)]
struct RelevanceSet {
    offers: Vec<Entry>,
    queries: Vec<Case>,
    /// Per engine, per language: what its queries must score at least.
    floors: BTreeMap<String, BTreeMap<String, Floor>>,
}

#[derive(Deserialize)]
struct Entry {
    key: String,
    titles: Vec<String>,
    bodies: Vec<String>,
    categories: Vec<String>,
}

#[derive(Deserialize)]
struct Case {
    lang: String,
    query: String,
    /// Offer key → grade (3 asked for, 2 relevant, 1 related).
    relevant: HashMap<String, u8>,
}

#[derive(Deserialize, Clone, Copy)]
struct Floor {
    /// Lowest mean nDCG@5.
    ndcg5: f64,
    /// Highest share of queries without hits.
    zero_results: f64,
    /// Most queries missing an offer they grade 3 from their first five hits.
    misses: usize,
}

/// What one language's queries scored.
#[derive(Default)]
struct LanguageScore {
    queries: usize,
    ndcg_sum: f64,
    without_hits: usize,
    misses: usize,
}

impl LanguageScore {
    fn ndcg(&self) -> f64 {
        self.ndcg_sum / self.queries.max(1) as f64
    }

    fn zero_rate(&self) -> f64 {
        self.without_hits as f64 / self.queries.max(1) as f64
    }
}

/// Normalised discounted cumulative gain of the first `CUTOFF` hits: each hit gains
/// 2^grade − 1, discounted by log2 of its rank + 1, over the best order's gain.
fn ndcg(found: &[&str], relevant: &HashMap<String, u8>) -> f64 {
    let gain = |grade: u8| f64::from((1u32 << grade) - 1);
    let discount = |rank: usize| ((rank + 2) as f64).log2();
    let dcg: f64 = found
        .iter()
        .take(CUTOFF)
        .enumerate()
        .map(|(rank, key)| gain(relevant.get(*key).copied().unwrap_or(0)) / discount(rank))
        .sum();
    let mut grades: Vec<u8> = relevant.values().copied().collect();
    grades.sort_unstable_by(|a, b| b.cmp(a));
    let ideal: f64 = grades
        .iter()
        .take(CUTOFF)
        .enumerate()
        .map(|(rank, grade)| gain(*grade) / discount(rank))
        .sum();
    if ideal == 0.0 { 1.0 } else { dcg / ideal }
}

fn relevance_set() -> RelevanceSet {
    serde_json::from_str(include_str!("../../data/search-relevance.json")).unwrap()
}

async fn measure(index: Arc<dyn SearchIndex>) {
    let set = relevance_set();
    assert!(set.queries.len() >= 150, "{} queries", set.queries.len());
    // One moment for every offer: freshness breaks ties, and offers written a second apart
    // would order ties by when the test ran.
    let now = Utc::now();
    let today = now.date_naive();
    let mut keys: HashMap<Uuid, String> = HashMap::new();
    let documents: Vec<OfferDocument> = set
        .offers
        .iter()
        .map(|entry| {
            let id = Uuid::now_v7();
            keys.insert(id, entry.key.clone());
            OfferDocument {
                id,
                provider_id: Uuid::nil(),
                titles: entry.titles.clone(),
                bodies: entry.bodies.clone(),
                category_labels: vec![],
                context: vec![],
                categories: entry.categories.clone(),
                regions: vec![],
                districts: vec![],
                instruction_languages: vec!["de".into()],
                level: None,
                cost: "FREE".into(),
                childcare: false,
                online: false,
                weekdays: vec![],
                times_of_day: vec![],
                starts_on: today + Duration::days(7),
                valid_until: None,
                updated_at: now,
                point: None,
            }
        })
        .collect();
    index.upsert(documents).await.unwrap();

    let mut scores: BTreeMap<String, LanguageScore> = BTreeMap::new();
    let mut misses = Vec::new();
    for case in &set.queries {
        let results = index
            .search(SearchRequest {
                text: case.query.clone(),
                limit: CUTOFF,
                today,
                ..SearchRequest::default()
            })
            .await
            .unwrap();
        let found: Vec<&str> = results.hits.iter().map(|h| keys[&h.id].as_str()).collect();
        let score = scores.entry(case.lang.clone()).or_default();
        score.queries += 1;
        score.ndcg_sum += ndcg(&found, &case.relevant);
        if results.total == 0 {
            score.without_hits += 1;
        }
        let missing: Vec<&String> = case
            .relevant
            .iter()
            .filter(|(wanted, grade)| **grade == 3 && !found.contains(&wanted.as_str()))
            .map(|(wanted, _)| wanted)
            .collect();
        if !missing.is_empty() {
            score.misses += 1;
            misses.push(format!(
                "[{}] {:?}: wanted {missing:?}, got {found:?}",
                case.lang, case.query
            ));
        }
    }

    let mut report = format!(
        "relevance on {}\nlang  queries  nDCG@5  without hits  misses\n",
        index.name()
    );
    let floors = &set.floors[index.name()];
    let mut below = Vec::new();
    for (lang, score) in &scores {
        report.push_str(&format!(
            "{lang:<5} {:>7}  {:>6.3}  {:>11.1}%  {:>6}\n",
            score.queries,
            score.ndcg(),
            100.0 * score.zero_rate(),
            score.misses
        ));
        let Some(floor) = floors.get(lang) else {
            below.push(format!("{lang}: no floor set"));
            continue;
        };
        if score.ndcg() < floor.ndcg5
            || score.zero_rate() > floor.zero_results
            || score.misses > floor.misses
        {
            below.push(format!(
                "{lang}: nDCG@5 {:.3} (floor {}), without hits {:.3} (ceiling {}), misses {} (ceiling {})",
                score.ndcg(),
                floor.ndcg5,
                score.zero_rate(),
                floor.zero_results,
                score.misses,
                floor.misses
            ));
        }
    }
    report.push_str(&format!(
        "{} of {} queries miss an offer they ask for:\n{}\n",
        misses.len(),
        set.queries.len(),
        misses.join("\n")
    ));
    eprintln!("{report}");
    assert!(
        below.is_empty(),
        "{report}\nbelow the floors:\n{}",
        below.join("\n")
    );
}

#[test]
fn ndcg_rewards_the_best_order_and_nothing_else() {
    let relevant: HashMap<String, u8> = [("a".to_owned(), 3), ("b".to_owned(), 1)].into();
    assert_eq!(ndcg(&["a", "b"], &relevant), 1.0);
    assert!(ndcg(&["b", "a"], &relevant) < 1.0);
    assert!(ndcg(&["x", "a"], &relevant) < ndcg(&["a", "x"], &relevant));
    assert_eq!(ndcg(&[], &relevant), 0.0);
    // Every query of the set asks for something, and every language has a floor on both
    // engines.
    let set = relevance_set();
    for case in &set.queries {
        assert!(case.relevant.values().any(|g| *g == 3), "{}", case.query);
        for engine in ["embedded", "meilisearch"] {
            assert!(
                set.floors[engine].contains_key(&case.lang),
                "{engine} {}",
                case.lang
            );
        }
    }
}

#[tokio::test]
async fn the_embedded_engine_ranks_what_each_query_asks_for_first() {
    measure(Arc::new(
        EmbeddedIndex::in_memory(Thesaurus::shipped().unwrap()).unwrap(),
    ))
    .await;
}

#[tokio::test]
#[cfg_attr(
    not(with_meilisearch),
    ignore = "needs a Meilisearch server: set TEST_MEILI_URL"
)]
async fn meilisearch_ranks_what_each_query_asks_for_first() {
    let config = MeiliConfig {
        url: std::env::var("TEST_MEILI_URL").unwrap().trim().to_owned(),
        api_key: std::env::var("TEST_MEILI_API_KEY").ok(),
        index: format!("relevance_{}", Uuid::now_v7().simple()),
        task_timeout: StdDuration::from_secs(60),
        max_total_hits: 10_000,
    };
    let index = Arc::new(MeiliIndex::new(config, Thesaurus::shipped().unwrap()).unwrap());
    measure(index.clone()).await;
    index.clear().await.unwrap();
}
