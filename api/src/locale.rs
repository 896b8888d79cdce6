//! Which language a client reads, and how a translated text falls back: the requested
//! locale (exact, then its base language), the record's own default, German, then any.

use std::sync::Arc;

use async_graphql::Context;

/// The `Accept-Language` header of the request, kept as request data.
#[derive(Debug, Clone, Default)]
pub struct AcceptLanguage(pub Option<String>);

/// The reader's preferred locales, most preferred first, lower-cased (`de-ch`, `de`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lang(Arc<Vec<String>>);

/// The language every offer can fall back to: the canton's working language.
pub const FALLBACK_LOCALE: &str = "de";

impl Lang {
    /// From a `locale` argument, else the request's `Accept-Language` header.
    pub fn resolve(ctx: &Context<'_>, locale: Option<&str>) -> Self {
        match locale.map(str::trim).filter(|l| !l.is_empty()) {
            Some(locale) => Self::from_tags([locale]),
            None => {
                let header = ctx
                    .data_opt::<AcceptLanguage>()
                    .and_then(|h| h.0.as_deref())
                    .unwrap_or_default();
                Self::from_accept_language(header)
            }
        }
    }

    /// Parses an `Accept-Language` header, honouring `q` weights.
    pub fn from_accept_language(header: &str) -> Self {
        let mut tags: Vec<(f32, usize, &str)> = header
            .split(',')
            .enumerate()
            .filter_map(|(position, part)| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                if tag.is_empty() || tag == "*" {
                    return None;
                }
                let weight = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (weight > 0.0).then_some((weight, position, tag))
            })
            .collect();
        tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        Self::from_tags(tags.into_iter().map(|t| t.2))
    }

    /// From BCP 47 tags in order of preference; each tag is followed by its base language.
    pub fn from_tags<'a>(tags: impl IntoIterator<Item = &'a str>) -> Self {
        let mut out: Vec<String> = Vec::new();
        for tag in tags {
            let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
            if !is_plausible_tag(&tag) {
                continue;
            }
            let base = tag.split('-').next().unwrap_or_default().to_owned();
            for candidate in [tag, base] {
                if !out.contains(&candidate) {
                    out.push(candidate);
                }
            }
        }
        Self(Arc::new(out))
    }

    /// These locales, then `others` not already among them.
    pub fn followed_by(&self, others: &Lang) -> Self {
        let mut out = self.0.as_ref().clone();
        for locale in others.0.iter() {
            if !out.contains(locale) {
                out.push(locale.clone());
            }
        }
        Self(Arc::new(out))
    }

    /// Picks a translation only in one of the requested locales, without further fallback.
    pub fn pick_exact<'a, T>(
        &self,
        items: &'a [T],
        locale_of: impl Fn(&T) -> &str,
    ) -> Option<&'a T> {
        self.0.iter().find_map(|wanted| {
            items
                .iter()
                .find(|item| locale_of(item).eq_ignore_ascii_case(wanted))
        })
    }

    /// Picks the best of several translations. Returns the item and the locale it is in.
    pub fn pick<'a, T>(
        &self,
        items: &'a [T],
        locale_of: impl Fn(&T) -> &str,
        record_default: Option<&str>,
    ) -> Option<&'a T> {
        let find = |wanted: &str| {
            items
                .iter()
                .find(|item| locale_of(item).eq_ignore_ascii_case(wanted))
        };
        self.0
            .iter()
            .map(String::as_str)
            .chain(record_default)
            .chain([FALLBACK_LOCALE])
            .find_map(find)
            // Any translation is better than none; the smallest locale keeps answers stable.
            .or_else(|| items.iter().min_by_key(|item| locale_of(item).to_owned()))
    }
}

/// Letters, digits and dashes, 2–35 characters: enough to refuse junk without a full BCP 47
/// parser.
fn is_plausible_tag(tag: &str) -> bool {
    (2..=35).contains(&tag.len())
        && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && tag.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick<'a>(lang: &Lang, items: &'a [&'a str], default: Option<&str>) -> Option<&'a str> {
        lang.pick(items, |s| s, default).copied()
    }

    #[test]
    fn falls_back_from_region_to_base_language_to_default_to_german_to_any() {
        let items = ["de", "fr", "en"];
        assert_eq!(pick(&Lang::from_tags(["fr-CH"]), &items, None), Some("fr"));
        assert_eq!(
            pick(&Lang::from_tags(["ti"]), &items, Some("en")),
            Some("en")
        );
        assert_eq!(pick(&Lang::from_tags(["ti"]), &items, None), Some("de"));
        assert_eq!(
            pick(&Lang::from_tags(["ti"]), &["it", "fr"], None),
            Some("fr")
        );
        assert_eq!(pick(&Lang::from_tags(["ti"]), &[], None), None);
    }

    #[test]
    fn accept_language_honours_weights() {
        let lang = Lang::from_accept_language("fr;q=0.5, ti-ER, *;q=0.1");
        assert_eq!(lang.0.as_slice(), ["ti-er", "ti", "fr"]);
        assert_eq!(Lang::from_accept_language("").0.len(), 0);
    }
}
