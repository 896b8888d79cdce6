//! The GraphQL endpoint.
//!
//! async-graphql's actix integration leaves three holes that are closed here: the request
//! body has a size limit, a `POST` must say `application/json` (a `text/plain` form post from
//! another site is the cross-site request forgery path), and a mutation sent with `GET` is
//! refused with 405. Batches are not accepted (one operation per request), and every request
//! runs under a time limit.

use std::time::Duration;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::parser::types::OperationType;
use futures_util::StreamExt;

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::Code;
use crate::graphql::AppSchema;
use crate::graphql::extensions::response_order::ResponseOrder;
use crate::graphql::extensions::{errors, limits, unicode_input};
use crate::graphql::loader::Loaders;
use crate::graphql::locale::AcceptLanguage;
use crate::graphql::search::notice::SearchNotice;
use crate::http::caching::{HttpCaching, finish};
use crate::http::media::{self, Answer, ResponseMedia};
use crate::http::observe::Executed;
use crate::http::operation::{self, Operation};
use crate::http::rate_limit::Quotas;
use crate::http::refusal::{refusal, refusal_as};
use crate::http::{caller, persisted, rate_limit, response_cache};
use crate::metrics::Outcome;

/// Executes a GraphQL request sent with `POST`.
pub async fn post(
    schema: web::Data<AppSchema>,
    app: web::Data<AppContext>,
    http: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    if !is_json(&http) {
        return refusal_as(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::BadUserInput,
            "GraphQL requests must be sent as application/json",
        );
    }
    let Some(media) = media::negotiate(&http) else {
        return media::not_acceptable();
    };
    let body = match read_body(payload, caller::body_allowance(&app, &http)).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    // Parsed straight into the request; only a body that fails is looked at again, to
    // say what is wrong with it. Only an object is a request (serde would also read a
    // struct from an array, the shape of a batch).
    let is_object = body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{');
    let parsed = is_object
        .then(|| serde_json::from_slice::<async_graphql::Request>(&body).ok())
        .flatten();
    let Some(request) = parsed else {
        return refuse_body(&body);
    };
    execute(&schema, &app, &http, request, media).await
}

/// The refusal of a body that is not one GraphQL request: not JSON, a batch, or JSON of
/// another shape.
fn refuse_body(body: &[u8]) -> HttpResponse {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Err(_) => refusal(Code::BadUserInput, "the body is not valid JSON"),
        Ok(value) if value.is_array() => refusal(
            Code::BadUserInput,
            "batched requests are not accepted: send one operation per request",
        ),
        Ok(_) => refusal(
            Code::BadUserInput,
            "the body is not a GraphQL request (query, operationName, variables)",
        ),
    }
}

/// `GET /graphql`: a query in the URL (never a mutation), by text or by persisted hash;
/// the GraphiQL page (when on) without either, or when a browser navigates there (then
/// with the URL's query in the editor).
pub async fn get(
    schema: web::Data<AppSchema>,
    app: web::Data<AppContext>,
    http: HttpRequest,
) -> HttpResponse {
    let params = web::Query::<GetParams>::from_query(http.query_string());
    let Ok(web::Query(params)) = params else {
        return refusal(Code::BadUserInput, "invalid query string");
    };
    let without_operation = params.query.is_none() && params.extensions.is_none();
    if app.settings.graphiql_enabled() && (without_operation || media::prefers_html(&http)) {
        return super::graphiql::page();
    }
    if without_operation {
        return refusal(Code::BadUserInput, "missing `query` parameter");
    }
    let Some(media) = media::negotiate(&http) else {
        return media::not_acceptable();
    };
    let variables = match params.variables.as_deref().map(serde_json::from_str) {
        None => async_graphql::Variables::default(),
        Some(Ok(value)) => async_graphql::Variables::from_json(value),
        Some(Err(_)) => {
            return refusal(Code::BadUserInput, "`variables` is not valid JSON");
        }
    };
    let extensions = match params.extensions.as_deref().map(serde_json::from_str) {
        None => async_graphql::Extensions::default(),
        Some(Ok(extensions)) => extensions,
        Some(Err(_)) => {
            return refusal(Code::BadUserInput, "`extensions` is not a JSON object");
        }
    };
    let mut request =
        async_graphql::Request::new(params.query.unwrap_or_default()).variables(variables);
    request.extensions = extensions;
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    not_stored_unless_said(execute(&schema, &app, &http, request, media).await)
}

/// An answer to a `GET` that says nothing about caching (a refusal, an unknown persisted
/// query) is not to be kept: a cache that kept a "persisted query not found" would serve it
/// after the query was registered.
fn not_stored_unless_said(mut response: HttpResponse) -> HttpResponse {
    let headers = response.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    response
}

/// The parameters of a GraphQL `GET` request.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetParams {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

