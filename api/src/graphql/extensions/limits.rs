//! Limits on the shape of a request that async-graphql does not enforce itself, applied at
//! every door: the HTTP handler calls [`check_query_size`] and [`check_document`], and the
//! WebSocket schema runs the same checks as extensions. They are: the length of the query
//! text; the number of aliases (10,000 aliases of a cheap field pass a complexity limit but
//! still make the server work and answer 10,000 times); the length of every list given as
//! input (a filter of 70,000 ids would become more bound parameters than a database takes);
//! and NUL characters in text, which PostgreSQL cannot store.

use std::collections::HashSet;
use std::sync::Arc;

use crate::error::Code;
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Positioned, ServerResult, Value as ConstValue, Variables};

/// The WebSocket's door: the same checks as the HTTP handler's, run when a subscription's
/// document is parsed.
pub struct DocumentLimits(pub crate::graphql::QueryLimits);

impl ExtensionFactory for DocumentLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DocumentLimitsExtension(self.0.clone()))
    }
}

struct DocumentLimitsExtension(crate::graphql::QueryLimits);

#[async_graphql::async_trait::async_trait]
impl Extension for DocumentLimitsExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        check_query_size(query, self.0.max_query_bytes)?;
        let document = next.run(ctx, query, variables).await?;
        check_document(&document, variables, &self.0)?;
        Ok(document)
    }
}

/// Refuses documents with more than `max` aliases.
pub fn check_aliases(document: &ExecutableDocument, max: usize) -> ServerResult<()> {
    let aliases = count_aliases(document);
    if aliases > max {
        return Err(Code::QueryTooComplex.server_error(format!(
            "Query has {aliases} aliases; at most {max} are allowed"
        )));
    }
    Ok(())
}

/// The checks of this module on a parsed document and its variables (the text's size is
/// checked before it is parsed, with [`check_query_size`]).
pub fn check_document(
    document: &ExecutableDocument,
    variables: &Variables,
    limits: &crate::graphql::QueryLimits,
) -> ServerResult<()> {
    check_inputs(document, variables, limits.max_list_items)?;
    check_aliases(document, limits.max_aliases)
}

/// Refuses query texts longer than `max_bytes`.
pub fn check_query_size(query: &str, max_bytes: usize) -> ServerResult<()> {
    if query.len() > max_bytes {
        return Err(Code::QueryTooComplex
            .server_error(format!("the query is longer than {max_bytes} bytes")));
    }
    Ok(())
}

/// Refuses input lists longer than `max_list_items` and text holding NUL characters, in
/// the variables and the document's literals.
pub fn check_inputs(
    document: &ExecutableDocument,
    variables: &Variables,
    max_list_items: usize,
) -> ServerResult<()> {
    let problem = variables
        .iter()
        .find_map(|(name, value)| {
            unfit_const(value, max_list_items).map(|p| (format!("${name}"), p))
        })
        .or_else(|| unfit_literal(document, max_list_items));
    match problem {
        None => Ok(()),
        Some((place, Unfit::LongList(items))) => Err(Code::BadUserInput.server_error(format!(
            "{place}: a list of {items} items; at most {max_list_items} are taken"
        ))),
        Some((place, Unfit::Nul)) => Err(Code::BadUserInput
            .server_error(format!("{place}: text must not contain NUL characters"))),
    }
}

/// What is wrong with an input value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unfit {
    LongList(usize),
    Nul,
}

fn unfit_const(value: &ConstValue, max_items: usize) -> Option<Unfit> {
    match value {
        ConstValue::String(text) if text.contains('\0') => Some(Unfit::Nul),
        ConstValue::List(items) if items.len() > max_items => Some(Unfit::LongList(items.len())),
        ConstValue::List(items) => items.iter().find_map(|v| unfit_const(v, max_items)),
        ConstValue::Object(fields) => fields.iter().find_map(|(name, v)| {
            if name.contains('\0') {
                return Some(Unfit::Nul);
            }
            unfit_const(v, max_items)
        }),
        _ => None,
    }
}

