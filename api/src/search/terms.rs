//! The shipped term file (`reference/search-terms.csv`): concepts such as "German course"
//! named in many languages, so that a query in English, French, Arabic or Tigrinya finds
//! offers written in German. A query's words are matched against the concepts' terms
//! (longest first); a matched concept stands for all of its terms in every language.
//!
//! A concept has two kinds of terms. Its *terms* name it wherever they occur: an offer whose
//! text holds "Deutschkurs" or "cours d'allemand" is a German course. Its *query terms* name
//! it only in a query: someone typing "Deutsch" looks for German courses, but an offer that
//! says "Beratung auf Deutsch" is not one.

use std::collections::HashMap;
use std::sync::Arc;

use crate::search::analysis;

const SHIPPED: &str = include_str!("../../reference/search-terms.csv");

/// Longest term, in words.
const MAX_TERM_WORDS: usize = 4;

/// One concept with its terms, each a list of folded words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concept {
    pub code: String,
    /// Terms that name the concept in an offer's text and in a query.
    pub terms: Vec<Vec<String>>,
    /// Terms too general to tag an offer, which name the concept only in a query.
    pub query_terms: Vec<Vec<String>>,
}

impl Concept {
    /// Every term a query may name the concept by.
    pub fn all_terms(&self) -> impl Iterator<Item = &Vec<String>> {
        self.terms.iter().chain(&self.query_terms)
    }
}

/// A part of a query: a plain word, or words that name a concept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    Word(String),
    Concept { words: Vec<String>, concept: usize },
}

/// The codes of the concepts an offer names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedConcepts<'t> {
    pub in_titles: Vec<&'t str>,
    pub anywhere: Vec<&'t str>,
}

/// A term, by its first word: which concept, its words, and whether it tags texts.
#[derive(Debug, Clone)]
struct TermEntry {
    concept: usize,
    words: Vec<String>,
    tags_texts: bool,
}

/// Every concept, and where each term starts.
#[derive(Debug, Clone, Default)]
pub struct Thesaurus {
    pub concepts: Vec<Concept>,
    by_first_word: HashMap<String, Vec<TermEntry>>,
    /// Each term as the file writes it (with its accents and capitals), by its words.
    written: HashMap<Vec<String>, String>,
}

impl Thesaurus {
    /// The shipped term file.
    pub fn shipped() -> Result<Self, String> {
        Self::parse(SHIPPED)
    }

    /// Reads a term file: `concept,locale,terms[,query_terms]`, terms separated by `|`.
    pub fn parse(text: &str) -> Result<Self, String> {
        Self::from_rows(&read_rows(text)?)
    }

