//! Which requests the response cache serves and which ones invalidate it: anonymous queries
//! made only of public catalogue fields are cached; successful mutations that change public
//! data bump the data version. Signed-in staff are never served from the cache.

use async_graphql::parser::types::OperationType;

use crate::auth::Viewer;
use crate::cache::responses::CacheKey;
use crate::context::{AppContext, RequestMeta};
use crate::http::operation::Operation;

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
const PUBLIC_WRITES: [&str; 9] = [
    "createOffer",
    "importOffers",
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

/// Decides what the cache does with a request.
/// An operation whose root fields cannot be told is neither cached nor trusted to leave
/// public data alone.
pub async fn plan(
    app: &AppContext,
    meta: &RequestMeta,
    request: &async_graphql::Request,
    operation: Option<&Operation>,
    language: Option<&str>,
) -> Plan {
    let Some(operation) = operation else {
        return Plan::default();
    };
    let kind = operation.kind;
    let fields = operation.root_fields.clone().unwrap_or_default();
    match kind {
        // Fragments at the root hide which mutations run: count it as a public write.
        OperationType::Mutation => Plan {
            key: None,
            bumps: operation.root_fields.is_none()
                || fields.iter().any(|f| PUBLIC_WRITES.contains(&f.as_str())),
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
