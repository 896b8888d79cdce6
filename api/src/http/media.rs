//! The media type of a GraphQL answer, as GraphQL over HTTP defines it.
//!
//! A client that accepts `application/graphql-response+json` learns from the status whether
//! its request was run at all: a document that does not parse or validate, or variables
//! that do not fit, answer 400 without a `data` entry. A client that asks for
//! `application/json` (or sends no `Accept`, or `*/*`) gets the classic behaviour: 200 for
//! every GraphQL answer, errors in the body. A client that accepts neither gets 406.

use crate::error::Code;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse};
use async_graphql::{ServerError, Value};
use serde::Serialize;

/// The GraphQL-over-HTTP media type.
pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// The media type an answer is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMedia {
    /// `application/graphql-response+json`: statuses say whether the request ran.
    GraphqlResponse,
    /// `application/json`: 200 for every GraphQL answer.
    Json,
}

impl ResponseMedia {
    /// The `Content-Type` of an answer in this media type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json",
        }
    }

    /// The status of a GraphQL answer: 400 for a request error under the new media type.
    pub fn status(self, answer: &Answer) -> StatusCode {
        match (self, answer.ran) {
            (Self::GraphqlResponse, false) => StatusCode::BAD_REQUEST,
            _ => StatusCode::OK,
        }
    }
}

/// The media type the request's `Accept` header prefers, or `None` when it accepts neither
/// JSON type (the caller answers 406). The highest quality wins; on a tie the
/// GraphQL-over-HTTP type, when named, is preferred over `application/json`, and wildcards
/// mean `application/json`, which every client understands.
pub fn negotiate(http: &HttpRequest) -> Option<ResponseMedia> {
    let Some(ranges) = accept_ranges(http) else {
        return Some(ResponseMedia::Json);
    };
    let mut best: Option<(f32, u8, ResponseMedia)> = None;
    for (mime, quality) in ranges {
        // The rank breaks ties between ranges of equal quality.
        let (rank, media) = match mime.as_str() {
            GRAPHQL_RESPONSE_JSON => (3, ResponseMedia::GraphqlResponse),
            "application/json" => (2, ResponseMedia::Json),
            "application/*" | "*/*" => (1, ResponseMedia::Json),
            _ => continue,
        };
        if best.is_none_or(|(q, r, _)| quality > q || (quality == q && rank > r)) {
            best = Some((quality, rank, media));
        }
    }
    best.map(|(_, _, media)| media)
}

/// Whether the request asks for a web page rather than a GraphQL answer: it names
/// `text/html` with a higher quality than any JSON type, as a browser's navigation does
/// (`text/html,…,*/*;q=0.8`). API clients name JSON or only wildcards.
pub fn prefers_html(http: &HttpRequest) -> bool {
    let Some(ranges) = accept_ranges(http) else {
        return false;
    };
    let (mut html, mut json) = (0.0f32, 0.0f32);
    for (mime, quality) in ranges {
        match mime.as_str() {
            "text/html" => html = html.max(quality),
            GRAPHQL_RESPONSE_JSON | "application/json" | "application/*" | "*/*" => {
                json = json.max(quality)
            }
            _ => {}
        }
    }
    html > json
}

/// The media ranges of the request's `Accept` header with their quality, lower-cased,
/// leaving out those the client refuses (`q=0`); `None` without a (non-empty) header.
fn accept_ranges(http: &HttpRequest) -> Option<impl Iterator<Item = (String, f32)> + '_> {
    let accept = http
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty())?;
    Some(
        accept
            .split(',')
            .map(|range| {
                let mut parts = range.split(';');
                let mime = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
                let quality = parts
                    .filter_map(|p| p.trim().strip_prefix("q="))
                    .find_map(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                (mime, quality)
            })
            .filter(|(_, quality)| *quality > 0.0),
    )
}

/// The 406 answer to a client that accepts no JSON type.
pub fn not_acceptable() -> HttpResponse {
    super::refusal::refusal_as(
        StatusCode::NOT_ACCEPTABLE,
        Code::BadUserInput,
        "GraphQL answers are application/graphql-response+json or application/json: accept one of them",
    )
}

/// A GraphQL answer as it goes over the wire: `data` only when execution started (the
/// GraphQL specification leaves it out for errors raised before), `errors` and
/// `extensions` only when there are any.
#[derive(Serialize)]
pub struct Answer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a Value>,
    #[serde(skip_serializing_if = "<[ServerError]>::is_empty")]
    errors: &'a [ServerError],
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    extensions: &'a std::collections::BTreeMap<String, Value>,
    #[serde(skip)]
    ran: bool,
}

impl<'a> Answer<'a> {
    /// The wire form of an executed (or refused) request.
    pub fn of(response: &'a async_graphql::Response) -> Self {
        let ran = ran(response);
        Self {
            data: ran.then_some(&response.data),
            errors: &response.errors,
            extensions: &response.extensions,
            ran,
        }
    }

    /// Whether execution started (false for parse, validation and variable errors).
    pub fn ran(&self) -> bool {
        self.ran
    }
}

/// Whether a response comes from execution. Errors raised before it (the document does not
/// parse or validate, a variable does not fit, a limit refuses the document) carry no path
/// and leave no data; an error in execution carries the path of its field.
fn ran(response: &async_graphql::Response) -> bool {
    !(response.data == Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn negotiated(accept: Option<&str>) -> Option<ResponseMedia> {
        let mut request = TestRequest::post();
        if let Some(accept) = accept {
            request = request.insert_header((header::ACCEPT, accept));
        }
        negotiate(&request.to_http_request())
    }

    #[test]
    fn accept_headers_choose_the_media_type() {
        use ResponseMedia::*;
        assert_eq!(negotiated(None), Some(Json));
        assert_eq!(negotiated(Some("*/*")), Some(Json));
        assert_eq!(negotiated(Some("application/json")), Some(Json));
        assert_eq!(
            negotiated(Some(GRAPHQL_RESPONSE_JSON)),
            Some(GraphqlResponse)
        );
        assert_eq!(
            negotiated(Some(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Some(GraphqlResponse)
        );
        assert_eq!(
            negotiated(Some("application/json, application/graphql-response+json")),
            Some(GraphqlResponse)
        );
        assert_eq!(
            negotiated(Some(
                "application/graphql-response+json;q=0.5, application/json"
            )),
            Some(Json)
        );
        assert_eq!(negotiated(Some("text/html")), None);
        assert_eq!(negotiated(Some("application/json;q=0")), None);
        assert_eq!(
            negotiated(Some("text/html, */*;q=0.1")),
            Some(Json),
            "a browser's wildcard still gets JSON"
        );
    }
}
