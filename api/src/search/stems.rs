//! Word stems, so an inflected form finds the others: "Frau" finds "Frauen", "families"
//! finds "family", "курсов" finds "курсы". The stemmers are Snowball's (the
//! `rust-stemmers` crate). Neither the language of a query nor always that of an offer's
//! text is known, so a word is stemmed by every stemmer of its script (a Latin word by the
//! German, French, English, Italian, Spanish, Portuguese and Turkish ones), on the indexed
//! side and on the query side alike; a query word matches a text word when they share a
//! stem. Scripts without a stemmer here (Ge'ez, Persian's own rules) keep their words.

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

/// Words shorter than this are not stemmed: cutting "kurs" or "job" only adds noise.
const MIN_CHARS: usize = 4;

/// A script's stemmers.
struct Stemmers {
    latin: Vec<Stemmer>,
    cyrillic: Vec<Stemmer>,
    arabic: Vec<Stemmer>,
    tamil: Vec<Stemmer>,
}

static STEMMERS: LazyLock<Stemmers> = LazyLock::new(|| Stemmers {
    latin: [
        Algorithm::German,
        Algorithm::French,
        Algorithm::English,
        Algorithm::Italian,
        Algorithm::Spanish,
        Algorithm::Portuguese,
        Algorithm::Turkish,
    ]
    .into_iter()
    .map(Stemmer::create)
    .collect(),
    cyrillic: vec![Stemmer::create(Algorithm::Russian)],
    arabic: vec![Stemmer::create(Algorithm::Arabic)],
    tamil: vec![Stemmer::create(Algorithm::Tamil)],
});

/// The stemmers for a word, by the script of its first letter.
fn stemmers_for(word: &str) -> &'static [Stemmer] {
    let stemmers = &*STEMMERS;
    match word.chars().next() {
        Some(c) if c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c) => {
            &stemmers.latin
        }
        Some('\u{0400}'..='\u{04FF}') => &stemmers.cyrillic,
        Some('\u{0600}'..='\u{06FF}') => &stemmers.arabic,
        Some('\u{0B80}'..='\u{0BFF}') => &stemmers.tamil,
        _ => &[],
    }
}

/// The distinct stems of a folded word under every stemmer of its script; none for short
/// words, words with digits, and scripts without a stemmer.
pub fn of_word(word: &str) -> Vec<String> {
    if word.chars().count() < MIN_CHARS || word.chars().any(|c| c.is_numeric()) {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for stemmer in stemmers_for(word) {
        let stem = stemmer.stem(word);
        // A stem shorter than the shortest stemmed word would join unrelated words.
        if stem.chars().count() >= MIN_CHARS - 1 && !out.iter().any(|s| s.as_str() == stem) {
            out.push(stem.into_owned());
        }
    }
    out
}

/// The distinct stems of folded words.
pub fn of_words<'a>(words: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for word in words {
        if !seen.insert(word) {
            continue;
        }
        for stem in of_word(word) {
            if !out.contains(&stem) {
                out.push(stem);
            }
        }
    }
    out
}

/// Whether a folded word may share one of `stems`: a cheap test before stemming the word.
/// The Latin and Cyrillic stemmers only cut endings, so a word that does not begin like any
/// of the stems cannot share one; the Arabic one also cuts prefixes (the article), so any
/// word may.
pub fn may_share(stems: &[String], word: &str) -> bool {
    if stems.is_empty() {
        return false;
    }
    let cuts_only_endings = matches!(
        word.chars().next(),
        Some(c) if c.is_ascii_alphabetic()
            || ('\u{00C0}'..='\u{024F}').contains(&c)
            || ('\u{0400}'..='\u{04FF}').contains(&c)
    );
    !cuts_only_endings
        || stems.iter().any(|stem| {
            let start: String = stem.chars().take(MIN_CHARS - 1).collect();
            word.starts_with(&start)
        })
}

/// Whether two folded words share a stem.
pub fn share_a_stem(a: &str, b: &str) -> bool {
    let of_a = of_word(a);
    !of_a.is_empty() && of_word(b).iter().any(|stem| of_a.contains(stem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflected_forms_share_a_stem() {
        for (a, b) in [
            ("frau", "frauen"),
            ("kinder", "kind"),
            ("families", "family"),
            ("clases", "clase"),
            ("курсов", "курсы"),
        ] {
            assert!(share_a_stem(a, b), "{a} {b}");
        }
        assert!(!share_a_stem("frauen", "kinder"));
        assert!(may_share(&of_word("families"), "family"));
        assert!(!may_share(&of_word("families"), "kinder"));
        assert!(may_share(&of_word("الطفل"), "طفل"));
        assert!(of_word("job").is_empty());
        assert!(of_word("a1b2").is_empty());
        assert!(of_word("ትምህርቲ").is_empty());
    }
}
