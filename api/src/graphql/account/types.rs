//! The `Account`, `Viewer` and session types.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::user_account;

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::graphql::loader::Loaders;
use crate::graphql::locale::Lang;
use crate::graphql::offer::input::ids;
use crate::graphql::provider::Provider;
use crate::graphql::region::Region;
use crate::graphql::relay::{NodeType, global_id};
use crate::service;
use crate::service::account::Scope;
use crate::service::session::Session;

/// A staff role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "Role", remote = "entity::types::Role")]
pub enum RoleGql {
    /// The canton: everything.
    Admin,
    /// Runs mentoring pools of some regions.
    Coordinator,
    /// Maintains the offers of some providers.
    ProviderEditor,
}

/// A staff account.
pub struct Account(pub user_account::Model);

#[Object]
impl Account {
    pub async fn id(&self) -> ID {
        global_id(NodeType::Account, self.0.id)
    }

    async fn email(&self) -> &str {
        &self.0.email
    }

    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    async fn role(&self) -> RoleGql {
        self.0.role.into()
    }

    async fn last_login_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_login_at
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The providers, regions and pools the account acts on.
    async fn scope(&self, ctx: &Context<'_>) -> ApiResult<AccountScope> {
        let app = AppContext::of(ctx)?;
        Ok(AccountScope(
            service::account::scope_of(&app.db, self.0.id).await?,
        ))
    }
}

/// What an account acts on.
pub struct AccountScope(pub Scope);

#[Object]
impl AccountScope {
    /// Providers whose offers the account edits.
    async fn providers(&self, ctx: &Context<'_>) -> ApiResult<Vec<Provider>> {
        let lang = Lang::resolve(ctx, None);
        let found = Loaders::of(ctx)?
            .provider()
            .load_many(self.0.provider_ids.iter().copied())
            .await?;
        Ok(self
            .0
            .provider_ids
            .iter()
            .filter_map(|id| found.get(id).cloned())
            .map(|m| Provider::new(m, lang.clone()))
            .collect())
    }

    /// Regions the account coordinates.
    async fn regions(&self, ctx: &Context<'_>) -> ApiResult<Vec<Region>> {
        let lang = Lang::resolve(ctx, None);
        let found = Loaders::of(ctx)?
            .region()
            .load_many(self.0.region_ids.iter().copied())
            .await?;
        Ok(self
            .0
            .region_ids
            .iter()
            .filter_map(|id| found.get(id).cloned())
            .map(|m| Region::new(m, lang.clone()))
            .collect())
    }

    /// Global ids of the mentoring pools the account coordinates.
    async fn pool_ids(&self) -> Vec<ID> {
        self.0
            .pool_ids
            .iter()
            .map(|id| global_id(NodeType::MentoringPool, *id))
            .collect()
    }
}

/// A signed-in session: a short-lived access token (send it as `Authorization: Bearer …`)
/// and a refresh token that buys the next one (`refreshSession`; each works once).
#[derive(SimpleObject)]
pub struct SessionPayload {
    pub access_token: String,
    pub access_token_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub refresh_token_expires_at: DateTime<Utc>,
    pub account: Account,
}

impl From<Session> for SessionPayload {
    fn from(session: Session) -> Self {
        Self {
            access_token: session.access.token,
            access_token_expires_at: session.access.expires_at,
            refresh_token: session.refresh_token,
            refresh_token_expires_at: session.refresh_expires_at,
            account: Account(session.account),
        }
    }
}

/// What a new account may act on: providers for editors, mentoring pools or regions for
/// coordinators, nothing for admins.
#[derive(Debug, Clone, Default, InputObject)]
pub struct ScopeInput {
    pub provider_ids: Option<Vec<ID>>,
    pub region_ids: Option<Vec<ID>>,
    pub pool_ids: Option<Vec<ID>>,
}

impl ScopeInput {
    /// The service scope; every unreadable id is reported.
    pub fn into_service(self) -> ApiResult<Scope> {
        let mut errors: Vec<FieldError> = Vec::new();
        let scope = Scope {
            provider_ids: ids(
                self.provider_ids,
                NodeType::Provider,
                "scope.providerIds",
                &mut errors,
            ),
            region_ids: ids(
                self.region_ids,
                NodeType::Region,
                "scope.regionIds",
                &mut errors,
            ),
            pool_ids: ids(
                self.pool_ids,
                NodeType::MentoringPool,
                "scope.poolIds",
                &mut errors,
            ),
        };
        if errors.is_empty() {
            Ok(scope)
        } else {
            Err(ApiError::invalid_fields(errors))
        }
    }
}

/// An invitation just made: hand `token` to the invitee (it is shown only now).
#[derive(SimpleObject)]
pub struct InvitationPayload {
    pub id: ID,
    pub email: String,
    pub role: RoleGql,
    pub expires_at: DateTime<Utc>,
    /// The secret the invitee passes to `acceptInvitation`.
    pub token: String,
}

/// The signed-in viewer.
pub struct Me;

#[Object]
impl Me {
    /// The viewer's account.
    async fn account(&self, ctx: &Context<'_>) -> ApiResult<Account> {
        let app = AppContext::of(ctx)?;
        let staff = RequestMeta::of(ctx).viewer.staff()?;
        service::account::by_id(&app.db, staff.account_id)
            .await?
            .map(Account)
            .ok_or(ApiError::Unauthenticated)
    }

    async fn role(&self, ctx: &Context<'_>) -> ApiResult<RoleGql> {
        Ok(RequestMeta::of(ctx).viewer.staff()?.role.into())
    }

    /// The partner app the request came through, when it sent an API key.
    async fn client_name(&self, ctx: &Context<'_>) -> Option<String> {
        RequestMeta::of(ctx).client.as_ref().map(|c| c.name.clone())
    }
}
