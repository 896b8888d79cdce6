//! Rules for text that staff type into forms: lengths, no HTML or script (plain text or a
//! small Markdown subset, which clients render with HTML switched off), and the shapes of
//! URLs, e-mail addresses and phone numbers. Each check adds its problem to a list, so a form
//! learns about every bad field at once.

use crate::error::FieldError;

/// Checks optional plain text: trimmed length between `min` and `max` characters when
/// present, no markup, no control characters except line breaks and tabs.
pub fn plain(
    field: &str,
    value: Option<&str>,
    min: usize,
    max: usize,
    errors: &mut Vec<FieldError>,
) {
    let Some(value) = value else {
        if min > 0 {
            errors.push(FieldError::new(field, "is required"));
        }
        return;
    };
    let length = value.trim().chars().count();
    if length < min {
        errors.push(FieldError::new(
            field,
            if min == 1 {
                "must not be empty".to_owned()
            } else {
                format!("must have at least {min} characters")
            },
        ));
        return;
    }
    if length > max {
        errors.push(FieldError::new(
            field,
            format!("must have at most {max} characters"),
        ));
        return;
    }
    if let Err(message) = markup_free(value) {
        errors.push(FieldError::new(field, message));
    }
}

/// Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they
/// make a name or title display in an order other than the one stored, so a text can
/// pass for another ("Trojan Source"). The plain marks U+200E and U+200F stay allowed.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Refuses HTML tags, HTML comments, script URLs, control characters and bidirectional
/// overrides.
pub fn markup_free(value: &str) -> Result<(), &'static str> {
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("must not contain control characters");
    }
    if value.chars().any(is_bidi_control) {
        return Err(
            "must not contain bidirectional override characters (U+202A–U+202E, U+2066–U+2069)",
        );
    }
    let bytes = value.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'<'
            && let Some(next) = bytes.get(i + 1)
            && (next.is_ascii_alphabetic() || matches!(next, b'/' | b'!' | b'?'))
        {
            return Err("must be plain text or Markdown: HTML tags are not allowed");
        }
    }
    let lower = value.to_ascii_lowercase();
    let squeezed: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    if ["javascript:", "vbscript:", "data:text/html"]
        .iter()
        .any(|scheme| squeezed.contains(scheme))
    {
        return Err("must not contain script links");
    }
    Ok(())
}

/// An absolute `http` or `https` URL with a host.
pub fn url(value: &str) -> Result<(), &'static str> {
    let value = value.trim();
    if value.len() > 2000 {
        return Err("must have at most 2000 characters");
    }
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or("must be an http or https URL")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or_default();
    let host_name = host.split(':').next().unwrap_or_default();
    if host_name.is_empty()
        || !host_name.contains('.')
        || host_name.starts_with('.')
        || host_name.ends_with('.')
        || !host_name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
    {
        return Err("must name a host, such as https://example.org/");
    }
    if value
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == '"')
    {
        return Err("must not contain spaces, quotes or angle brackets");
    }
    Ok(())
}

/// An e-mail address of the usual shape (`name@domain.tld`).
pub fn email(value: &str) -> Result<(), &'static str> {
    let value = value.trim();
    if value.len() > 254 {
        return Err("must have at most 254 characters");
    }
    let Some((local, domain)) = value.rsplit_once('@') else {
        return Err("must be an e-mail address");
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '@' | '<' | '>' | '"' | ',')
        });
    if domain_ok && local_ok {
        Ok(())
    } else {
        Err("must be an e-mail address")
    }
}

/// A phone number: digits with the usual separators, optionally starting with `+`.
pub fn phone(value: &str) -> Result<(), &'static str> {
    let value = value.trim();
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value.char_indices().all(|(i, c)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '/' | '.' | '(' | ')') || (c == '+' && i == 0)
    });
    if allowed && (6..=20).contains(&digits) {
        Ok(())
    } else {
        Err("must be a phone number such as +41 32 627 00 00")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_refused_but_markdown_and_comparisons_pass() {
        assert!(markup_free("**Deutsch** für Anfänger, 3 < 5 Lektionen").is_ok());
        assert!(markup_free("[Anmeldung](https://example.org)").is_ok());
        assert!(markup_free("<script>alert(1)</script>").is_err());
        assert!(markup_free("Hallo <b>Welt</b>").is_err());
        assert!(markup_free("<!-- x -->").is_err());
        assert!(markup_free("[x](java script:alert(1))").is_err());
        assert!(markup_free("bell \u{7}").is_err());
        assert!(markup_free("Kurs \u{202E}txt.exe").is_err());
        assert!(markup_free("\u{2067}name\u{2069}").is_err());
        assert!(
            markup_free("دورة \u{200F}ألمانية").is_ok(),
            "marks stay allowed"
        );
    }

    #[test]
    fn urls_emails_and_phones() {
        assert!(url("https://example.org/kurse?x=1").is_ok());
        assert!(url("ftp://example.org").is_err());
        assert!(url("https://localhost").is_err());
        assert!(url("https://exa mple.org").is_err());
        assert!(email("kurse@example.org").is_ok());
        assert!(email("kurse@example").is_err());
        assert!(email("a b@example.org").is_err());
        assert!(phone("+41 32 627 00 00").is_ok());
        assert!(phone("032/627'00'00").is_err());
        assert!(phone("12").is_err());
    }

    #[test]
    fn plain_reports_lengths() {
        let mut errors = Vec::new();
        plain("title", Some("  "), 1, 10, &mut errors);
        plain("summary", Some("x".repeat(11).as_str()), 0, 10, &mut errors);
        plain("note", None, 0, 10, &mut errors);
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].field, "title");
        assert_eq!(errors[1].field, "summary");
    }
}