    /// The concepts of term file rows. Rows of one concept add up; a term named twice in a
    /// concept counts once; a term of two concepts, a bad code or an empty or too long term
    /// is refused, naming the row.
    pub fn from_rows(rows: &[TermRow]) -> Result<Self, String> {
        let mut concepts: Vec<Concept> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut written: HashMap<Vec<String>, String> = HashMap::new();
        for row in rows {
            let name = format!("{} ({})", row.concept, row.locale);
            if !is_concept_code(&row.concept) {
                return Err(format!(
                    "{name}: a concept code is lower-case letters, digits and '-'"
                ));
            }
            if row.terms.is_empty() && row.query_terms.is_empty() {
                return Err(format!("{name}: names no term"));
            }
            let position = *index.entry(row.concept.clone()).or_insert_with(|| {
                concepts.push(Concept {
                    code: row.concept.clone(),
                    terms: Vec::new(),
                    query_terms: Vec::new(),
                });
                concepts.len() - 1
            });
            let Some(concept) = concepts.get_mut(position) else {
                continue;
            };
            for (list, tags_texts) in [(&row.terms, true), (&row.query_terms, false)] {
                for term in list {
                    let words = analysis::tokens(term);
                    if words.is_empty() || words.len() > MAX_TERM_WORDS {
                        return Err(format!(
                            "{name}: {term:?} is not a term (one to {MAX_TERM_WORDS} words)"
                        ));
                    }
                    let known =
                        concept.terms.contains(&words) || concept.query_terms.contains(&words);
                    if known {
                        continue;
                    }
                    written
                        .entry(words.clone())
                        .or_insert_with(|| term.trim().to_owned());
                    if tags_texts {
                        concept.terms.push(words);
                    } else {
                        concept.query_terms.push(words);
                    }
                }
            }
        }
        let mut by_first_word: HashMap<String, Vec<TermEntry>> = HashMap::new();
        for (i, concept) in concepts.iter().enumerate() {
            let tagged = concept.terms.iter().map(|t| (t, true));
            let queried = concept.query_terms.iter().map(|t| (t, false));
            for (term, tags_texts) in tagged.chain(queried) {
                if let Some(first) = term.first() {
                    by_first_word
                        .entry(first.clone())
                        .or_default()
                        .push(TermEntry {
                            concept: i,
                            words: term.clone(),
                            tags_texts,
                        });
                }
            }
        }
        for entries in by_first_word.values_mut() {
            entries.sort_by_key(|entry| std::cmp::Reverse(entry.words.len()));
            // A query names one concept per term: a term of two would always name the first.
            for (i, entry) in entries.iter().enumerate() {
                if let Some(other) = entries[i + 1..]
                    .iter()
                    .find(|o| o.words == entry.words && o.concept != entry.concept)
                {
                    let code = |at: usize| concepts.get(at).map_or("", |c| c.code.as_str());
                    return Err(format!(
                        "the term {:?} names two concepts, {} and {}",
                        entry.words.join(" "),
                        code(entry.concept),
                        code(other.concept)
                    ));
                }
            }
        }
        Ok(Self {
            concepts,
            by_first_word,
            written,
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
                    .find(|entry| words[i..].starts_with(&entry.words))
                    .map(|entry| (entry.concept, entry.words.len()))
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

    /// The term closest to what was typed, within a few typos, with its concept's code:
    /// what to suggest when a search found nothing. The whole text is compared with every
    /// term, then each word with the one-word terms; a term is written in one script, so
    /// the suggestion is in the script typed.
    pub fn closest_term(&self, text: &str) -> Option<(&str, &str)> {
        let words = analysis::tokens(text);
        let mut candidates: Vec<String> = vec![words.join(" ")];
        if words.len() > 1 {
            candidates.extend(words.iter().cloned());
        }
        let mut best: Option<(usize, usize, &Vec<String>)> = None;
        for typed in candidates.iter().filter(|t| !t.is_empty()) {
            let limit = usize::from(analysis::typo_budget(typed)).max(1);
            for (at, concept) in self.concepts.iter().enumerate() {
                for term in concept.all_terms() {
                    let joined = term.join(" ");
                    if let Some(distance) = analysis::distance_within(typed, &joined, limit)
                        && best.is_none_or(|(d, _, _)| distance < d)
                    {
                        best = Some((distance, at, term));
                    }
                }
            }
            if best.is_some() {
                // The whole text close to a term beats one of its words being one.
                break;
            }
        }
        let (_, at, term) = best?;
        let code = self.concepts.get(at)?.code.as_str();
        Some((code, self.written.get(term)?.as_str()))
    }

    /// Whether `candidate` may replace the typed `word` in a corrected query: not when the
    /// candidate alone names a concept other than the one the typed word is closest to (a
    /// typo of "Kinderhort" is not corrected into a word naming sport).
    pub fn correction_allowed(&self, word: &str, candidate: &str) -> bool {
        let named = |text: &str| -> Option<usize> {
            self.by_first_word.get(text).and_then(|entries| {
                entries
                    .iter()
                    .find(|e| e.words.len() == 1)
                    .map(|e| e.concept)
            })
        };
        let Some(candidate_concept) = named(candidate) else {
            return true;
        };
        let typed_concept = self
            .closest_term(word)
            .and_then(|(code, _)| self.concepts.iter().position(|c| c.code == code));
        typed_concept.is_none_or(|typed| typed == candidate_concept)
    }

    /// The concept at `index`.
    pub fn concept(&self, index: usize) -> Option<&Concept> {
        self.concepts.get(index)
    }

    /// The codes of the concepts a text names: those with a (tagging) term whose words occur
    /// in a row in one of `runs`, the text's word sequences (a title, a description, the
    /// parts of its compounds). An index records them with each document, so a query naming
    /// a concept looks up one term instead of every term in every language.
    pub fn concepts_named<'a, W>(&self, runs: impl IntoIterator<Item = &'a [W]>) -> Vec<&str>
    where
        W: AsRef<str> + 'a,
    {
        let mut named: Vec<usize> = Vec::new();
        for run in runs {
            for (at, word) in run.iter().enumerate() {
                let Some(entries) = self.by_first_word.get(word.as_ref()) else {
                    continue;
                };
                for entry in entries.iter().filter(|e| e.tags_texts) {
                    let follows = run.len() - at >= entry.words.len()
                        && entry
                            .words
                            .iter()
                            .zip(&run[at..])
                            .all(|(term_word, text_word)| term_word == text_word.as_ref());
                    if follows && !named.contains(&entry.concept) {
                        named.push(entry.concept);
                    }
                }
            }
        }
        named.sort_unstable();
        named
            .into_iter()
            .filter_map(|i| self.concepts.get(i).map(|c| c.code.as_str()))
            .collect()
    }

    /// The concepts an offer's folded texts name: in its titles, and anywhere (titles,
    /// descriptions, context, and the parts of its compounds, which count as written apart:
    /// "Deutschkurs" names what "Deutsch Kurs" does). Both engines record them.
    pub fn concepts_of_offer(
        &self,
        folded_titles: &[String],
        folded_others: &[String],
        parts: &[String],
    ) -> NamedConcepts<'_> {
        fn runs(texts: &[String]) -> Vec<Vec<&str>> {
            texts.iter().map(|t| analysis::words(t).collect()).collect()
        }
        let (titles, others) = (runs(folded_titles), runs(folded_others));
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        NamedConcepts {
            in_titles: self.concepts_named(titles.iter().map(Vec::as_slice)),
            anywhere: self.concepts_named(
                titles
                    .iter()
                    .chain(&others)
                    .map(Vec::as_slice)
                    .chain(std::iter::once(parts.as_slice())),
            ),
        }
    }

    /// A digest of every concept and the terms that tag texts: an index that recorded the
    /// concepts of its documents under other terms must be filled again (query terms only
    /// change how queries read, so editing them needs no refill).
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

/// One row of the term file: a concept's terms in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermRow {
    pub concept: String,
    pub locale: String,
    pub terms: Vec<String>,
    pub query_terms: Vec<String>,
}

/// The rows of a term file's text.
pub fn read_rows(text: &str) -> Result<Vec<TermRow>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let list = |field: Option<&str>| -> Vec<String> {
        field
            .unwrap_or_default()
            .split('|')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let mut rows = Vec::new();
    for (at, record) in reader.records().enumerate() {
        let line = at + 2;
        let record = record.map_err(|e| format!("term file row {line}: {e}"))?;
        let (Some(concept), Some(locale)) = (record.get(0), record.get(1)) else {
            return Err(format!("term file row {line}: needs concept,locale,terms"));
        };
        rows.push(TermRow {
            concept: concept.trim().to_owned(),
            locale: locale.trim().to_owned(),
            terms: list(record.get(2)),
            query_terms: list(record.get(3)),
        });
    }
    Ok(rows)
}

/// The shipped term file's rows.
pub fn shipped_rows() -> Result<Vec<TermRow>, String> {
    read_rows(SHIPPED)
}

/// The term file in use, shared by the API and the search engine: replaced whole when an
/// admin edits a row, read as a snapshot by each search.
#[derive(Debug)]
pub struct LiveTerms(std::sync::RwLock<Arc<Thesaurus>>);

impl LiveTerms {
    pub fn new(thesaurus: Thesaurus) -> Self {
        Self(std::sync::RwLock::new(Arc::new(thesaurus)))
    }

