//! The one error type of the API, with stable codes that clients can rely on.
//!
//! Internal failures (database, I/O) are logged with their detail where they happen to be
//! turned into an [`ApiError`] and reach clients only as `INTERNAL_SERVER_ERROR` or
//! `SERVICE_UNAVAILABLE`, never with SQL or a message from inside. Resolvers return
//! `ApiResult`; the GraphQL layer finds the `ApiError` behind each error and writes its code
//! (see `graphql::extensions::errors`), so no resolver can forget to.

mod code;

use std::panic::Location;
use std::sync::Arc;

use async_graphql::indexmap::IndexMap;
use async_graphql::{ErrorExtensionValues, Name, ServerError, Value};
use sea_orm::DbErr;

pub use code::Code;

impl Code {
    /// A GraphQL error with this code, for refusals raised outside resolvers (the query
    /// limits, the WebSocket's gate).
    pub fn server_error(self, message: impl Into<String>) -> ServerError {
        let mut error = ServerError::new(message, None);
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", self.as_str());
        error
    }
}

/// One invalid field of an input, reported with all the others at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Every error a client can see.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadUserInput {
        message: String,
        fields: Vec<FieldError>,
    },
    #[error("authentication required")]
    Unauthenticated,
    /// A sign-in with a wrong e-mail address or password (which of the two is not said).
    #[error("wrong e-mail address or password")]
    BadCredentials,
    /// A refresh or invitation token that is unknown, used, revoked or expired.
    #[error("the {0} is invalid or has expired")]
    InvalidToken(&'static str),
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    #[error("not allowed")]
    Forbidden,
    /// Not allowed, with the rule in words (e.g. a setting only administrators change).
    #[error("{0}")]
    NotAllowed(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("the service is temporarily unavailable")]
    ServiceUnavailable,
    /// A failure inside; what failed and where stays in the server log.
    #[error("internal server error")]
    Internal(Fault),
}

/// What failed inside and where the error was made: written to the server log once, where
/// the error leaves the API (with the request's id, from its span), never sent to clients.
#[derive(Debug, Clone)]
pub struct Fault {
    cause: Arc<str>,
    at: &'static Location<'static>,
}

impl Fault {
    /// Writes the fault to the log.
    pub fn log(&self) {
        tracing::error!(cause = %self.cause, at = %self.at, "internal error");
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at {})", self.cause, self.at)
    }
}

impl ApiError {
    /// An internal failure: `cause` says what failed (for the log; never personal data),
    /// and the caller's place in the source is kept beside it.
    #[track_caller]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(Fault {
            cause: cause.to_string().into(),
            at: Location::caller(),
        })
    }

    /// The error as the server log or a command's output says it: an internal failure with
    /// what failed and where, any other error as clients read it.
    pub fn detail(&self) -> String {
        match self {
            Self::Internal(fault) => format!("internal error: {fault}"),
            other => other.to_string(),
        }
    }

    /// Logs what an internal failure was; other errors are the client's and not logged.
    pub fn log_if_internal(&self) {
        if let Self::Internal(fault) = self {
            fault.log();
        }
    }

    /// A bad input with one message and no field list.
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::BadUserInput {
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// A bad input listing every invalid field.
    pub fn invalid_fields(fields: Vec<FieldError>) -> Self {
        let message = match fields.as_slice() {
            [one] => format!("invalid input: {}: {}", one.field, one.message),
            _ => format!("invalid input in {} fields", fields.len()),
        };
        Self::BadUserInput { message, fields }
    }

    /// The stable code sent in `extensions.code`.
    pub fn code(&self) -> Code {
        match self {
            Self::BadUserInput { .. } => Code::BadUserInput,
            Self::Unauthenticated | Self::BadCredentials | Self::InvalidToken(_) => {
                Code::Unauthenticated
            }
            Self::RateLimited { .. } => Code::RateLimited,
            Self::Forbidden | Self::NotAllowed(_) => Code::Forbidden,
            Self::NotFound(_) => Code::NotFound,
            Self::Conflict(_) => Code::Conflict,
            Self::ServiceUnavailable => Code::ServiceUnavailable,
            Self::Internal(_) => Code::InternalServerError,
        }
    }
}

impl From<DbErr> for ApiError {
    #[track_caller]
    fn from(err: DbErr) -> Self {
        if is_connection_error(&err) {
            tracing::error!(error = %err, "database unavailable");
            Self::ServiceUnavailable
        } else if let Some(code) = refused_value(&err) {
            // Input the checks should have refused first; a client error all the same. The
            // database's message names the row's values, so only its code is logged.
            tracing::warn!(
                sqlstate = code,
                "the database refused a value the checks let through"
            );
            Self::bad_input("invalid input: a value lies outside what it may be")
        } else {
            Self::internal(format_args!("database: {err}"))
        }
    }
}

/// The code of a database error that a client's value caused: a `CHECK` constraint
/// (PostgreSQL 23514, SQLite 275) or a character the database cannot store (PostgreSQL
/// 22021, 22P05).
fn refused_value(err: &DbErr) -> Option<String> {
    let (DbErr::Exec(runtime) | DbErr::Query(runtime)) = err else {
        return None;
    };
    let sea_orm::RuntimeErr::SqlxError(sqlx) = runtime else {
        return None;
    };
    let code = sqlx.as_database_error()?.code()?.into_owned();
    ["23514", "275", "22021", "22P05"]
        .contains(&code.as_str())
        .then_some(code)
}

/// Whether the database could not be reached at all (as opposed to refusing a statement).
fn is_connection_error(err: &DbErr) -> bool {
    matches!(err, DbErr::ConnectionAcquire(_) | DbErr::Conn(_))
}

impl ApiError {
    /// Writes `code` (and `fields` for bad input) into a GraphQL error's extensions.
    pub fn write_extensions(&self, ext: &mut ErrorExtensionValues) {
        ext.set("code", self.code().as_str());
        if let Self::RateLimited { retry_after_secs } = self {
            ext.set("retryAfter", *retry_after_secs);
        }
        if let Self::BadUserInput { fields, .. } = self
            && !fields.is_empty()
        {
            let list = fields
                .iter()
                .map(|f| {
                    let mut item = IndexMap::new();
                    item.insert(Name::new("field"), Value::String(f.field.clone()));
                    item.insert(Name::new("message"), Value::String(f.message.clone()));
                    Value::Object(item)
                })
                .collect();
            ext.set("fields", Value::List(list));
        }
    }
}

/// Result type of services and resolvers.
pub type ApiResult<T> = Result<T, ApiError>;
