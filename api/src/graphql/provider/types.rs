//! The `Provider` type.

use async_graphql::{Context, Enum, ID, Object};
use entity::provider;

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::ApiResult;
use crate::graphql::account::Account;
use crate::graphql::loader::Loaders;
use crate::graphql::locale::Lang;
use crate::graphql::offer::input::OfferOrder;
use crate::graphql::offer::{Offer, offer_connection};
use crate::graphql::region::Region;
use crate::graphql::relay::{NodeType, RelayConnection, global_id, page_args};
use crate::service;
use crate::service::offer::OfferFilter;

/// What kind of organisation a provider is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "ProviderKind", remote = "entity::types::ProviderKind")]
pub enum ProviderKindGql {
    Ngo,
    School,
    Municipality,
    Canton,
    ReligiousCommunity,
    Company,
    Other,
}

/// An organisation that runs offers (public profile).
pub struct Provider {
    pub model: provider::Model,
    pub lang: Lang,
}

#[Object]
impl Provider {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::Provider, self.model.id)
    }

    /// Short, stable name for URLs.
    async fn slug(&self) -> &str {
        &self.model.slug
    }

    /// The organisation's name.
    async fn name(&self) -> &str {
        &self.model.name
    }

    /// What kind of organisation it is.
    async fn kind(&self) -> ProviderKindGql {
        self.model.kind.into()
    }

    /// Public e-mail address.
    async fn email(&self) -> Option<&str> {
        self.model.email.as_deref()
    }

    /// Public phone number.
    async fn phone(&self) -> Option<&str> {
        self.model.phone.as_deref()
    }

    /// Web site.
    async fn website(&self) -> Option<&str> {
        self.model.website.as_deref()
    }

    /// Checked by the canton.
    async fn verified(&self) -> bool {
        self.model.verified
    }

    /// What the organisation does, in the reader's language (with fallback).
    async fn description(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        Ok(self.description_and_locale(ctx).await?.map(|d| d.0))
    }

    /// `description` rendered as safe HTML (paragraphs, lists, emphasis, links).
    async fn description_html(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        Ok(self
            .description_and_locale(ctx)
            .await?
            .map(|d| service::markdown::to_html(&d.0)))
    }

    /// The locale of `description`.
    async fn served_locale(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        Ok(self.description_and_locale(ctx).await?.map(|d| d.1))
    }

    /// Where the organisation is based.
    async fn municipality(&self, ctx: &Context<'_>) -> ApiResult<Option<Region>> {
        let Some(id) = self.model.municipality_id else {
            return Ok(None);
        };
        let model = Loaders::of(ctx)?.region().load_one(id).await?;
        Ok(model.map(|m| Region::new(m, self.lang.clone())))
    }

    /// The provider's offers the caller may see.
    #[graphql(complexity = "crate::graphql::relay::page_cost(first, last, child_complexity)")]
    async fn offers(
        &self,
        ctx: &Context<'_>,
        order_by: Option<OfferOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<RelayConnection<Offer>> {
        let args = page_args(ctx, first, after, last, before)?;
        let filter = OfferFilter {
            provider_ids: vec![self.model.id],
            ..OfferFilter::default()
        };
        let order = order_by.unwrap_or_default();
        offer_connection(ctx, &filter, order, &args, self.lang.clone()).await
    }

    /// Whether editors of this provider publish without review (set by admins).
    async fn trusted(&self) -> bool {
        self.model.trusted
    }

    /// Version for optimistic locking (`updateProvider(expectedVersion)`).
    async fn version(&self) -> i32 {
        self.model.version
    }

    /// The accounts that edit this provider's offers; null for everyone but those editors
    /// and admins.
    async fn members(&self, ctx: &Context<'_>) -> ApiResult<Option<Vec<Account>>> {
        if !RequestMeta::of(ctx).viewer.edits_provider(self.model.id) {
            return Ok(None);
        }
        let app = AppContext::of(ctx)?;
        let members = service::account::members_of_provider(&app.db, self.model.id).await?;
        Ok(Some(members.into_iter().map(Account).collect()))
    }
}

impl Provider {
    pub fn new(model: provider::Model, lang: Lang) -> Self {
        Self { model, lang }
    }

    async fn description_and_locale(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<(String, String)>> {
        let all = Loaders::of(ctx)?
            .provider_translations()
            .load_one(self.model.id)
            .await?
            .unwrap_or_default();
        Ok(self
            .lang
            .pick(&all, |t| &t.locale, Some(&self.model.default_locale))
            .map(|t| (t.description.clone(), t.locale.clone())))
    }
}
