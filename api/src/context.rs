//! Shared application state, handed to every resolver through the schema's data.

use std::sync::Arc;

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use crate::config::Settings;
use crate::error::{ApiError, ApiResult};

/// What every request can reach: the database pool and the settings.
#[derive(Clone)]
pub struct AppContext {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
}

impl AppContext {
    pub fn new(db: DatabaseConnection, settings: Settings) -> Self {
        Self {
            db,
            settings: Arc::new(settings),
        }
    }

    /// The application context of a resolver.
    pub fn of<'a>(ctx: &'a Context<'_>) -> ApiResult<&'a Self> {
        ctx.data_opt::<Self>().ok_or_else(|| {
            tracing::error!("schema was built without the application context");
            ApiError::Internal
        })
    }
}
