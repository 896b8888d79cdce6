//! `offers` and `offer`, as the public sees them.

use async_graphql::{Context, ID, Object};

use crate::context::AppContext;
use crate::error::ApiResult;
use crate::graphql::locale::Lang;
use crate::graphql::offer::Offer;
use crate::graphql::relay::{NodeType, RelayConnection, connection, expect_global_id};
use crate::service;
use crate::service::page::PageArgs;

#[derive(Default)]
pub struct OfferQuery;

#[Object]
impl OfferQuery {
    /// Published, current offers.
    async fn offers(
        &self,
        ctx: &Context<'_>,
        locale: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<RelayConnection<Offer>> {
        let app = AppContext::of(ctx)?;
        let args = PageArgs::new(first, after, last, before, app.settings.max_page_size)?;
        let lang = Lang::resolve(ctx, locale.as_deref());
        let page = service::offer::list_public(&app.db, &args).await?;
        Ok(connection(page, |m| Offer::new(m, lang.clone())))
    }

    /// One offer. Offers the caller may not see are not found.
    async fn offer(
        &self,
        ctx: &Context<'_>,
        id: ID,
        locale: Option<String>,
    ) -> ApiResult<Option<Offer>> {
        let app = AppContext::of(ctx)?;
        let id = expect_global_id(&id, NodeType::Offer)?;
        let lang = Lang::resolve(ctx, locale.as_deref());
        Ok(service::offer::public_by_id(&app.db, id)
            .await?
            .map(|m| Offer::new(m, lang)))
    }
}
