//! `me`: who the caller is.

use async_graphql::{Context, Object};

use crate::auth::RequestMeta;
use crate::error::ApiResult;
use crate::graphql::account::types::Me;

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The signed-in viewer: account, role and scope. `UNAUTHENTICATED` without a token.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Me> {
        RequestMeta::of(ctx).viewer.staff()?;
        Ok(Me)
    }
}
