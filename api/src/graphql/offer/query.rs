//! `offers`, `offer` and `offerTombstones`.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::{ApiError, ApiResult};
use crate::graphql::locale::Lang;
use crate::graphql::offer::Offer;
use crate::graphql::offer::input::{OfferFilterInput, OfferOrder};
use crate::graphql::prefetch;
use crate::graphql::relay::{
    NodeType, RelayConnection, connection, expect_global_id, global_id, page_args,
};
use crate::service;
use crate::service::offer::{Audience, OfferFilter, RemovalReason};
use crate::service::page::PageArgs;

#[derive(Default)]
pub struct OfferQuery;

/// Why an offer left the public view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "OfferRemovalReason")]
pub enum OfferRemovalReasonGql {
    Archived,
    Unpublished,
    Expired,
}

/// An offer an offline app should drop.
#[derive(Debug, Clone, SimpleObject)]
pub struct OfferTombstone {
    /// The global id of the offer.
    pub id: ID,
    pub removed_at: DateTime<Utc>,
    pub reason: OfferRemovalReasonGql,
}

#[Object]
impl OfferQuery {
    /// Offers matching a filter. Anonymous callers see published, current offers.
    #[graphql(complexity = "crate::graphql::relay::page_cost(first, last, child_complexity)")]
    async fn offers(
        &self,
        ctx: &Context<'_>,
        filter: Option<OfferFilterInput>,
        order_by: Option<OfferOrder>,
        locale: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<RelayConnection<Offer>> {
        let args = page_args(ctx, first, after, last, before)?;
        let filter = filter.unwrap_or_default().into_service()?;
        let lang = Lang::resolve(ctx, locale.as_deref());
        offer_connection(ctx, &filter, order_by.unwrap_or_default(), &args, lang).await
    }

    /// One offer. Offers the caller may not see answer `NOT_FOUND`, like offers that do not
    /// exist, so their existence does not leak.
    async fn offer(
        &self,
        ctx: &Context<'_>,
        id: ID,
        locale: Option<String>,
    ) -> ApiResult<Option<Offer>> {
        let app = AppContext::of(ctx)?;
        let id = expect_global_id(&id, NodeType::Offer)?;
        let lang = Lang::resolve(ctx, locale.as_deref());
        let model = service::offer::by_id(&app.db, &Audience::of(&RequestMeta::of(ctx).viewer), id)
            .await?
            .ok_or(ApiError::NotFound("offer"))?;
        Ok(Some(Offer::new(model, lang)))
    }

    /// Offers that left the public view (archived, unpublished, expired) at or after `since`:
    /// with `offers(filter: { updatedSince })` this is all an offline app needs to sync.
    #[graphql(complexity = "crate::graphql::relay::page_cost(first, None, child_complexity)")]
    async fn offer_tombstones(
        &self,
        ctx: &Context<'_>,
        since: DateTime<Utc>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<RelayConnection<OfferTombstone>> {
        let app = AppContext::of(ctx)?;
        let args = page_args(ctx, first, after, None, None)?;
        let page = service::offer::tombstones(&app.db, since, &args).await?;
        Ok(connection(page, |t| OfferTombstone {
            id: global_id(NodeType::Offer, t.offer_id),
            removed_at: t.removed_at,
            reason: match t.reason {
                RemovalReason::Archived => OfferRemovalReasonGql::Archived,
                RemovalReason::Unpublished => OfferRemovalReasonGql::Unpublished,
                RemovalReason::Expired => OfferRemovalReasonGql::Expired,
            },
        }))
    }
}

/// A page of offers as a connection, with the parts the query selects prefetched.
pub async fn offer_connection(
    ctx: &Context<'_>,
    filter: &OfferFilter,
    order: OfferOrder,
    args: &PageArgs,
    lang: Lang,
) -> ApiResult<RelayConnection<Offer>> {
    let app = AppContext::of(ctx)?;
    let audience = Audience::of(&RequestMeta::of(ctx).viewer);
    // Public totals are remembered per data version; asking for the version costs a Redis
    // round trip where Redis is shared, so only when a total is wanted.
    let version = match audience {
        Audience::Public if args.count_total => app.responses.version().await,
        _ => None,
    };
    let page = service::offer::list(
        &app.db,
        &audience,
        filter,
        order.into_service(),
        args,
        version.map(|v| app.counts.at(v)),
    )
    .await?;
    prefetch::offer_page(ctx, &page.models()).await?;
    Ok(connection(page, |m| Offer::new(m, lang.clone())))
}
