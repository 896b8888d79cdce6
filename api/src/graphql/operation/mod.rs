//! Registered operations in GraphQL (admins): the documents partner apps in allow-list mode
//! may send, and that anyone may send by hash.

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::registered_operation;

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::ApiResult;
use crate::service;

/// A GraphQL document admins approved.
#[derive(SimpleObject)]
pub struct RegisteredOperation {
    /// The lower-case hex SHA-256 of the document: what clients send as
    /// `extensions.persistedQuery.sha256Hash`.
    pub sha256: String,
    pub name: Option<String>,
    pub document: String,
    pub created_at: DateTime<Utc>,
}

impl From<registered_operation::Model> for RegisteredOperation {
    fn from(m: registered_operation::Model) -> Self {
        Self {
            sha256: m.sha256,
            name: m.name,
            document: m.document,
            created_at: m.created_at,
        }
    }
}

#[derive(Default)]
pub struct OperationQuery;

#[Object]
impl OperationQuery {
    /// Every registered operation (admins).
    async fn registered_operations(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<RegisteredOperation>> {
        let app = AppContext::of(ctx)?;
        let operations = service::operation::list(&app.db, RequestMeta::of(ctx)).await?;
        Ok(operations.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct OperationMutation;

#[Object]
impl OperationMutation {
    /// Registers a document (admins). The same text registered twice is one operation; the
    /// name defaults to the document's operation name.
    async fn register_operation(
        &self,
        ctx: &Context<'_>,
        document: String,
        name: Option<String>,
    ) -> ApiResult<RegisteredOperation> {
        let app = AppContext::of(ctx)?;
        let registered = service::operation::register(
            &app.db,
            RequestMeta::of(ctx),
            &document,
            name.as_deref(),
            app.settings.queries.max_query_bytes,
        )
        .await?;
        Ok(registered.into())
    }

    /// Withdraws a registration (admins); allow-list apps can no longer send it.
    async fn unregister_operation(
        &self,
        ctx: &Context<'_>,
        sha256: String,
    ) -> ApiResult<RegisteredOperation> {
        let app = AppContext::of(ctx)?;
        let removed =
            service::operation::unregister(&app.db, RequestMeta::of(ctx), &sha256).await?;
        Ok(removed.into())
    }
}