/// The refusal of a mutation or subscription sent with `GET`: links and prefetches must
/// never change anything.
fn write_in_url(operation: Option<&Operation>) -> Option<HttpResponse> {
    let kind = operation?.kind;
    if !matches!(kind, OperationType::Mutation | OperationType::Subscription) {
        return None;
    }
    let mut response = refusal_as(
        StatusCode::METHOD_NOT_ALLOWED,
        Code::BadUserInput,
        "mutations must be sent with POST",
    );
    response
        .headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
    Some(response)
}

/// Executes a request on the HTTP schema, with the document limits and error codes the
/// WebSocket schema applies as extensions (see `graphql::AppSchema`), and the answer's
/// fields in the order the document asks for them. A text that does not parse is left to
/// the executor, which answers with the parser's error.
async fn run(schema: &AppSchema, mut request: async_graphql::Request) -> async_graphql::Response {
    let variables = std::mem::take(&mut request.variables);
    let operation_name = request.operation_name.clone();
    let checked = request.parsed_query().map(|document| {
        limits::check_document(document, &variables, schema.limits())
            .map(|()| ResponseOrder::of(document, operation_name.as_deref()))
    });
    request.variables = variables;
    let order = match checked {
        Ok(Err(refusal)) => return async_graphql::Response::from_errors(vec![refusal]),
        Ok(Ok(order)) => order,
        Err(_) => None,
    };
    let mut response = schema.http().execute(request).await;
    if let Some(order) = order {
        order.apply(&mut response.data);
    }
    errors::classify_all(&mut response);
    response
}

/// Runs a request with fresh loaders, the caller's language and the time limit.
async fn execute(
    schema: &AppSchema,
    app: &AppContext,
    http: &HttpRequest,
    request: async_graphql::Request,
    media: ResponseMedia,
) -> HttpResponse {
    // The schema checks this too (for every door); here it spares parsing a long text
    // and answers with the fitting status.
    if let Err(error) =
        limits::check_query_size(&request.query, app.settings.queries.max_query_bytes)
    {
        return refusal_as(
            StatusCode::PAYLOAD_TOO_LARGE,
            Code::QueryTooComplex,
            &error.message,
        );
    }
    // The address is counted before credentials are looked at (see `rate_limit`).
    let address = caller::address(app, http);
    let mut quotas = Quotas::default();
    match rate_limit::check_address(app, address.as_deref()).await {
        Ok(quota) => quotas.add(quota),
        Err(response) => return response,
    }
    let meta = match caller::identify(app, http, address).await {
        Ok(meta) => meta,
        Err(response) => return quotas.write(response),
    };
    tracing::Span::current().record("caller", meta.caller_kind());
    match rate_limit::check_client(app, meta.client.as_ref()).await {
        Ok(quota) => quotas.add(quota),
        Err(response) => return response,
    }
    quotas.write(execute_counted(schema, app, http, request, media, meta).await)
}

