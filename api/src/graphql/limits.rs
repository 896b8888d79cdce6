//! Limits on the shape of a query that async-graphql does not enforce itself: the number of
//! aliases (10,000 aliases of a cheap field pass a complexity limit but still make the server
//! work and answer 10,000 times).

use std::collections::HashSet;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Positioned, ServerError, ServerResult, Variables};

/// Refuses documents with more aliases than allowed.
pub struct AliasLimit(pub usize);

impl ExtensionFactory for AliasLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(AliasLimitExtension(self.0))
    }
}

struct AliasLimitExtension(usize);

#[async_graphql::async_trait::async_trait]
impl Extension for AliasLimitExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let aliases = count_aliases(&document);
        if aliases > self.0 {
            let mut error = ServerError::new(
                format!(
                    "Query has {aliases} aliases; at most {} are allowed",
                    self.0
                ),
                None,
            );
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("code", "QUERY_TOO_COMPLEX");
            return Err(error);
        }
        Ok(document)
    }
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
    fn counts_aliases_in_operations_and_fragments_once() {
        let doc = async_graphql::parser::parse_query(
            "query { a: offers { totalCount } b: offers { totalCount } ...F ...F }
             fragment F on Query { c: categories { code } }",
        )
        .unwrap();
        assert_eq!(count_aliases(&doc), 3);
    }
}
