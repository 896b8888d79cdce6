//! Text analysis shared by indexing and querying: folding (case and diacritics, so "Zurich"
//! finds "Zürich"), words by Unicode's rules (a Tamil or Devanagari vowel sign stays in its
//! word), German compound splitting ("Deutschkurs" ↔ "Deutsch Kurs") and how many typos a
//! word of some length forgives.

use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::UnicodeSegmentation;

/// Longest word kept, in characters: longer runs are not words anyone types.
const MAX_WORD_CHARS: usize = 40;

/// What the index was written with: a change to folding, words, compounds or stems makes the
/// indexes written before stale (they are emptied and filled again).
pub const VERSION: &str = "5";

/// Brings text to NFC, lower-cases and removes diacritics from Latin letters (ä → a, é → e,
/// ß → ss), the short vowel marks of Arabic script, and the difference between the forms of
/// a letter Arabic, Persian and Kurdish write differently (أ/ا, ي/ی, ك/ک, ة/ه); other scripts
/// (Ge'ez, Cyrillic, Tamil) keep their letters.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Composed first: a decomposed "a" + U+0308 becomes "ä", which folds to "a" below.
    for c in crate::nfc::nfc(text).chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => out.push('a'),
            'ç' | 'ć' | 'č' | 'ĉ' => out.push('c'),
            'ď' | 'đ' => out.push('d'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => out.push('e'),
            'ğ' | 'ĝ' | 'ġ' => out.push('g'),
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => out.push('i'),
            'ł' | 'ľ' | 'ĺ' => out.push('l'),
            'ñ' | 'ń' | 'ň' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => out.push('o'),
            'ŕ' | 'ř' => out.push('r'),
            'ś' | 'š' | 'ş' | 'ș' => out.push('s'),
            'ß' => out.push_str("ss"),
            'ť' | 'ţ' | 'ț' => out.push('t'),
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ź' | 'ż' | 'ž' => out.push('z'),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            // Arabic harakat, the superscript alef and the tatweel: optional in writing,
            // so ignored.
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => {}
            // Letters written one way or another in Arabic script, as search engines for
            // it fold them: alef with hamza or madda, alef maksura and the Persian yeh, the
            // Persian keheh, teh marbuta and the Persian heh forms.
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ى' | 'ی' | 'ې' => out.push('ي'),
            'ک' => out.push('ك'),
            'ة' | 'ۀ' | 'ہ' => out.push('ه'),
            // Typographic apostrophes and dashes become separators like the ASCII ones;
            // hyphens become the ASCII one, so hyphenated compounds are found solid too.
            '\u{2019}' | '\u{2018}' | '\u{2013}' => out.push(' '),
            '\u{2010}' | '\u{2011}' => out.push('-'),
            // Joiners (Persian writes "می‌خواهم" with or without one) and the soft hyphen
            // change how a word is drawn, not what it is.
            '\u{200C}' | '\u{200D}' | '\u{00AD}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The words of a text as written: Unicode's word boundaries (UAX #29), which never split a
/// letter from its combining marks, then split again at the apostrophes, points and colons
/// those rules keep inside words ("d'allemand" is "d" and "allemand", as a query types it).
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.unicode_words()
        .flat_map(|word| word.split(|c: char| !c.is_alphanumeric() && !is_combining_mark(c)))
        .filter(|word| !word.is_empty() && word.chars().count() <= MAX_WORD_CHARS)
}

/// The words of a text, folded.
pub fn tokens(text: &str) -> Vec<String> {
    words(&fold(text)).map(str::to_owned).collect()
}

/// Whether a text holds what was typed as you type: every typed word, the last one
/// possibly unfinished ("cours d'all" is in "Cours d'allemand A1").
pub fn holds_as_typed(text: &str, typed: &str) -> bool {
    let words = tokens(text);
    let mut typed = tokens(typed);
    let Some(unfinished) = typed.pop() else {
        return false;
    };
    typed.iter().all(|w| words.contains(w)) && words.iter().any(|w| w.starts_with(&unfinished))
}

/// Whether a character belongs to a word: a letter, a digit or a combining mark.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// What the compounds of folded texts are made of, for a field that matches a typed
/// compound or its parts: the parts of each solid compound ("Deutschkurs": "deutsch",
/// "kurs"), and each hyphenated compound written solid ("Eltern-Kind-Treff":
/// "elternkindtreff"), as people type it, with or without a typo.
pub fn compound_parts<'a>(folded_texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out = Vec::new();
    for folded in folded_texts {
        for word in words(folded) {
            out.extend(decompound(word).into_iter().flatten());
        }
        for run in folded.split(|c: char| !is_word_char(c) && c != '-') {
            if !run.contains('-') {
                continue;
            }
            let pieces: Vec<&str> = run.split('-').filter(|p| !p.is_empty()).collect();
            if pieces.len() >= 2 {
                let solid = pieces.concat();
                if solid.chars().count() <= MAX_WORD_CHARS {
                    out.push(solid);
                }
            }
        }
    }
    out
}

