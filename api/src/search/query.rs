//! A search query as the engines see it: the typed words, each with its typo budget and
//! compound parts, and the concepts of the term file they name.

use crate::search::terms::{Thesaurus, Unit};
use crate::search::{analysis, stems};

/// Most words a query is made of; the rest is ignored.
pub const MAX_WORDS: usize = 10;

/// One typed word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    /// Folded.
    pub text: String,
    pub typos: u8,
    /// Its parts, when it is a German compound.
    pub parts: Option<Vec<String>>,
    /// Its stems (`search::stems`), which other forms of it share.
    pub stems: Vec<String>,
}

impl QueryWord {
    fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            typos: analysis::typo_budget(text),
            parts: analysis::decompound(text),
            stems: stems::of_word(text),
        }
    }
}

/// A part of the query every hit must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryUnit {
    Word(QueryWord),
    /// Words naming a concept: matched as typed, or by any term of the concept (each term a
    /// list of words that must all occur).
    Concept {
        words: Vec<QueryWord>,
        /// The concept's code, which an index may have recorded with the documents naming it.
        code: String,
        terms: Vec<Vec<String>>,
    },
}

/// Reads typed text into units.
pub fn parse(thesaurus: &Thesaurus, text: &str) -> Vec<QueryUnit> {
    let mut words = analysis::tokens(text);
    words.truncate(MAX_WORDS);
    thesaurus
        .units(&words)
        .into_iter()
        .map(|unit| match unit {
            Unit::Word(word) => QueryUnit::Word(QueryWord::new(&word)),
            Unit::Concept { words, concept } => {
                let concept = thesaurus.concept(concept);
                QueryUnit::Concept {
                    words: words.iter().map(|w| QueryWord::new(w)).collect(),
                    code: concept.map(|c| c.code.clone()).unwrap_or_default(),
                    terms: concept
                        .map(|c| c.all_terms().cloned().collect())
                        .unwrap_or_default(),
                }
            }
        })
        .collect()
}

/// Whether a (folded) word of a text is one the query looks for: typed, within its typo
/// budget, a compound part, another form of it, or a word of a named concept's terms.
pub fn is_match(units: &[QueryUnit], word: &str) -> bool {
    let close = |w: &QueryWord| {
        w.text == word
            || analysis::distance_within(&w.text, word, usize::from(w.typos)).is_some()
            || w.parts
                .as_ref()
                .is_some_and(|parts| parts.iter().any(|p| p == word))
            // A compound holding the typed word is longer than it; splitting is the costly
            // check, so shorter words skip it.
            || (word.len() > w.text.len()
                && analysis::decompound(word).is_some_and(|parts| parts.contains(&w.text)))
            || (stems::may_share(&w.stems, word)
                && stems::of_word(word).iter().any(|s| w.stems.contains(s)))
    };
    units.iter().any(|unit| match unit {
        QueryUnit::Word(w) => close(w),
        QueryUnit::Concept { words, terms, .. } => {
            words.iter().any(close) || terms.iter().flatten().any(|t| t == word)
        }
    })
}

/// Up to `limit` fragments of `text` around the words the query matched, with the matched
/// words wrapped in `<em>`…`</em>` and everything else HTML-escaped; `None` when nothing in
/// the text matched.
pub fn highlight(units: &[QueryUnit], text: &str, limit: usize) -> Option<String> {
    let mut out = String::new();
    let mut any = false;
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String, any: &mut bool| {
        if word.is_empty() {
            return;
        }
        let folded = analysis::fold(word);
        if is_match(units, &folded) {
            *any = true;
            out.push_str("<em>");
            out.push_str(&escape(word));
            out.push_str("</em>");
        } else {
            out.push_str(&escape(word));
        }
        word.clear();
    };
    for c in text.chars().take(limit) {
        if analysis::is_word_char(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut out, &mut any);
            out.push_str(&escape(&c.to_string()));
        }
    }
    flush(&mut word, &mut out, &mut any);
    any.then_some(out)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concepts_and_words() {
        let thesaurus = Thesaurus::shipped().unwrap();
        let units = parse(&thesaurus, "german course Olten");
        assert!(
            matches!(&units[0], QueryUnit::Concept { terms, .. } if terms.iter().any(|t| t == &["deutschkurs"]))
        );
        assert!(matches!(&units[1], QueryUnit::Word(w) if w.text == "olten"));
    }

    #[test]
    fn highlights_mark_typos_compounds_and_concepts() {
        let thesaurus = Thesaurus::shipped().unwrap();
        let units = parse(&thesaurus, "Deutschkurz <b>");
        assert_eq!(
            highlight(&units, "Deutschkurs für Eltern & Kinder", 200).unwrap(),
            "<em>Deutschkurs</em> für Eltern &amp; Kinder"
        );
        let units = parse(&thesaurus, "German course");
        assert_eq!(
            highlight(&units, "Deutschkurs A1", 200).unwrap(),
            "<em>Deutschkurs</em> A1"
        );
        assert!(highlight(&units, "Treffpunkt", 200).is_none());
    }
}
