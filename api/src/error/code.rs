//! The closed set of codes a client finds in `extensions.code`, each with the HTTP status an
//! HTTP-level refusal with it carries and what it means. The README's error table is checked
//! against this list by a test, so the two cannot drift apart.
//!
//! A GraphQL answer whose execution started travels with 200 whatever its errors' codes, as
//! GraphQL over HTTP says; the status here is that of a refusal before execution (and of
//! answers in `application/graphql-response+json` that never ran: 400).

use actix_web::http::StatusCode;

/// An error code of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    BadUserInput,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    RateLimited,
    QueryTooComplex,
    PersistedQueryNotFound,
    PersistedQueryNotSupported,
    OperationNotRegistered,
    ServiceUnavailable,
    InternalServerError,
}

impl Code {
    /// Every code, in the order the README lists them.
    pub const ALL: [Self; 12] = [
        Self::BadUserInput,
        Self::Unauthenticated,
        Self::Forbidden,
        Self::NotFound,
        Self::Conflict,
        Self::RateLimited,
        Self::QueryTooComplex,
        Self::PersistedQueryNotFound,
        Self::PersistedQueryNotSupported,
        Self::OperationNotRegistered,
        Self::ServiceUnavailable,
        Self::InternalServerError,
    ];

    /// The code as it goes over the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::Conflict => "CONFLICT",
            Self::RateLimited => "RATE_LIMITED",
            Self::QueryTooComplex => "QUERY_TOO_COMPLEX",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::PersistedQueryNotSupported => "PERSISTED_QUERY_NOT_SUPPORTED",
            Self::OperationNotRegistered => "OPERATION_NOT_REGISTERED",
            Self::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            Self::InternalServerError => "INTERNAL_SERVER_ERROR",
        }
    }

    /// The status of an HTTP-level refusal with this code. Refusals about the request's
    /// form rather than its content keep HTTP's own status beside the code (405 for a
    /// mutation sent by `GET`, 406, 413 for a body or query text over the limit, 415).
    pub fn status(self) -> StatusCode {
        match self {
            Self::BadUserInput | Self::QueryTooComplex | Self::PersistedQueryNotSupported => {
                StatusCode::BAD_REQUEST
            }
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::OperationNotRegistered => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict => StatusCode::CONFLICT,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            // Apollo's protocol: the request was well formed, the server only lacks the text.
            Self::PersistedQueryNotFound => StatusCode::OK,
            Self::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::InternalServerError => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the code tells a client, and what to do about it.
    pub fn description(self) -> &'static str {
        match self {
            Self::BadUserInput => {
                "the request or an input is invalid; `extensions.fields` lists every invalid field"
            }
            Self::Unauthenticated => "no valid token, or a wrong sign-in: sign in (again)",
            Self::Forbidden => "signed in, but not allowed to do this",
            Self::NotFound => "no such record, or none the caller may see",
            Self::Conflict => {
                "the record changed since it was read (`expectedVersion`), or the change contradicts its state"
            }
            Self::RateLimited => {
                "too many requests: `extensions.retryAfter` and `Retry-After` say when to try again"
            }
            Self::QueryTooComplex => {
                "the document is over a limit (cost, depth, aliases, directives, size); `extensions` names the measure and the limit"
            }
            Self::PersistedQueryNotFound => {
                "the hash is not known (yet): send the query text with it"
            }
            Self::PersistedQueryNotSupported => {
                "automatic persisted queries are off, or the extension's version is not 1"
            }
            Self::OperationNotRegistered => "this API key may send registered operations only",
            Self::ServiceUnavailable => {
                "a dependency (database, Redis) cannot be reached: try again shortly"
            }
            Self::InternalServerError => {
                "an unexpected failure; the server log has the detail under the request id"
            }
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's table: one row per code, with its status and meaning.
    #[test]
    fn the_readme_lists_every_code_with_its_status_and_meaning() {
        let readme = include_str!("../../../README.md");
        let rows: Vec<&str> = readme
            .lines()
            .skip_while(|line| *line != "| code | status | meaning |")
            .skip(2)
            .take_while(|line| line.starts_with('|'))
            .collect();
        let expected: Vec<String> = Code::ALL
            .iter()
            .map(|code| {
                format!(
                    "| `{}` | {} | {} |",
                    code.as_str(),
                    code.status().as_u16(),
                    code.description()
                )
            })
            .collect();
        assert_eq!(rows, expected, "the README's error table");
    }
}
