//! A search's filter and sort in Meilisearch's expression syntax.

use super::document::days;
use crate::search::{SearchRequest, SearchSort};

/// A filter value in Meilisearch's syntax.
pub(super) fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

pub(super) fn any_of<T: ToString>(field: &str, values: &[T]) -> Option<String> {
    if values.is_empty() {
        return None;
    }
    let list: Vec<String> = values.iter().map(|v| quoted(&v.to_string())).collect();
    Some(format!("{field} IN [{}]", list.join(", ")))
}

/// The filter expression of a search: only offers still running, plus what was asked.
pub fn filter_expression(request: &SearchRequest) -> String {
    let filter = &request.filter;
    let mut parts = vec![format!("valid_until >= {}", days(request.today))];
    parts.extend(
        [
            any_of("category", &filter.categories),
            any_of("region", &filter.regions),
            any_of("provider", &filter.providers),
            any_of("language", &filter.languages),
            any_of("level", &filter.levels),
            any_of("cost", &filter.costs),
            any_of("weekday", &filter.weekdays),
            any_of("time_of_day", &filter.times_of_day),
        ]
        .into_iter()
        .flatten(),
    );
    if let Some(childcare) = filter.childcare {
        parts.push(format!("childcare = {childcare}"));
    }
    if let Some(online) = filter.online {
        parts.push(format!("online = {online}"));
    }
    if let Some(after) = filter.starts_after {
        parts.push(format!("starts_on >= {}", days(after)));
    }
    if let Some(before) = filter.starts_before {
        parts.push(format!("starts_on <= {}", days(before)));
    }
    if let Some(since) = filter.updated_since {
        parts.push(format!("updated_at >= {}", since.timestamp()));
    }
    if let Some(near) = request.near {
        parts.push(format!(
            "_geoRadius({}, {}, {})",
            near.lat,
            near.lon,
            (near.radius_km * 1000.0).round()
        ));
    }
    parts.join(" AND ")
}

/// The sort of a search, if it asks for one.
pub(super) fn sort_expression(request: &SearchRequest, has_words: bool) -> Option<String> {
    match (request.sort, request.near) {
        (SearchSort::Distance, Some(near)) => {
            Some(format!("_geoPoint({}, {}):asc", near.lat, near.lon))
        }
        (SearchSort::StartDate, _) | (SearchSort::Distance, None) => {
            Some("starts_on:asc".to_owned())
        }
        (SearchSort::Relevance, _) if !has_words => Some("starts_on:asc".to_owned()),
        (SearchSort::Relevance, _) => None,
    }
}
