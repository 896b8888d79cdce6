//! The languages the platform knows, as ISO 639 codes: the locales texts may be written in
//! and the languages offers may be taught or supported in.
//!
//! The list covers the national languages, English, and the languages newcomers to
//! Switzerland most often read; a code outside it is refused rather than stored as a typo.

/// ISO 639-1 codes, and ISO 639-3 where no two-letter code exists (Dari, Sorani, Kurmanji,
/// Swiss German).
const KNOWN: &[&str] = &[
    "de", "fr", "it", "rm", "en", "gsw", "ar", "ti", "am", "fa", "prs", "ps", "ku", "ckb", "kmr",
    "uk", "ru", "tr", "es", "pt", "sq", "so", "ta", "si", "ur", "hi", "bn", "ne", "zh", "vi", "th",
    "tl", "ko", "ja", "sr", "hr", "bs", "mk", "sl", "bg", "ro", "pl", "cs", "sk", "hu", "el", "nl",
    "sv", "da", "no", "fi", "et", "lv", "lt", "ka", "hy", "az", "uz", "kk", "ky", "tg", "mn", "he",
    "sw", "ha", "yo", "ig", "om", "rw", "ln", "wo", "ff", "mg", "my", "km", "lo", "ms", "id", "pa",
    "gu", "mr", "te", "kn", "ml", "be", "sgn",
];

/// Whether `code` (lower-case) is a known language.
pub fn is_known(code: &str) -> bool {
    KNOWN.contains(&code)
}

/// The English name of a language, for explanations (the common ones; others show as
/// their code).
pub fn english_name(code: &str) -> Option<&'static str> {
    const NAMES: &[(&str, &str)] = &[
        ("de", "German"),
        ("gsw", "Swiss German"),
        ("fr", "French"),
        ("it", "Italian"),
        ("rm", "Romansh"),
        ("en", "English"),
        ("ar", "Arabic"),
        ("ti", "Tigrinya"),
        ("am", "Amharic"),
        ("fa", "Persian"),
        ("prs", "Dari"),
        ("ps", "Pashto"),
        ("ku", "Kurdish"),
        ("ckb", "Sorani"),
        ("kmr", "Kurmanji"),
        ("uk", "Ukrainian"),
        ("ru", "Russian"),
        ("tr", "Turkish"),
        ("es", "Spanish"),
        ("pt", "Portuguese"),
        ("sq", "Albanian"),
        ("so", "Somali"),
        ("ta", "Tamil"),
        ("ur", "Urdu"),
        ("sr", "Serbian"),
        ("hr", "Croatian"),
        ("bs", "Bosnian"),
        ("zh", "Chinese"),
        ("vi", "Vietnamese"),
        ("pl", "Polish"),
        ("ro", "Romanian"),
    ];
    NAMES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

/// A locale tag's language part, lower-cased: `de-CH` → `de`.
pub fn base(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Checks a locale tag (`de`, `de-CH`, `sr-Latn`): a known language with well-formed
/// subtags. Returns the tag normalised (language lower-case, region upper-case).
pub fn locale(tag: &str) -> Result<String, &'static str> {
    let tag = tag.trim();
    let mut parts = tag.split(['-', '_']);
    let language = parts.next().unwrap_or_default().to_ascii_lowercase();
    if !is_known(&language) {
        return Err("is not a known language code (ISO 639, such as de, fr, ti)");
    }
    let mut normalised = language;
    for part in parts {
        let ok = (2..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric());
        if !ok {
            return Err("is not a well-formed locale tag (such as de or de-CH)");
        }
        normalised.push('-');
        if part.len() == 2 {
            normalised.push_str(&part.to_ascii_uppercase());
        } else {
            normalised.push_str(part);
        }
    }
    Ok(normalised)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_are_checked_and_normalised() {
        assert_eq!(locale("de").unwrap(), "de");
        assert_eq!(locale("de-ch").unwrap(), "de-CH");
        assert_eq!(locale("ti").unwrap(), "ti");
        assert!(locale("xx").is_err());
        assert!(locale("de-").is_err());
        assert_eq!(base("fr-CH"), "fr");
    }
}
