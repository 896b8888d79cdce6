//! Partner apps' API keys in GraphQL (admins): list, create, revoke.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::api_client;

use crate::context::{AppContext, RequestMeta};
use crate::error::ApiResult;
use crate::graphql::relay::{NodeType, expect_global_id, global_id};
use crate::service;

/// A partner app that calls the API with a key.
#[derive(SimpleObject)]
pub struct ApiClient {
    pub id: ID,
    pub name: String,
    /// The first characters of the key, to tell keys apart.
    pub key_prefix: String,
    pub requests_per_minute: Option<i32>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl From<api_client::Model> for ApiClient {
    fn from(m: api_client::Model) -> Self {
        Self {
            id: global_id(NodeType::ApiClient, m.id),
            name: m.name,
            key_prefix: m.key_prefix,
            requests_per_minute: m.requests_per_minute,
            active: m.active,
            created_at: m.created_at,
        }
    }
}

/// A new client and its key; the key is shown only now (send it as `X-Api-Key`).
#[derive(SimpleObject)]
pub struct ApiClientKey {
    pub client: ApiClient,
    pub key: String,
}

#[derive(Default)]
pub struct ApiClientQuery;

#[Object]
impl ApiClientQuery {
    /// Every partner app with a key (admins).
    async fn api_clients(&self, ctx: &Context<'_>) -> ApiResult<Vec<ApiClient>> {
        let app = AppContext::of(ctx)?;
        let clients = service::api_client::list(&app.db, RequestMeta::of(ctx)).await?;
        Ok(clients.into_iter().map(ApiClient::from).collect())
    }
}

#[derive(Default)]
pub struct ApiClientMutation;

#[Object]
impl ApiClientMutation {
    /// Registers a partner app and hands out its key (admins).
    async fn create_api_client(
        &self,
        ctx: &Context<'_>,
        name: String,
        requests_per_minute: Option<i32>,
    ) -> ApiResult<ApiClientKey> {
        let app = AppContext::of(ctx)?;
        let issued =
            service::api_client::create(&app.db, RequestMeta::of(ctx), &name, requests_per_minute)
                .await?;
        Ok(ApiClientKey {
            client: issued.client.into(),
            key: issued.key,
        })
    }

    /// Revokes a partner app's key (admins); requests with it are refused from then on.
    async fn revoke_api_client(&self, ctx: &Context<'_>, id: ID) -> ApiResult<ApiClient> {
        let app = AppContext::of(ctx)?;
        let meta = RequestMeta::of(ctx);
        meta.viewer.admin()?;
        let id = expect_global_id(&id, NodeType::ApiClient)?;
        Ok(service::api_client::revoke(&app.db, meta, id).await?.into())
    }
}
