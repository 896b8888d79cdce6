//! The index settings the platform relies on: what is searched, filtered and sorted, the
//! ranking rules, typo rules, and the term file's concepts as synonyms.

use std::collections::{BTreeSet, HashMap};

use meilisearch_sdk::settings::{
    FacetingSettings, MinWordSizeForTypos, PaginationSetting, Settings, TypoToleranceSettings,
};

use super::MAX_VALUES_PER_FACET;
use crate::search::terms::Thesaurus;

/// Attributes searched, most important first (Meilisearch ranks by this order).
pub(super) const SEARCHABLE: [&str; 4] = ["title", "parts", "body", "context"];
/// Attributes filtered by; `words` holds the folded title words, for corrections.
pub(super) const FILTERABLE: [&str; 16] = [
    "category",
    "region",
    "district",
    "provider",
    "language",
    "level",
    "cost",
    "weekday",
    "time_of_day",
    "childcare",
    "online",
    "starts_on",
    "valid_until",
    "updated_at",
    "_geo",
    "words",
];
pub(super) const SORTABLE: [&str; 2] = ["starts_on", "_geo"];
/// `sort` first: a requested order (start date, distance) is strict, and without one the
/// usual relevance rules decide.
pub(super) const RANKING: [&str; 6] = [
    "sort",
    "words",
    "typo",
    "proximity",
    "attribute",
    "exactness",
];

/// The index settings the platform relies on.
pub(super) fn index_settings(thesaurus: &Thesaurus, max_total_hits: usize) -> Settings {
    Settings::new()
        .with_searchable_attributes(SEARCHABLE)
        .with_filterable_attributes(FILTERABLE)
        .with_sortable_attributes(SORTABLE)
        .with_ranking_rules(RANKING)
        .with_synonyms(synonyms(thesaurus))
        .with_typo_tolerance(TypoToleranceSettings {
            enabled: Some(true),
            disable_on_attributes: Some(Vec::new()),
            disable_on_words: Some(Vec::new()),
            // The platform's rule: one typo from 5 letters, two from 9.
            min_word_size_for_typos: Some(MinWordSizeForTypos {
                one_typo: Some(5),
                two_typos: Some(9),
            }),
            disable_on_numbers: None,
        })
        .with_faceting(FacetingSettings {
            max_values_per_facet: MAX_VALUES_PER_FACET,
            sort_facet_values_by: None,
        })
        .with_pagination(PaginationSetting { max_total_hits })
}

/// The term file as Meilisearch synonyms: every term of a concept stands for every other.
pub fn synonyms(thesaurus: &Thesaurus) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, BTreeSet<String>> = HashMap::new();
    for concept in &thesaurus.concepts {
        let terms: Vec<String> = concept.terms.iter().map(|t| t.join(" ")).collect();
        for term in &terms {
            let entry = out.entry(term.clone()).or_default();
            entry.extend(terms.iter().filter(|other| *other != term).cloned());
        }
    }
    out.into_iter()
        .filter(|(_, others)| !others.is_empty())
        .map(|(term, others)| (term, others.into_iter().collect()))
        .collect()
}
