//! Why starting the server or running a command failed: the one error type of start-up
//! (opening the database and the search index, loading keys and data, listening), printed
//! as one line before the process exits with code 1.

use std::sync::Arc;

use crate::cache::redis_store::RedisStore;
use crate::config::Settings;
use crate::error::ApiError;

/// Why a command or the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] crate::db::DbOpenError),
    #[error("{0}")]
    Data(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Keys(#[from] crate::auth::keys::KeyError),
}

impl From<ApiError> for StartError {
    fn from(err: ApiError) -> Self {
        match err {
            ApiError::BadUserInput { message, fields } if !fields.is_empty() => {
                let details: Vec<String> = fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect();
                Self::Data(format!("{message}: {}", details.join("; ")))
            }
            other => Self::Data(other.detail()),
        }
    }
}

/// The Redis store `REDIS_URL` names, if any (nothing is sent until it is used).
pub fn open_redis(settings: &Settings) -> Result<Option<Arc<RedisStore>>, StartError> {
    RedisStore::configured(&settings.caches)
        .map_err(|err| StartError::Data(format!("bad REDIS_URL: {err}")))
}
