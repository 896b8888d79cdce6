//! One Unicode form for all text: NFC, the composed form keyboards produce. The same word
//! can arrive decomposed ("Ha" + U+0308 instead of "Hä", as macOS file names and some
//! phones send it); stored or searched that way it would match nothing typed the usual way.
//! Text is brought to NFC where it enters (GraphQL requests, offer files) and again in
//! search analysis, for text stored before.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// `text` in NFC; borrowed when it already is (ASCII always is, and is checked fastest).
pub fn nfc(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// Brings `text` to NFC in place.
pub fn make_nfc(text: &mut String) {
    if let Cow::Owned(normal) = nfc(text) {
        *text = normal;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_text_is_composed_and_composed_text_is_left_alone() {
        assert_eq!(nfc("Ha\u{0308}gendorf"), "Hägendorf");
        assert!(matches!(nfc("Hägendorf"), Cow::Borrowed(_)));
        assert!(matches!(nfc("Olten"), Cow::Borrowed(_)));
        // Scripts without precomposed forms keep their sequences (Tamil, Ge'ez).
        assert_eq!(nfc("தமிழ்"), "தமிழ்");
        assert_eq!(nfc("ትግርኛ"), "ትግርኛ");
        let mut owned = String::from("Cafe\u{0301}");
        make_nfc(&mut owned);
        assert_eq!(owned, "Café");
    }
}
