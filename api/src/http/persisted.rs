//! Persisted queries, as Apollo Client and urql speak them: a request may carry
//! `extensions.persistedQuery = { version: 1, sha256Hash }`. With the text, the text is
//! checked against the hash and kept; without it, the text is looked up (registered
//! operations first, then what clients persisted), and a miss answers
//! `PERSISTED_QUERY_NOT_FOUND` so the client sends the text once more.
//!
//! A partner app in allow-list mode may send registered operations only, by hash or in full.

use std::sync::Arc;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde_json::json;

use crate::cache::persisted::{is_sha256_hex, sha256_hex};
use crate::context::{AppContext, RequestMeta};
use crate::http::graphql::refusal;
use crate::service;

/// The error code (and message) Apollo and urql clients recognise as "send the text".
pub const NOT_FOUND_CODE: &str = "PERSISTED_QUERY_NOT_FOUND";
const NOT_FOUND_MESSAGE: &str = "PersistedQueryNotFound";

/// Gives the request its text, or the response that refuses it.
pub async fn resolve(
    app: &AppContext,
    meta: &RequestMeta,
    request: &mut async_graphql::Request,
) -> Result<(), HttpResponse> {
    let allow_list_only = meta.client.as_ref().is_some_and(|c| c.allow_list_only);
    let hash = match persisted_hash(request).map_err(BadExtension::into_response)? {
        Some(hash) => hash,
        None if allow_list_only => {
            let hash = sha256_hex(&request.query);
            return registered(app, &hash).await.map(|_| ());
        }
        None => return Ok(()),
    };
    if !request.query.is_empty() {
        if sha256_hex(&request.query) != hash {
            return Err(refusal(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                "provided sha does not match query",
            ));
        }
        if allow_list_only {
            return registered(app, &hash).await.map(|_| ());
        }
        if !app.settings.automatic_persisted_queries {
            return Err(refusal(
                StatusCode::BAD_REQUEST,
                "PERSISTED_QUERY_NOT_SUPPORTED",
                "automatic persisted queries are turned off: send registered operations or full queries",
            ));
        }
        app.persisted.put(&hash, &request.query).await;
        return Ok(());
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
    Ok(())
}

/// Why the `persistedQuery` extension of a request is unusable.
struct BadExtension {
    code: &'static str,
    message: &'static str,
}

impl BadExtension {
    fn into_response(self) -> HttpResponse {
        refusal(StatusCode::BAD_REQUEST, self.code, self.message)
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
            code: "PERSISTED_QUERY_NOT_SUPPORTED",
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
            code: "BAD_USER_INPUT",
            message: "`persistedQuery.sha256Hash` must be 64 hexadecimal characters",
        })
}

/// The registered operation's text, or the refusal an allow-list client gets.
async fn registered(app: &AppContext, hash: &str) -> Result<Arc<str>, HttpResponse> {
    // Always asked of the database: a withdrawn registration must stop working at once.
    match lookup_registered(app, hash).await? {
        Some(document) => Ok(document),
        None => Err(refusal(
            StatusCode::FORBIDDEN,
            "OPERATION_NOT_REGISTERED",
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
        Err(err) => Err(refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            err.code(),
            "the service is temporarily unavailable",
        )),
    }
}

/// The answer that makes a client send the text along with the hash.
fn not_found() -> HttpResponse {
    // 200, as clients expect: the request was well formed, the server merely lacks the text.
    HttpResponse::Ok().json(json!({
        "errors": [{
            "message": NOT_FOUND_MESSAGE,
            "extensions": { "code": NOT_FOUND_CODE }
        }]
    }))
}
