//! A GraphQL document's text reduced to its tokens, for cache keys: comments, commas and
//! whitespace are left out and tokens are joined by one space, so `{offers{totalCount}}`,
//! `{ offers { totalCount } }` and the same with a comment are one key, while documents
//! that differ in any token stay apart. String literals are kept exactly as written.

/// The document's tokens joined by single spaces.
pub fn normalised(document: &str) -> String {
    let mut tokens: Vec<&str> = Vec::new();
    let bytes = document.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        match bytes[at] {
            // Insignificant: whitespace, line breaks, commas; a comment to the line's end.
            b' ' | b'\t' | b'\n' | b'\r' | b',' => at += 1,
            b'#' => {
                while at < bytes.len() && bytes[at] != b'\n' && bytes[at] != b'\r' {
                    at += 1;
                }
            }
            b'"' if document[at..].starts_with("\"\"\"") => {
                at = block_string_end(document, at + 3);
                tokens.push(&document[start..at]);
            }
            b'"' => {
                at = string_end(bytes, at + 1);
                tokens.push(&document[start..at]);
            }
            b'.' if document[at..].starts_with("...") => {
                at += 3;
                tokens.push(&document[start..at]);
            }
            b if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' => {
                at += 1;
                // Names, and numbers with their sign, fraction and exponent.
                while at < bytes.len()
                    && (bytes[at].is_ascii_alphanumeric()
                        || matches!(bytes[at], b'_' | b'.' | b'+' | b'-')
                            && !document[at..].starts_with("..."))
                {
                    at += 1;
                }
                tokens.push(&document[start..at]);
            }
            _ => {
                // A punctuator, or any other character (the parser refuses those): one
                // character each, whole.
                let width = document[at..].chars().next().map_or(1, char::len_utf8);
                at += width;
                if !document[start..at].starts_with('\u{feff}') {
                    tokens.push(&document[start..at]);
                }
            }
        }
    }
    tokens.join(" ")
}

/// Where a `"…"` string ends (after its closing quote), escapes included.
fn string_end(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            // An unterminated string ends at the line break, as the parser sees it.
            b'\n' | b'\r' => return at,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// Where a `"""…"""` block string ends (after its closing quotes).
fn block_string_end(document: &str, mut at: usize) -> usize {
    while at < document.len() {
        if document[at..].starts_with("\\\"\"\"") {
            at += 4;
        } else if document[at..].starts_with("\"\"\"") {
            return at + 3;
        } else {
            at += document[at..].chars().next().map_or(1, char::len_utf8);
        }
    }
    document.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_and_comments_do_not_matter() {
        let plain = normalised("{ offers(first: 5) { totalCount } }");
        assert_eq!(plain, "{ offers ( first : 5 ) { totalCount } }");
        assert_eq!(normalised("{offers(first:5){totalCount}}"), plain);
        assert_eq!(
            normalised("# a comment\n{ offers(first: 5,) {\n  totalCount # why\n} }"),
            plain
        );
        assert_eq!(
            normalised("\u{feff}{ offers(first: 5) { totalCount } }"),
            plain
        );
    }

    #[test]
    fn tokens_and_strings_keep_their_differences() {
        assert_ne!(
            normalised("{ a: offers { totalCount } }"),
            normalised("{ offers { totalCount } }")
        );
        assert_ne!(
            normalised(r#"{ searchOffers(query: "a  b") { totalHits } }"#),
            normalised(r#"{ searchOffers(query: "a b") { totalHits } }"#)
        );
        assert_eq!(
            normalised(r#"{ s(q: "x # not a comment, \" still") }"#),
            r#"{ s ( q : "x # not a comment, \" still" ) }"#
        );
        assert_eq!(
            normalised("{ s(q: \"\"\"two\n  lines, # kept\"\"\") }"),
            "{ s ( q : \"\"\"two\n  lines, # kept\"\"\" ) }"
        );
        assert_eq!(
            normalised("query($n: Float = -1.5e3) { ...F }"),
            "query ( $ n : Float = -1.5e3 ) { ... F }"
        );
    }
}
