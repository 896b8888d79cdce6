//! Which requests the response cache serves: anonymous queries made only of public
//! catalogue fields. Signed-in staff are never served from it. Writes invalidate it through
//! their own side effects (`effects`), whichever door they came through.

use async_graphql::parser::types::OperationType;

use crate::auth::RequestMeta;
use crate::auth::Viewer;
use crate::cache::responses::CacheKey;
use crate::context::AppContext;
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

/// The key to serve a request from and store its answer under; `None` for requests the
/// cache does not take (anything but an anonymous catalogue query, or root fields that
/// cannot be told).
pub async fn key(
    app: &AppContext,
    meta: &RequestMeta,
    request: &async_graphql::Request,
    operation: Option<&Operation>,
    language: Option<&str>,
) -> Option<String> {
    let operation = operation?;
    let fields = operation.root_fields.clone().unwrap_or_default();
    match operation.kind {
        OperationType::Query
            if app.settings.caches.response_cache_secs > 0
                && matches!(meta.viewer, Viewer::Anonymous)
                && !fields.is_empty()
                && fields.iter().all(|f| CACHEABLE.contains(&f.as_str())) =>
        {
            let version = app.responses.version().await?;
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
            Some(key)
        }
        _ => None,
    }
}