/// Runs a request its caller was identified and counted for.
async fn execute_counted(
    schema: &AppSchema,
    app: &AppContext,
    http: &HttpRequest,
    request: async_graphql::Request,
    media: ResponseMedia,
    meta: RequestMeta,
) -> HttpResponse {
    let accept_language = http
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut request = request;
    let to_persist = match persisted::resolve(app, &meta, &mut request).await {
        Ok(to_persist) => to_persist,
        Err(response) => return response,
    };
    if request.query.trim().is_empty() {
        return refusal(
            Code::BadUserInput,
            "the request has no `query`: send the operation's text (or a persisted query's hash)",
        );
    }
    // The text is kept as sent, under the hash it was sent with.
    let request_text = to_persist.as_ref().map(|_| request.query.clone());
    unicode_input::compose(&mut request);
    // Parsed once here, for the checks below and for the executor, which runs the parsed
    // document; a text over the size limit is left for the executor to refuse unparsed.
    let described = limits::check_query_size(&request.query, app.settings.queries.max_query_bytes)
        .ok()
        .and_then(|()| operation::describe(&mut request));
    // `GET` or `HEAD`: the request is in the URL, which must never change anything.
    let in_url = http.method() != actix_web::http::Method::POST;
    if in_url && let Some(response) = write_in_url(described.as_ref()) {
        return response;
    }
    let http_cache = in_url.then(|| HttpCaching::for_request(app, &meta, http));
    let request_id = meta.request_id.clone().unwrap_or_default();
    let operation = described
        .as_ref()
        .and_then(|o| o.name.clone())
        .or_else(|| request.operation_name.clone());
    let cache_key = response_cache::key(
        app,
        &meta,
        &request,
        described.as_ref(),
        accept_language.as_deref(),
    )
    .await;
    if let Some(key) = &cache_key
        && let Some(body) = app.responses.get(key).await
    {
        let mut reply = HttpResponse::Ok();
        reply
            .content_type(media.content_type())
            .insert_header(("X-Request-Id", request_id))
            .insert_header(("X-Cache", "HIT"));
        app.metrics.record_cache(true);
        let response = finish(reply, body.as_ref().clone(), http_cache.as_ref(), true);
        return executed(response, operation, Outcome::Ok);
    }
    let notice = std::sync::Arc::new(SearchNotice::default());
    let request = request
        .data(Loaders::new(&app.db, &app.reference))
        .data(AcceptLanguage(accept_language))
        .data(meta)
        .data(notice.clone());
    let limit = time_limit(app, described.as_ref());
    match tokio::time::timeout(limit, run(schema, request)).await {
        Ok(mut response) => {
            if let (Some(to_persist), Some(text)) = (to_persist, &request_text) {
                to_persist.keep_if_ran(app, text, &response).await;
            }
            notice.write(&mut response);
            let succeeded = response.errors.is_empty();
            // The id ties an error a user reports to the server's log lines.
            for error in &mut response.errors {
                error
                    .extensions
                    .get_or_insert_with(Default::default)
                    .set("requestId", request_id.clone());
            }
            let answer = Answer::of(&response);
            let body = match serde_json::to_vec(&answer) {
                Ok(body) => body,
                Err(err) => {
                    tracing::error!(error = %err, "could not encode a GraphQL response");
                    return refusal(Code::InternalServerError, "internal error");
                }
            };
            let mut reply = HttpResponse::build(media.status(&answer));
            reply
                .content_type(media.content_type())
                .insert_header(("X-Request-Id", request_id));
            // A degraded search answer is not kept: the next request tries the engine.
            let keep = succeeded && !response.extensions.contains_key("search");
            if let Some(key) = &cache_key {
                if keep {
                    app.responses.put(key, body.clone()).await;
                }
                app.metrics.record_cache(false);
                reply.insert_header(("X-Cache", "MISS"));
            }
            let outcome = if succeeded {
                Outcome::Ok
            } else {
                Outcome::Errors
            };
            executed(
                finish(reply, body, http_cache.as_ref(), keep),
                operation,
                outcome,
            )
        }
        Err(_) => {
            tracing::warn!(seconds = limit.as_secs(), "GraphQL request timed out");
            let response = refusal(
                Code::ServiceUnavailable,
                "the request took too long and was stopped",
            );
            executed(response, operation, Outcome::Failed)
        }
    }
}

/// Root fields that move whole offer files, and may take longer than other requests.
const FILE_FIELDS: [&str; 2] = ["importOffers", "offerExport"];

/// How long a request may run: `IMPORT_TIMEOUT_SECS` for imports and exports of offer
/// files, `REQUEST_TIMEOUT_SECS` for everything else.
fn time_limit(app: &AppContext, operation: Option<&Operation>) -> Duration {
    let moves_files = operation
        .and_then(|o| o.root_fields.as_ref())
        .is_some_and(|fields| fields.iter().any(|f| FILE_FIELDS.contains(&f.as_str())));
    let seconds = if moves_files {
        app.settings
            .catalogue
            .import_timeout_secs
            .max(app.settings.http.request_timeout_secs)
    } else {
        app.settings.http.request_timeout_secs
    };
    Duration::from_secs(seconds)
}

/// Tells the observing middleware how the request went.
fn executed(
    mut response: HttpResponse,
    operation: Option<String>,
    outcome: Outcome,
) -> HttpResponse {
    response
        .extensions_mut()
        .insert(Executed { operation, outcome });
    response
}

/// Reads the body within its allowance: a larger body is refused without reading it all,
/// and a client that trickles its body is cut off at the deadline (408); either way the
/// connection is closed, since the rest of the body is still on it.
async fn read_body(
    mut payload: web::Payload,
    allowance: caller::BodyAllowance,
) -> Result<web::BytesMut, HttpResponse> {
    let limit = allowance.max_bytes;
    let read = async {
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk
                .map_err(|_| refusal(Code::BadUserInput, "the request body could not be read"))?;
            if body.len() + chunk.len() > limit {
                return Err(closing(refusal_as(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    Code::BadUserInput,
                    &format!("the request body is larger than {limit} bytes"),
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    };
    match tokio::time::timeout(allowance.deadline, read).await {
        Ok(result) => result,
        Err(_) => Err(closing(refusal_as(
            StatusCode::REQUEST_TIMEOUT,
            Code::BadUserInput,
            "the request body was not sent in time",
        ))),
    }
}

/// The response, with the connection closed after it.
fn closing(mut response: HttpResponse) -> HttpResponse {
    response
        .head_mut()
        .set_connection_type(actix_web::http::ConnectionType::Close);
    response
}

/// Whether the request says its body is JSON.
fn is_json(http: &HttpRequest) -> bool {
    http.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}