/// Edits a query word may be away from an indexed word: none below 5 letters, one from 5,
/// two from 9. Letters as readers see them: a Tamil letter with its vowel sign is one.
pub fn typo_budget(word: &str) -> u8 {
    match word.graphemes(true).count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Parts German compounds are made of, folded. Splitting needs every part in this list, so
/// ordinary words are never cut.
const MORPHEMES: &[&str] = &[
    "deutsch",
    "kurs",
    "kurse",
    "sprach",
    "sprache",
    "sprachen",
    "unterricht",
    "eltern",
    "kind",
    "kinder",
    "mutter",
    "vater",
    "familien",
    "familie",
    "treff",
    "punkt",
    "beratung",
    "stelle",
    "frauen",
    "maenner",
    "integration",
    "arbeit",
    "job",
    "coaching",
    "cafe",
    "gruppe",
    "spiel",
    "lern",
    "lernen",
    "lese",
    "schreib",
    "abend",
    "morgen",
    "mittag",
    "wochen",
    "alltag",
    "konversation",
    "hilfe",
    "haus",
    "aufgaben",
    "hute",
    "betreuung",
    "begegnung",
    "welt",
    "computer",
    "bewerbung",
    "training",
    "koch",
    "nah",
    "fruhstuck",
    "jugend",
    "senioren",
    "gesundheit",
    "wohnen",
    "schule",
    "schul",
    "einstieg",
    "grund",
    "basis",
    "intensiv",
    "gesprach",
    "dolmetsch",
    "dienst",
    "recht",
    "sozial",
    "frei",
    "willige",
    "mentoring",
    "paten",
    "schaft",
    "tandem",
    "markt",
    "wissen",
    "garten",
    "nachmittag",
    "vormittag",
    "spielgruppe",
    "kita",
    "krippe",
    "fide",
    "alpha",
    "alphabetisierung",
    "lehr",
    "stellen",
];

/// Splits a folded word into two or more known parts (allowing the German linking `s`),
/// or `None` when it is not such a compound.
pub fn decompound(word: &str) -> Option<Vec<String>> {
    if word.len() < 6 || !word.is_ascii() {
        return None;
    }
    split_from(word, 0).filter(|parts| parts.len() >= 2)
}

fn split_from(word: &str, depth: usize) -> Option<Vec<String>> {
    if word.is_empty() {
        return Some(Vec::new());
    }
    if depth > 5 {
        return None;
    }
    // Longest first, so "sprachen" wins over "sprach" + "en".
    let mut candidates: Vec<&&str> = MORPHEMES.iter().filter(|m| word.starts_with(**m)).collect();
    candidates.sort_by_key(|m| std::cmp::Reverse(m.len()));
    for morpheme in candidates {
        let rest = &word[morpheme.len()..];
        for rest in [rest, rest.strip_prefix('s').unwrap_or("\0")] {
            if rest == "\0" {
                continue;
            }
            if let Some(mut tail) = split_from(rest, depth + 1) {
                tail.insert(0, (*morpheme).to_owned());
                return Some(tail);
            }
        }
    }
    None
}

/// Levenshtein distance, stopping early once it exceeds `limit`.
pub fn distance_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        let mut row_min = current[0];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current[j + 1] = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
            row_min = row_min.min(current[j + 1]);
        }
        if row_min > limit {
            return None;
        }
        previous = current;
    }
    previous.last().copied().filter(|d| *d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_and_tokens() {
        assert_eq!(fold("Zürich Straße École"), "zurich strasse ecole");
        assert_eq!(
            tokens("Cours d’allemand, A1!"),
            ["cours", "d", "allemand", "a1"]
        );
        assert_eq!(tokens("ትምህርቲ ጀርመን"), ["ትምህርቲ", "ጀርመን"]);
        // Arabic script written one way or another: hamza forms, teh marbuta, the Persian
        // yeh and keheh typed on an Arabic keyboard, vowel marks and the tatweel.
        assert_eq!(fold("الألمانية"), fold("الالمانيه"));
        assert_eq!(fold("إِسْتِشَارَة"), fold("استشاره"));
        assert_eq!(fold("کلاس آلمانی"), fold("كلاس الماني"));
        assert_eq!(fold("مـدرسة"), fold("مدرسه"));
    }

    #[test]
    fn text_holds_what_is_typed_as_you_type() {
        assert!(holds_as_typed("Deutschkurs A1", "Deu"));
        assert!(holds_as_typed("Cours d'allemand A1", "cours d'all"));
        assert!(!holds_as_typed("Cours d'allemand A1", "Deu"));
        assert!(!holds_as_typed("Deutschkurs A1", "kurs"));
        assert!(!holds_as_typed("Deutschkurs A1", ""));
    }

    #[test]
    fn words_keep_their_marks_in_every_script() {
        // Tamil and Devanagari vowel signs are combining marks: "மொழி" (language) is one
        // word, not "ம", "ழ".
        assert_eq!(tokens("ஜெர்மன் மொழி வகுப்பு"), ["ஜெர்மன்", "மொழி", "வகுப்பு"]);
        assert_eq!(tokens("जर्मन भाषा"), ["जर्मन", "भाषा"]);
        assert_eq!(tokens("مجموعة الأم والطفل"), ["مجموعه", "الام", "والطفل"]);
        // With or without the zero-width non-joiner, the same Persian word.
        assert_eq!(tokens("می\u{200C}خواهم"), tokens("میخواهم"));
        // Decomposed input (a letter, then its combining mark) is the composed word.
        assert_eq!(tokens("Ha\u{0308}gendorf"), ["hagendorf"]);
        assert_eq!(
            tokens("l'école, z.B. 3.5"),
            ["l", "ecole", "z", "b", "3", "5"]
        );
        assert_eq!(typo_budget("வகுப்பு"), 0);
    }

    #[test]
    fn compounds_split_into_known_parts_only() {
        assert_eq!(decompound("deutschkurs").unwrap(), ["deutsch", "kurs"]);
        assert_eq!(
            decompound("elternkindtreff").unwrap(),
            ["eltern", "kind", "treff"]
        );
        assert_eq!(
            decompound("integrationskurs").unwrap(),
            ["integration", "kurs"]
        );
        assert!(decompound("olten").is_none());
        assert!(decompound("deutschkurz").is_none());
    }

    #[test]
    fn compounds_give_their_parts_and_hyphenated_ones_their_solid_form() {
        let text = fold("Eltern-Kind-Treff und Alphabetisierungskurs");
        assert_eq!(
            compound_parts([text.as_str()]),
            ["alphabetisierung", "kurs", "elternkindtreff"]
        );
        assert!(compound_parts([fold("Zürich - Olten").as_str()]).is_empty());
    }

    #[test]
    fn typo_budgets_and_distance() {
        assert_eq!(typo_budget("kurs"), 0);
        assert_eq!(typo_budget("kurse"), 1);
        assert_eq!(typo_budget("deutschkurs"), 2);
        assert_eq!(distance_within("deutschkurz", "deutschkurs", 2), Some(1));
        assert_eq!(distance_within("abc", "xyz", 1), None);
    }
}