/// The first argument literal (or variable default) of the document that is unfit, named
/// by its argument.
fn unfit_literal(document: &ExecutableDocument, max_items: usize) -> Option<(String, Unfit)> {
    fn in_set(set: &Positioned<SelectionSet>, max_items: usize) -> Option<(String, Unfit)> {
        set.node
            .items
            .iter()
            .find_map(|selection| match &selection.node {
                Selection::Field(field) => {
                    let directives = field.node.directives.iter().flat_map(|d| &d.node.arguments);
                    field
                        .node
                        .arguments
                        .iter()
                        .chain(directives)
                        .find_map(|(name, value)| {
                            // Variables stand in as null: they are checked on their own.
                            let literal = value
                                .node
                                .clone()
                                .into_const_with(|_| Ok::<_, ()>(ConstValue::Null))
                                .ok()?;
                            unfit_const(&literal, max_items)
                                .map(|p| (format!("{}.{}", field.node.name.node, name.node), p))
                        })
                        .or_else(|| in_set(&field.node.selection_set, max_items))
                }
                Selection::InlineFragment(fragment) => {
                    in_set(&fragment.node.selection_set, max_items)
                }
                Selection::FragmentSpread(_) => None,
            })
    }
    document
        .operations
        .iter()
        .find_map(|(_, operation)| {
            operation
                .node
                .variable_definitions
                .iter()
                .find_map(|definition| {
                    let default = definition.node.default_value.as_ref()?;
                    unfit_const(&default.node, max_items)
                        .map(|p| (format!("${}", definition.node.name.node), p))
                })
                .or_else(|| in_set(&operation.node.selection_set, max_items))
        })
        .or_else(|| {
            document
                .fragments
                .values()
                .find_map(|fragment| in_set(&fragment.node.selection_set, max_items))
        })
}

/// Aliases in every operation and fragment of a document; each fragment is counted once,
/// however often it is spread, so the count is bounded by the document's size.
pub fn count_aliases(document: &ExecutableDocument) -> usize {
    fn walk(set: &Positioned<SelectionSet>, count: &mut usize, spreads: &mut HashSet<String>) {
        for selection in &set.node.items {
            match &selection.node {
                Selection::Field(field) => {
                    if field.node.alias.is_some() {
                        *count += 1;
                    }
                    walk(&field.node.selection_set, count, spreads);
                }
                Selection::InlineFragment(fragment) => {
                    walk(&fragment.node.selection_set, count, spreads);
                }
                Selection::FragmentSpread(spread) => {
                    spreads.insert(spread.node.fragment_name.node.to_string());
                }
            }
        }
    }
    let mut count = 0;
    let mut spreads = HashSet::new();
    for (_, operation) in document.operations.iter() {
        walk(&operation.node.selection_set, &mut count, &mut spreads);
    }
    for fragment in document.fragments.values() {
        walk(&fragment.node.selection_set, &mut count, &mut spreads);
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_and_nul_characters_are_found_in_literals_and_defaults() {
        let parse = |text: &str| async_graphql::parser::parse_query(text).unwrap();
        let long = format!(
            "{{ offers(filter: {{ levels: [{}] }}) {{ totalCount }} }}",
            ["A1"; 6].join(",")
        );
        assert_eq!(
            unfit_literal(&parse(&long), 5),
            Some(("offers.filter".to_owned(), Unfit::LongList(6)))
        );
        assert_eq!(unfit_literal(&parse(&long), 6), None);
        let nul = "query($e: String = \"a\\u0000b\") { login(email: $e) }";
        assert_eq!(
            unfit_literal(&parse(nul), 5),
            Some(("$e".to_owned(), Unfit::Nul))
        );
        let variables =
            ConstValue::from_json(serde_json::json!({ "f": { "ids": [1, 2, 3] } })).unwrap();
        assert_eq!(unfit_const(&variables, 2), Some(Unfit::LongList(3)));
    }

    #[test]
    fn counts_aliases_in_operations_and_fragments_once() {
        let doc = async_graphql::parser::parse_query(
            "query { a: offers { totalCount } b: offers { totalCount } ...F ...F }
             fragment F on Query { c: categories { code } }",
        )
        .unwrap();
        assert_eq!(count_aliases(&doc), 3);
    }
}
