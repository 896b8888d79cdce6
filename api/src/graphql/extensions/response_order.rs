//! Puts the fields of an answer in the order the query asked for them.
//!
//! async-graphql resolves the fields of an object concurrently and writes each as it
//! finishes, so the same query over the same data can come back in a different key order
//! from one run to the next. GraphQL asks for the selection order, and HTTP caches need it:
//! the `ETag` is a hash of the body, and two bodies that differ only in order would be two
//! versions. The order is read from the document before it runs ([`ResponseOrder::of`]) and
//! applied to the data after ([`ResponseOrder::apply`]).

use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, Value};
use std::collections::HashMap;

/// Fragment spreads followed this deep at most. Validation refuses cycles, but the order
/// is read before validation runs; a deeper document is left in the executor's order.
const MAX_FRAGMENT_DEPTH: usize = 32;

/// The response keys of one selection set, in order, each with the order of its own
/// sub-selection.
#[derive(Debug, Default)]
pub struct ResponseOrder {
    keys: Vec<(Name, ResponseOrder)>,
}

impl ResponseOrder {
    /// The order of the operation the request runs (`operation_name` chooses among several);
    /// `None` when the document names no such operation.
    pub fn of(document: &ExecutableDocument, operation_name: Option<&str>) -> Option<Self> {
        let operation = chosen_operation(document, operation_name)?;
        let fragments = &document.fragments;
        Some(Self::of_sets(&[&operation.node.selection_set], fragments))
    }

    /// The order of several selection sets merged under one response key (a field selected
    /// twice, or through fragments, answers once with the union of its selections).
    fn of_sets(
        sets: &[&Positioned<SelectionSet>],
        fragments: &HashMap<Name, Positioned<FragmentDefinition>>,
    ) -> Self {
        let mut merged: Vec<(Name, Vec<&Positioned<SelectionSet>>)> = Vec::new();
        for set in sets {
            collect(set, fragments, 0, &mut merged);
        }
        Self {
            keys: merged
                .into_iter()
                .map(|(key, children)| (key, Self::of_sets(&children, fragments)))
                .collect(),
        }
    }

    /// Orders `data` (and everything under it) like the selection.
    pub fn apply(&self, data: &mut Value) {
        match data {
            Value::Object(map) => {
                if self.keys.is_empty() {
                    return;
                }
                // Keys the selection does not name (none, in practice) go last, in the
                // order they came.
                map.sort_by_cached_key(|key, _| self.position(key).unwrap_or(usize::MAX));
                for (key, value) in map.iter_mut() {
                    if let Some(index) = self.position(key) {
                        self.keys[index].1.apply(value);
                    }
                }
            }
            Value::List(items) => {
                for item in items {
                    self.apply(item);
                }
            }
            _ => {}
        }
    }

    fn position(&self, key: &Name) -> Option<usize> {
        self.keys.iter().position(|(name, _)| name == key)
    }
}

fn chosen_operation<'d>(
    document: &'d ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<&'d Positioned<OperationDefinition>> {
    match operation_name {
        Some(wanted) => document
            .operations
            .iter()
            .find(|(name, _)| name.is_some_and(|n| n.as_str() == wanted))
            .map(|(_, operation)| operation),
        None => document.operations.iter().next().map(|(_, op)| op),
    }
}

/// Appends the response keys of `set` in order, following fragments where they stand.
fn collect<'d>(
    set: &'d Positioned<SelectionSet>,
    fragments: &'d HashMap<Name, Positioned<FragmentDefinition>>,
    depth: usize,
    merged: &mut Vec<(Name, Vec<&'d Positioned<SelectionSet>>)>,
) {
    for selection in &set.node.items {
        match &selection.node {
            Selection::Field(field) => {
                let key = field.node.response_key().node.clone();
                let children = &field.node.selection_set;
                match merged.iter_mut().find(|(name, _)| *name == key) {
                    Some((_, sets)) => sets.push(children),
                    None => merged.push((key, vec![children])),
                }
            }
            Selection::FragmentSpread(spread) if depth < MAX_FRAGMENT_DEPTH => {
                if let Some(fragment) = fragments.get(&spread.node.fragment_name.node) {
                    collect(&fragment.node.selection_set, fragments, depth + 1, merged);
                }
            }
            Selection::InlineFragment(inline) if depth < MAX_FRAGMENT_DEPTH => {
                collect(&inline.node.selection_set, fragments, depth + 1, merged);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn ordered(query: &str, data: serde_json::Value) -> String {
        let document = parse_query(query).unwrap();
        let order = ResponseOrder::of(&document, None).unwrap();
        let mut value = Value::from_json(data).unwrap();
        order.apply(&mut value);
        serde_json::to_string(&value).unwrap()
    }

    #[test]
    fn keys_follow_the_selection_through_aliases_fragments_and_lists() {
        let query = "query { b: offers { nodes { ...F title } } a: __typename }
                     fragment F on Offer { id ... on Offer { slug } }";
        let data = serde_json::json!({
            "a": "Query",
            "b": { "nodes": [ { "title": "t", "slug": "s", "id": "1" } ] }
        });
        assert_eq!(
            ordered(query, data),
            r#"{"b":{"nodes":[{"id":"1","slug":"s","title":"t"}]},"a":"Query"}"#
        );
    }

    #[test]
    fn a_field_selected_twice_merges_its_selections_in_first_seen_order() {
        let query = "{ offer { title } offer { id title } }";
        let data = serde_json::json!({ "offer": { "id": "1", "title": "t" } });
        assert_eq!(ordered(query, data), r#"{"offer":{"title":"t","id":"1"}}"#);
    }

    #[test]
    fn a_cyclic_fragment_does_not_recurse_forever() {
        let query = "{ ...A } fragment A on Query { x ...A }";
        let data = serde_json::json!({ "x": 1 });
        assert_eq!(ordered(query, data), r#"{"x":1}"#);
    }
}
