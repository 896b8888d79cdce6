//! The index settings the platform relies on: what is searched, filtered and sorted, the
//! ranking rules, typo rules, and the term file's concepts as synonyms.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use meilisearch_sdk::settings::{
    FacetingSettings, MinWordSizeForTypos, PaginationSetting, Settings, TypoToleranceSettings,
};

use super::MAX_VALUES_PER_FACET;
use crate::search::terms::Thesaurus;

/// Attributes searched, most important first (Meilisearch ranks by this order): a concept
/// named in a title counts like a typed word in it, one named in a description last.
pub(super) const SEARCHABLE: [&str; 6] = [
    "title",
    "title_concept",
    "parts",
    "body",
    "context",
    "concept",
];
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

/// Whether documents written under `before` miss what `after` searches: other searched
/// attributes, or other synonyms (the concepts documents record come from the same terms).
/// An index that never had settings applied has no documents of ours to miss anything.
pub(super) fn documents_are_stale(before: &Settings, after: &Settings) -> bool {
    let normalised = |synonyms: &Option<HashMap<String, Vec<String>>>| {
        synonyms.as_ref().map(|map| {
            map.iter()
                .map(|(term, others)| {
                    let others: BTreeSet<String> =
                        others.iter().map(|o| o.to_lowercase()).collect();
                    (term.to_lowercase(), others)
                })
                .collect::<BTreeMap<_, _>>()
        })
    };
    let searched_before = before.searchable_attributes.as_deref().unwrap_or_default();
    let never_set_up = searched_before.iter().all(|a| a == "*");
    !never_set_up
        && (Some(searched_before) != after.searchable_attributes.as_deref()
            || normalised(&before.synonyms) != normalised(&after.synonyms))
}

/// The word a document holds for a concept it names: letters only, so Meilisearch keeps it
/// whole, and not a word anyone types.
pub(super) fn concept_word(code: &str) -> String {
    let letters: String = code.chars().filter(char::is_ascii_alphanumeric).collect();
    format!("concept{letters}")
}

/// The term file as Meilisearch synonyms: every term of a concept, and every query term,
/// stands for the concept's word, which documents naming the concept hold. (Mapping each
/// term to every other would be some 10,000 pairs per concept in 17 languages.)
pub fn synonyms(thesaurus: &Thesaurus) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, BTreeSet<String>> = HashMap::new();
    for concept in &thesaurus.concepts {
        let word = concept_word(&concept.code);
        for term in concept.all_terms() {
            out.entry(term.join(" ")).or_default().insert(word.clone());
        }
    }
    out.into_iter()
        .map(|(term, words)| (term, words.into_iter().collect()))
        .collect()
}