    /// The terms now.
    pub fn current(&self) -> Arc<Thesaurus> {
        match self.0.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Puts other terms in use.
    pub fn replace(&self, thesaurus: Arc<Thesaurus>) {
        match self.0.write() {
            Ok(mut current) => *current = thesaurus,
            Err(poisoned) => *poisoned.into_inner() = thesaurus,
        }
    }
}

/// Concept codes are what indexes record: lower-case ASCII letters, digits and hyphens.
fn is_concept_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The languages newcomers in the canton search in.
    const LOCALES: [&str; 17] = [
        "de", "fr", "it", "en", "ar", "ti", "fa", "prs", "uk", "ru", "tr", "so", "ta", "sq", "ku",
        "es", "pt",
    ];

    #[test]
    fn shipped_file_names_every_concept_in_every_language() {
        let thesaurus = Thesaurus::shipped().unwrap();
        assert!(thesaurus.concepts.len() >= 20);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(SHIPPED.as_bytes());
        let rows: Vec<(String, String)> = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                (r[0].to_owned(), r[1].to_owned())
            })
            .collect();
        for concept in &thesaurus.concepts {
            assert!(!concept.terms.is_empty(), "{}", concept.code);
            for locale in LOCALES {
                assert!(
                    rows.contains(&(concept.code.clone(), locale.to_owned())),
                    "{} has no {locale} row",
                    concept.code
                );
            }
        }
    }

    #[test]
    fn a_text_names_the_concepts_whose_terms_it_holds_in_a_row() {
        let thesaurus = Thesaurus::parse(
            "concept,locale,terms,query_terms\ngerman,de,deutschkurs|deutsch lernen,deutsch\nchildcare,de,kinderbetreuung\n",
        )
        .unwrap();
        let run = |text: &'static str| -> Vec<&'static str> { text.split(' ').collect() };
        let named = |texts: &[Vec<&str>]| -> Vec<String> {
            thesaurus
                .concepts_named(texts.iter().map(Vec::as_slice))
                .into_iter()
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(named(&[run("wir wollen deutsch lernen")]), ["german"]);
        // The words of a term in another order, or in different texts, do not name it.
        assert!(named(&[run("lernen wir deutsch")]).is_empty());
        assert!(named(&[run("deutsch"), run("lernen")]).is_empty());
        // A query term names the concept in a query, never in a text.
        assert!(named(&[run("beratung auf deutsch")]).is_empty());
        assert!(matches!(
            thesaurus.units(&["deutsch".to_owned()])[..],
            [Unit::Concept { concept: 0, .. }]
        ));
        assert_eq!(
            named(&[run("kinderbetreuung"), run("ein deutschkurs")]),
            ["german", "childcare"]
        );
        let other = Thesaurus::parse("concept,locale,terms\ngerman,de,deutschkurs\n").unwrap();
        assert_ne!(thesaurus.fingerprint(), other.fingerprint());
        let more_query_terms = Thesaurus::parse(
            "concept,locale,terms,query_terms\ngerman,de,deutschkurs|deutsch lernen,deutsch|german\nchildcare,de,kinderbetreuung\n",
        )
        .unwrap();
        assert_eq!(thesaurus.fingerprint(), more_query_terms.fingerprint());
    }

    #[test]
    fn the_closest_term_is_in_the_script_typed() {
        let thesaurus = Thesaurus::shipped().unwrap();
        assert_eq!(
            thesaurus.closest_term("Alphabetisirung"),
            Some(("literacy", "alphabetisierung"))
        );
        assert_eq!(
            thesaurus.closest_term("курсы немецкого язика"),
            Some(("german-course", "курсы немецкого языка"))
        );
        assert_eq!(thesaurus.closest_term("xylophon"), None);
    }

    #[test]
    fn a_correction_stays_within_the_concept_typed() {
        let thesaurus = Thesaurus::parse(
            "concept,locale,terms\nchildcare,de,kinderhort\nsport,de,kinderhorn\n",
        )
        .unwrap();
        assert!(thesaurus.correction_allowed("kinderhor", "kinderhort"));
        assert!(!thesaurus.correction_allowed("kinderhor", "kinderhorn"));
        // Words naming no concept are always fine, as is any word for a typo near none.
        assert!(thesaurus.correction_allowed("kinderhor", "kinderchor"));
        assert!(thesaurus.correction_allowed("xylofon", "kinderhorn"));
    }

    #[test]
    fn a_concept_code_is_what_an_index_can_record() {
        assert!(Thesaurus::parse("concept,locale,terms\nGerman Course,de,deutschkurs\n").is_err());
        assert!(Thesaurus::parse("concept,locale,terms\ngerman,de,\n").is_err());
        let twice = Thesaurus::parse("concept,locale,terms\nwomen,de,mütter\nparents,de,Mütter\n");
        assert!(twice.unwrap_err().contains("names two concepts"));
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
