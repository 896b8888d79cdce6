//! The relevance set (`tests/data/search-relevance.json`): every query must bring its listed
//! offers into the first five hits of the embedded engine.

use std::collections::HashMap;

use angebotsplattform::search::embedded::EmbeddedIndex;
use angebotsplattform::search::terms::Thesaurus;
use angebotsplattform::search::{OfferDocument, SearchIndex, SearchRequest};
use chrono::{Duration, Utc};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize)]
struct RelevanceSet {
    offers: Vec<Entry>,
    queries: Vec<Case>,
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
    query: String,
    top5: Vec<String>,
}

#[tokio::test]
async fn every_query_finds_its_offers_in_the_top_five() {
    let text = include_str!("../../data/search-relevance.json");
    let set: RelevanceSet = serde_json::from_str(text).unwrap();
    assert!(set.queries.len() >= 40);
    let index = EmbeddedIndex::in_memory(Thesaurus::shipped().unwrap()).unwrap();
    let today = Utc::now().date_naive();
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
                updated_at: Utc::now(),
                point: None,
            }
        })
        .collect();
    index.upsert(documents).await.unwrap();
    let mut failures = Vec::new();
    for case in &set.queries {
        let results = index
            .search(SearchRequest {
                text: case.query.clone(),
                limit: 5,
                today,
                ..SearchRequest::default()
            })
            .await
            .unwrap();
        let found: Vec<&str> = results.hits.iter().map(|h| keys[&h.id].as_str()).collect();
        for wanted in &case.top5 {
            if !found.contains(&wanted.as_str()) {
                failures.push(format!("{:?}: wanted {wanted}, got {found:?}", case.query));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} queries failed:\n{}",
        failures.len(),
        set.queries.len(),
        failures.join("\n")
    );
}
