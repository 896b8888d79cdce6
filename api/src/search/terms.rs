//! The shipped term file (`reference/search-terms.csv`): concepts such as "German course"
//! named in many languages, so that a query in English, French, Arabic or Tigrinya finds
//! offers written in German. A query's words are matched against the concepts' terms
//! (longest first); a matched concept stands for all of its terms in every language.

use std::collections::{HashMap, HashSet};

use crate::search::analysis;

const SHIPPED: &str = include_str!("../../reference/search-terms.csv");

/// Longest term, in words.
const MAX_TERM_WORDS: usize = 4;

/// One concept with its terms, each a list of folded words.
#[derive(Debug, Clone)]
pub struct Concept {
    pub code: String,
    pub terms: Vec<Vec<String>>,
}

/// A part of a query: a plain word, or words that name a concept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    Word(String),
    Concept { words: Vec<String>, concept: usize },
}

/// Every concept, and where each term starts.
#[derive(Debug, Clone, Default)]
pub struct Thesaurus {
    pub concepts: Vec<Concept>,
    by_first_word: HashMap<String, Vec<(usize, Vec<String>)>>,
}

impl Thesaurus {
    /// The shipped term file.
    pub fn shipped() -> Result<Self, String> {
        Self::parse(SHIPPED)
    }

    /// Reads a term file: `concept,locale,terms` with terms separated by `|`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut concepts: Vec<Concept> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for (row, record) in reader.records().enumerate() {
            let record = record.map_err(|e| format!("term file row {}: {e}", row + 2))?;
            let (Some(code), Some(terms)) = (record.get(0), record.get(2)) else {
                return Err(format!(
                    "term file row {}: needs concept,locale,terms",
                    row + 2
                ));
            };
            let position = *index.entry(code.to_owned()).or_insert_with(|| {
                concepts.push(Concept {
                    code: code.to_owned(),
                    terms: Vec::new(),
                });
                concepts.len() - 1
            });
            for term in terms.split('|') {
                let words = analysis::tokens(term);
                if words.is_empty() || words.len() > MAX_TERM_WORDS {
                    return Err(format!("term file row {}: bad term {term:?}", row + 2));
                }
                if let Some(concept) = concepts.get_mut(position)
                    && !concept.terms.contains(&words)
                {
                    concept.terms.push(words);
                }
            }
        }
        let mut by_first_word: HashMap<String, Vec<(usize, Vec<String>)>> = HashMap::new();
        for (i, concept) in concepts.iter().enumerate() {
            for term in &concept.terms {
                if let Some(first) = term.first() {
                    by_first_word
                        .entry(first.clone())
                        .or_default()
                        .push((i, term.clone()));
                }
            }
        }
        for entries in by_first_word.values_mut() {
            entries.sort_by_key(|(_, words)| std::cmp::Reverse(words.len()));
        }
        Ok(Self {
            concepts,
            by_first_word,
        })
    }

    /// Splits query words into concepts (longest term first) and plain words.
    pub fn units(&self, words: &[String]) -> Vec<Unit> {
        let mut units = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let matched = self.by_first_word.get(&words[i]).and_then(|entries| {
                entries
                    .iter()
                    .find(|(_, term)| words[i..].starts_with(term))
                    .map(|(concept, term)| (*concept, term.len()))
            });
            match matched {
                Some((concept, len)) => {
                    units.push(Unit::Concept {
                        words: words[i..i + len].to_vec(),
                        concept,
                    });
                    i += len;
                }
                None => {
                    units.push(Unit::Word(words[i].clone()));
                    i += 1;
                }
            }
        }
        units
    }

    /// The concept at `index`.
    pub fn concept(&self, index: usize) -> Option<&Concept> {
        self.concepts.get(index)
    }

    /// The codes of the concepts a text names: those with a term whose words all occur
    /// among `words` (in any order and place, as a query's term matches). An index records
    /// them with each document, so a query naming a concept looks up one term instead of
    /// every term in every language.
    pub fn concepts_named(&self, words: &HashSet<&str>) -> Vec<&str> {
        let mut named: Vec<usize> = Vec::new();
        for word in words {
            let Some(entries) = self.by_first_word.get(*word) else {
                continue;
            };
            for (concept, term) in entries {
                if !named.contains(concept) && term.iter().all(|w| words.contains(w.as_str())) {
                    named.push(*concept);
                }
            }
        }
        named.sort_unstable();
        named
            .into_iter()
            .filter_map(|i| self.concepts.get(i).map(|c| c.code.as_str()))
            .collect()
    }

    /// A digest of every concept and term: an index that recorded the concepts of its
    /// documents under other terms must be filled again.
    pub fn fingerprint(&self) -> String {
        let mut text = String::new();
        for concept in &self.concepts {
            text.push_str(&concept.code);
            for term in &concept.terms {
                text.push('|');
                text.push_str(&term.join(" "));
            }
            text.push('\n');
        }
        crate::digest::sha256_hex(text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_file_covers_the_languages() {
        let thesaurus = Thesaurus::shipped().unwrap();
        let german = thesaurus
            .concepts
            .iter()
            .find(|c| c.code == "german-course")
            .unwrap();
        assert!(german.terms.len() >= 20);
        let text = SHIPPED;
        for locale in [
            "de", "fr", "it", "en", "ar", "ti", "fa", "uk", "tr", "es", "pt",
        ] {
            assert!(
                text.contains(&format!("german-course,{locale},")),
                "{locale}"
            );
        }
    }

    #[test]
    fn a_text_names_the_concepts_whose_terms_it_holds() {
        let thesaurus = Thesaurus::parse(
            "concept,locale,terms\ngerman,de,deutschkurs|deutsch lernen\nchildcare,de,kinderbetreuung\n",
        )
        .unwrap();
        let words = |text: &'static str| -> HashSet<&'static str> { text.split(' ').collect() };
        assert_eq!(
            thesaurus.concepts_named(&words("lernen wir deutsch")),
            ["german"]
        );
        assert!(thesaurus.concepts_named(&words("lernen")).is_empty());
        assert_eq!(
            thesaurus.concepts_named(&words("kinderbetreuung deutschkurs")),
            ["german", "childcare"]
        );
        let other = Thesaurus::parse("concept,locale,terms\ngerman,de,deutschkurs\n").unwrap();
        assert_ne!(thesaurus.fingerprint(), other.fingerprint());
    }

    #[test]
    fn longest_terms_win() {
        let thesaurus = Thesaurus::shipped().unwrap();
        let words = analysis::tokens("Cours d'allemand à Olten");
        let units = thesaurus.units(&words);
        assert!(matches!(&units[0], Unit::Concept { words, .. } if words.len() == 3));
        assert_eq!(units.last(), Some(&Unit::Word("olten".into())));
    }
}
