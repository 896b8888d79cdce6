//! Refusals of a request before it runs, in GraphQL's error shape: the code's status (or
//! HTTP's own for the request's form), the code and message, and the request's id.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde_json::json;

use crate::error::{ApiError, Code};

/// A refusal before the request ran: the code's status, and the code and message in
/// GraphQL's error shape.
pub fn refusal(code: Code, message: &str) -> HttpResponse {
    refusal_as(code.status(), code, message)
}

/// A refusal about the request's form, with HTTP's own status for it (405, 406, 408, 413,
/// 415) beside the code.
pub fn refusal_as(status: StatusCode, code: Code, message: &str) -> HttpResponse {
    let mut extensions = json!({ "code": code.as_str() });
    // The id ties the refusal a user reports to the server's log lines, as for every error.
    if let Some(id) = super::observe::current_request_id() {
        extensions["requestId"] = json!(id);
    }
    HttpResponse::build(status).json(json!({
        "errors": [{ "message": message, "extensions": extensions }]
    }))
}

/// The refusal of an error met before the request could run (the caller's token could
/// not be checked, a registered operation not read): its code, status and message.
pub fn refusal_for(error: &ApiError) -> HttpResponse {
    error.log_if_internal();
    refusal(error.code(), &error.to_string())
}
