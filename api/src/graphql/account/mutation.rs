//! Signing in and out, and invitations.

use async_graphql::{Context, Object};

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::ApiResult;
use crate::graphql::account::types::{InvitationPayload, RoleGql, ScopeInput, SessionPayload};
use crate::graphql::relay::{NodeType, global_id};
use crate::service;

#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Signs in. Repeated failures lock the account and the caller's address for a while
    /// (`RATE_LIMITED` with `extensions.retryAfter`).
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        #[graphql(secret)] password: String,
    ) -> ApiResult<SessionPayload> {
        let app = AppContext::of(ctx)?;
        let meta = RequestMeta::of(ctx);
        Ok(
            service::session::login(&app.identity(), meta, &email, &password)
                .await?
                .into(),
        )
    }

    /// Trades a refresh token for a new session. Each refresh token works once; presenting
    /// a used one again ends the whole sign-in.
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(secret)] refresh_token: String,
    ) -> ApiResult<SessionPayload> {
        let app = AppContext::of(ctx)?;
        let meta = RequestMeta::of(ctx);
        let committed = service::session::refresh(&app.identity(), meta, &refresh_token).await?;
        Ok(app.effects.apply(committed).await?.into())
    }

    /// Signs out: ends the caller's sign-in and, if given, the one `refreshToken` belongs
    /// to. Its access and refresh tokens stop working at once.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        #[graphql(secret)] refresh_token: Option<String>,
    ) -> ApiResult<bool> {
        let app = AppContext::of(ctx)?;
        let meta = RequestMeta::of(ctx);
        let committed =
            service::session::logout(&app.identity(), meta, refresh_token.as_deref()).await?;
        Ok(app.effects.apply(committed).await)
    }

    /// Invites someone to a staff role (admins). The answer carries the invitation token,
    /// once; the invitee accepts it with `acceptInvitation`.
    async fn invite_user(
        &self,
        ctx: &Context<'_>,
        email: String,
        role: RoleGql,
        scope: Option<ScopeInput>,
    ) -> ApiResult<InvitationPayload> {
        let app = AppContext::of(ctx)?;
        let meta = RequestMeta::of(ctx);
        meta.viewer.admin()?;
        let scope = scope.unwrap_or_default().into_service()?;
        let issued =
            service::account::invite(&app.identity(), meta, &email, role.into(), scope).await?;
        Ok(InvitationPayload {
            id: global_id(NodeType::Invitation, issued.invitation.id),
            email: issued.invitation.email,
            role: issued.invitation.role.into(),
            expires_at: issued.invitation.expires_at,
            token: issued.token,
        })
    }

    /// Accepts an invitation: creates the account with the invited role and scope, sets its
    /// password and signs it in.
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(secret)] token: String,
        #[graphql(secret)] password: String,
        display_name: String,
    ) -> ApiResult<SessionPayload> {
        let app = AppContext::of(ctx)?;
        let meta = RequestMeta::of(ctx);
        Ok(service::account::accept_invitation(
            &app.identity(),
            meta,
            &token,
            &password,
            &display_name,
        )
        .await?
        .into())
    }
}
