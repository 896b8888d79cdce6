//! Persisted queries, as Apollo Client and urql speak them: a request may carry
//! `extensions.persistedQuery = { version: 1, sha256Hash }`. With the text, the text is
//! checked against the hash and kept; without it, the text is looked up (registered
//! operations first, then what clients persisted), and a miss answers
//! `PERSISTED_QUERY_NOT_FOUND` so the client sends the text once more.
//!
//! A partner app in allow-list mode may send registered operations only, by hash or in full.
//!
//! A text a client persists is stored only once it has run: a document that does not parse
//! or validate is never kept. New texts are counted per client network
//! (`PERSISTED_QUERIES_PER_MINUTE`) and may be at most `PERSISTED_QUERY_MAX_BYTES` long, so
//! a stranger cannot fill the stores with texts nobody will send again.

use std::sync::Arc;

use actix_web::HttpResponse;

use crate::auth::RequestMeta;
use crate::cache::persisted::{is_sha256_hex, sha256_hex};
use crate::context::AppContext;
use crate::error::Code;
use crate::http::rate_limit;
use crate::http::refusal::refusal;
use crate::service;

/// The message (beside `PERSISTED_QUERY_NOT_FOUND`) Apollo and urql clients recognise as
/// "send the text".
const NOT_FOUND_MESSAGE: &str = "PersistedQueryNotFound";

/// A text to keep under its hash once the request has run it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToPersist {
    hash: String,
}

impl ToPersist {
    /// Keeps the text when the request ran it: the document parsed and validated, which
    /// shows in every error (if any) having a path in the answer.
    pub async fn keep_if_ran(
        self,
        app: &AppContext,
        request_text: &str,
        response: &async_graphql::Response,
    ) {
        let ran = response.errors.iter().all(|error| !error.path.is_empty());
        if ran {
            app.persisted.put(&self.hash, request_text).await;
        }
    }
}

/// Gives the request its text, or the response that refuses it; a new text the client
/// persists comes back as [`ToPersist`], kept once it has run.
pub async fn resolve(
    app: &AppContext,
    meta: &RequestMeta,
    request: &mut async_graphql::Request,
) -> Result<Option<ToPersist>, HttpResponse> {
    let allow_list_only = meta.client.as_ref().is_some_and(|c| c.allow_list_only);
    let hash = match persisted_hash(request).map_err(BadExtension::into_response)? {
        Some(hash) => hash,
        None if allow_list_only => {
            let hash = sha256_hex(&request.query);
            return registered(app, &hash).await.map(|_| None);
        }
        None => return Ok(None),
    };
    if !request.query.is_empty() {
        if sha256_hex(&request.query) != hash {
            return Err(refusal(
                Code::BadUserInput,
                "provided sha does not match query",
            ));
        }
        if allow_list_only {
            return registered(app, &hash).await.map(|_| None);
        }
        if !app.settings.queries.automatic_persisted_queries {
            return Err(refusal(
                Code::PersistedQueryNotSupported,
                "automatic persisted queries are turned off: send registered operations or full queries",
            ));
        }
        if app.persisted.get(&hash).await.is_some() {
            return Ok(None);
        }
        admit_new_text(app, meta, request.query.len()).await?;
        return Ok(Some(ToPersist { hash }));
    }
    let document = if allow_list_only {
        registered(app, &hash).await?
    } else {
        match app.persisted.get(&hash).await {
            Some(document) => document,
            None => match lookup_registered(app, &hash).await? {
                Some(document) => document,
                None => return Err(not_found()),
            },
        }
    };
    request.query = document.to_string();
    Ok(None)
}

/// Whether a client may persist one more text of `length` bytes: short enough, and within
/// its network's allowance of new texts.
async fn admit_new_text(
    app: &AppContext,
    meta: &RequestMeta,
    length: usize,
) -> Result<(), HttpResponse> {
    let max = app.settings.queries.persisted_query_max_bytes;
    if length > max {
        return Err(refusal(
            Code::BadUserInput,
            &format!(
                "query texts longer than {max} bytes are not persisted: send the text without `persistedQuery`"
            ),
        ));
    }
    match &meta.address {
        Some(address) => rate_limit::take(
            app,
            &format!("pq:{address}"),
            "persisted-queries",
            app.settings.queries.persisted_queries_per_minute,
        )
        .await
        .map(|_| ()),
        None => Ok(()),
    }
}

/// Why the `persistedQuery` extension of a request is unusable.
struct BadExtension {
    code: Code,
    message: &'static str,
}

impl BadExtension {
    fn into_response(self) -> HttpResponse {
        refusal(self.code, self.message)
    }
}

/// The hash a request names, checked; `None` when it names none.
fn persisted_hash(request: &async_graphql::Request) -> Result<Option<String>, BadExtension> {
    let Some(value) = request.extensions.0.get("persistedQuery") else {
        return Ok(None);
    };
    let value = value.clone().into_json().unwrap_or_default();
    let version = value.get("version").and_then(serde_json::Value::as_i64);
    if version != Some(1) {
        return Err(BadExtension {
            code: Code::PersistedQueryNotSupported,
            message: "only version 1 of persisted queries is supported",
        });
    }
    value
        .get("sha256Hash")
        .and_then(serde_json::Value::as_str)
        .map(str::to_ascii_lowercase)
        .filter(|hash| is_sha256_hex(hash))
        .map(Some)
        .ok_or(BadExtension {
            code: Code::BadUserInput,
            message: "`persistedQuery.sha256Hash` must be 64 hexadecimal characters",
        })
}

/// The registered operation's text, or the refusal an allow-list client gets.
async fn registered(app: &AppContext, hash: &str) -> Result<Arc<str>, HttpResponse> {
    // Always asked of the database: a withdrawn registration must stop working at once.
    match lookup_registered(app, hash).await? {
        Some(document) => Ok(document),
        None => Err(refusal(
            Code::OperationNotRegistered,
            "this API key may send registered operations only",
        )),
    }
}

async fn lookup_registered(app: &AppContext, hash: &str) -> Result<Option<Arc<str>>, HttpResponse> {
    match service::operation::find(&app.db, hash).await {
        Ok(Some(operation)) => {
            let document: Arc<str> = operation.document.into();
            app.persisted.remember(hash, document.clone());
            Ok(Some(document))
        }
        Ok(None) => Ok(None),
        Err(err) => Err(super::refusal::refusal_for(&err)),
    }
}

/// The answer that makes a client send the text along with the hash (200, as clients
/// expect: see `Code::status`).
fn not_found() -> HttpResponse {
    refusal(Code::PersistedQueryNotFound, NOT_FOUND_MESSAGE)
}
