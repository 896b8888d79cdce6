//! The offer mutations: create, update, and the publishing workflow.

use async_graphql::{Context, ID, Object};

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::ApiResult;
use crate::graphql::locale::Lang;
use crate::graphql::offer::Offer;
use crate::graphql::offer::edit_input::{CreateOfferInput, UpdateOfferInput};
use crate::graphql::relay::{NodeType, expect_global_id};
use crate::service::offer::write::{self, Transition};

#[derive(Default)]
pub struct OfferMutation;

async fn step(ctx: &Context<'_>, id: ID, step: Transition) -> ApiResult<Offer> {
    let app = AppContext::of(ctx)?;
    let meta = RequestMeta::of(ctx);
    meta.viewer.staff()?;
    let id = expect_global_id(&id, NodeType::Offer)?;
    let written = write::transition(&app.db, meta, id, step).await?;
    let model = app.effects.apply(written).await;
    Ok(Offer::new(model, Lang::resolve(ctx, None)))
}

#[Object]
impl OfferMutation {
    /// Creates an offer as a draft (the provider's editors, admins). Every invalid field is
    /// listed in `extensions.fields`.
    async fn create_offer(&self, ctx: &Context<'_>, input: CreateOfferInput) -> ApiResult<Offer> {
        let app = AppContext::of(ctx)?;
        let meta = RequestMeta::of(ctx);
        meta.viewer.staff()?;
        let (provider_id, draft) = input.into_service()?;
        let written = write::create(&app.db, meta, provider_id, draft).await?;
        let model = app.effects.apply(written).await;
        Ok(Offer::new(model, Lang::resolve(ctx, None)))
    }

    /// Changes an offer. `expectedVersion` is the `version` the change starts from; if the
    /// offer changed since, the answer is `CONFLICT` and nothing changes.
    async fn update_offer(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateOfferInput,
        expected_version: i32,
    ) -> ApiResult<Offer> {
        let app = AppContext::of(ctx)?;
        let meta = RequestMeta::of(ctx);
        meta.viewer.staff()?;
        let id = expect_global_id(&id, NodeType::Offer)?;
        let patch = input.into_service()?;
        let written = write::update(&app.db, meta, id, expected_version, patch).await?;
        let model = app.effects.apply(written).await;
        Ok(Offer::new(model, Lang::resolve(ctx, None)))
    }

    /// Asks for review (from draft; also reopens an archived offer).
    async fn submit_offer(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Offer> {
        step(ctx, id, Transition::Submit).await
    }

    /// Publishes an offer (admins, or editors of a trusted provider).
    async fn publish_offer(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Offer> {
        step(ctx, id, Transition::Publish).await
    }

    /// Sends an offer in review back to its editors with a reason (admins, or editors of a
    /// trusted provider).
    async fn reject_offer(&self, ctx: &Context<'_>, id: ID, reason: String) -> ApiResult<Offer> {
        step(ctx, id, Transition::Reject { reason }).await
    }

    /// Takes an offer out of the catalogue.
    async fn archive_offer(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Offer> {
        step(ctx, id, Transition::Archive).await
    }
}
