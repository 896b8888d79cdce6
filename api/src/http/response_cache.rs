//! Which requests the response cache serves and which ones invalidate it: anonymous queries
//! made only of public catalogue fields are cached; successful mutations that change public
//! data bump the data version. Signed-in staff are never served from the cache.

use async_graphql::parser::types::{OperationType, Selection};

use crate::auth::Viewer;
use crate::cache::responses::CacheKey;
use crate::context::{AppContext, RequestMeta};

/// Root fields whose answers are the same for every anonymous caller.
const CACHEABLE: [&str; 7] = [
    "offers",
    "offer",
    "searchOffers",
    "suggestOffers",
    "regions",
    "region",
    "categories",
];

/// Mutations that change what the public sees.
const PUBLIC_WRITES: [&str; 8] = [
    "createOffer",
    "updateOffer",
    "submitOffer",
    "publishOffer",
    "rejectOffer",
    "archiveOffer",
    "createProvider",
    "updateProvider",
];

/// What the cache does with one request.
#[derive(Debug, Default)]
pub struct Plan {
    /// Serve from and store under this key.
    pub key: Option<String>,
    /// Bump the data version when the request succeeds.
    pub bumps: bool,
}

/// The operation's type and root field names; `None` when it cannot be told (then the
/// request is neither cached nor trusted to leave public data alone).
fn root_fields(query: &str, operation_name: Option<&str>) -> Option<(OperationType, Vec<String>)> {
    let document = async_graphql::parser::parse_query(query).ok()?;
    let operation = match operation_name {
        Some(name) => document
            .operations
            .iter()
            .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))
            .map(|(_, op)| op)?,
        None => document.operations.iter().next().map(|(_, op)| op)?,
    };
    let mut names = Vec::new();
    for item in &operation.node.selection_set.node.items {
        match &item.node {
            Selection::Field(field) => names.push(field.node.name.node.to_string()),
            // Fragments at the root: too clever to judge cheaply, so not cached.
            _ => return Some((operation.node.ty, Vec::new())),
        }
    }
    Some((operation.node.ty, names))
}

/// Decides what the cache does with a request.
pub async fn plan(
    app: &AppContext,
    meta: &RequestMeta,
    request: &async_graphql::Request,
    language: Option<&str>,
) -> Plan {
    let Some((kind, fields)) = root_fields(&request.query, request.operation_name.as_deref())
    else {
        return Plan::default();
    };
    match kind {
        OperationType::Mutation => Plan {
            key: None,
            bumps: fields.iter().any(|f| PUBLIC_WRITES.contains(&f.as_str())),
        },
        OperationType::Query
            if app.settings.response_cache_secs > 0
                && matches!(meta.viewer, Viewer::Anonymous)
                && !fields.is_empty()
                && fields.iter().all(|f| CACHEABLE.contains(&f.as_str())) =>
        {
            let Some(version) = app.responses.version().await else {
                return Plan::default();
            };
            let variables = serde_json::to_value(&request.variables).unwrap_or_default();
            let key = app.responses.key(
                version,
                &CacheKey {
                    query: &request.query,
                    operation_name: request.operation_name.as_deref(),
                    variables: &variables,
                    language,
                },
            );
            Plan {
                key: Some(key),
                bumps: false,
            }
        }
        _ => Plan::default(),
    }
}
