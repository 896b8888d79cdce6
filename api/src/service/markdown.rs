//! Renders the Markdown subset that offer and provider texts may use into safe HTML, for
//! clients that show rich text: paragraphs, line breaks, bulleted and numbered lists,
//! `**bold**`, `*italic*` and `[links](https://…)`. Everything else is text: every character
//! that means something in HTML is escaped, and links go only to `http`, `https` and
//! `mailto` addresses, so stored text can never become markup or script.

/// The HTML of a text.
pub fn to_html(text: &str) -> String {
    let mut html = String::new();
    let mut list: Option<&'static str> = None;
    let mut paragraph: Vec<&str> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        let item = list_item(trimmed);
        if trimmed.is_empty() || item.is_some() {
            flush_paragraph(&mut html, &mut paragraph);
        }
        match item {
            Some((kind, content)) => {
                if list != Some(kind) {
                    close_list(&mut html, &mut list);
                    html.push_str(&format!("<{kind}>"));
                    list = Some(kind);
                }
                html.push_str("<li>");
                html.push_str(&inline(content));
                html.push_str("</li>");
            }
            None if trimmed.is_empty() => close_list(&mut html, &mut list),
            None => {
                close_list(&mut html, &mut list);
                paragraph.push(trimmed);
            }
        }
    }
    flush_paragraph(&mut html, &mut paragraph);
    close_list(&mut html, &mut list);
    html
}

fn list_item(line: &str) -> Option<(&'static str, &str)> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some(("ul", rest));
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits <= 3 {
        let rest = &line[digits..];
        if let Some(content) = rest.strip_prefix(". ") {
            return Some(("ol", content));
        }
    }
    None
}

fn flush_paragraph(html: &mut String, lines: &mut Vec<&str>) {
    if lines.is_empty() {
        return;
    }
    let rendered: Vec<String> = lines.iter().map(|l| inline(l)).collect();
    html.push_str("<p>");
    html.push_str(&rendered.join("<br>"));
    html.push_str("</p>");
    lines.clear();
}

fn close_list(html: &mut String, list: &mut Option<&'static str>) {
    if let Some(kind) = list.take() {
        html.push_str(&format!("</{kind}>"));
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn safe_target(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Emphasis and links inside one line.
fn inline(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("**")
            && let Some(end) = after.find("**")
            && end > 0
        {
            out.push_str("<strong>");
            out.push_str(&inline(&after[..end]));
            out.push_str("</strong>");
            rest = &after[end + 2..];
            continue;
        }
        if let Some(after) = rest.strip_prefix('*').or_else(|| rest.strip_prefix('_'))
            && let Some(marker) = rest.chars().next()
            && let Some(end) = after.find(marker)
            && end > 0
            && !after.starts_with(' ')
        {
            out.push_str("<em>");
            out.push_str(&escape(&after[..end]));
            out.push_str("</em>");
            rest = &after[end + 1..];
            continue;
        }
        if let Some(after) = rest.strip_prefix('[')
            && let Some(close) = after.find("](")
            && let Some(end) = after[close + 2..].find(')')
        {
            let label = &after[..close];
            let target = &after[close + 2..close + 2 + end];
            if safe_target(target) {
                out.push_str(&format!(
                    "<a href=\"{}\" rel=\"nofollow noopener noreferrer\">{}</a>",
                    escape(target),
                    escape(label)
                ));
            } else {
                out.push_str(&escape(label));
            }
            rest = &after[close + 3 + end..];
            continue;
        }
        let next = rest
            .char_indices()
            .skip(1)
            .find(|(_, c)| matches!(c, '*' | '_' | '['))
            .map_or(rest.len(), |(i, _)| i);
        out.push_str(&escape(&rest[..next]));
        rest = &rest[next..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn renders_the_subset() {
        assert_eq!(
            to_html(
                "Kurs für **Eltern**, *gratis*.\nMit Kinderhüte.\n\n- Montag\n- Mittwoch\n\n1. Anmelden\n2. Kommen"
            ),
            "<p>Kurs für <strong>Eltern</strong>, <em>gratis</em>.<br>Mit Kinderhüte.</p>\
             <ul><li>Montag</li><li>Mittwoch</li></ul><ol><li>Anmelden</li><li>Kommen</li></ol>"
        );
        assert_eq!(
            to_html("[Anmeldung](https://example.org/a?x=1&y=2)"),
            "<p><a href=\"https://example.org/a?x=1&amp;y=2\" rel=\"nofollow noopener noreferrer\">Anmeldung</a></p>"
        );
    }

    #[test]
    fn nothing_becomes_markup_or_script() {
        assert_eq!(
            to_html("<script>alert(1)</script>"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
        );
        assert_eq!(to_html("[klick](javascript:alert(1))"), "<p>klick)</p>");
        assert_eq!(to_html("[x](https://a.org\" onmouseover=\"x)"), "<p>x</p>");
        assert_eq!(to_html("3 * 4 = 12_"), "<p>3 * 4 = 12_</p>");
        assert!(!to_html("**<img src=x onerror=alert(1)>**").contains("<img"));
    }
}
