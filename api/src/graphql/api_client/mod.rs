//! Partner apps' API keys in GraphQL (admins): list, create, revoke.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::api_client;

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::ApiResult;
use crate::graphql::relay::{NodeType, expect_global_id, global_id};
use crate::service;

/// A partner app that calls the API with a key.
#[derive(SimpleObject)]
pub struct ApiClient {
    #[graphql(owned)]
    pub id: ID,
    pub name: String,
    /// The first characters of the key, to tell keys apart.
    pub key_prefix: String,
    pub requests_per_minute: Option<i32>,
    /// Whether the app may send registered operations only.
    pub allow_list_only: bool,
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
            allow_list_only: m.allow_list_only,
            active: m.active,
            created_at: m.created_at,
        }
    }
}

/// Settings of a partner app; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateApiClientInput {
    /// The app's own rate limit; `null` returns it to the platform's default.
    pub requests_per_minute: MaybeUndefined<i32>,
    /// Accept only registered operations from this app.
    pub allow_list_only: Option<bool>,
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

    /// Changes a partner app's rate limit or allow-list mode (admins).
    async fn update_api_client(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateApiClientInput,
    ) -> ApiResult<ApiClient> {
        let app = AppContext::of(ctx)?;
        let meta = RequestMeta::of(ctx);
        meta.viewer.admin()?;
        let id = expect_global_id(&id, NodeType::ApiClient)?;
        let changes = service::api_client::ClientChanges {
            requests_per_minute: match input.requests_per_minute {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(limit) => Some(Some(limit)),
            },
            allow_list_only: input.allow_list_only,
        };
        Ok(service::api_client::update(&app.db, meta, id, &changes)
            .await?
            .into())
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
