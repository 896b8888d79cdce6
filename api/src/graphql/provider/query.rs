//! `providers` and `provider`.

use async_graphql::{Context, ID, InputObject, Object};

use crate::context::AppContext;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::graphql::locale::Lang;
use crate::graphql::prefetch;
use crate::graphql::provider::Provider;
use crate::graphql::provider::types::ProviderKindGql;
use crate::graphql::relay::{NodeType, RelayConnection, connection, expect_global_id, page_args};
use crate::service;
use crate::service::provider::ProviderFilter;

/// Which providers to list.
#[derive(Debug, Clone, Default, InputObject)]
#[graphql(name = "ProviderFilter")]
pub struct ProviderFilterInput {
    pub kinds: Option<Vec<ProviderKindGql>>,
    /// Providers based in these regions or anywhere inside them.
    pub region_ids: Option<Vec<ID>>,
    /// Part of the name, in any case.
    pub name_contains: Option<String>,
}

#[derive(Default)]
pub struct ProviderQuery;

#[Object]
impl ProviderQuery {
    /// Providers sorted by name.
    #[graphql(complexity = "crate::graphql::relay::page_cost(first, last, child_complexity)")]
    async fn providers(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProviderFilterInput>,
        locale: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<RelayConnection<Provider>> {
        let app = AppContext::of(ctx)?;
        let args = page_args(ctx, first, after, last, before)?;
        let input = filter.unwrap_or_default();
        let mut errors = Vec::new();
        let mut region_ids = Vec::new();
        for (i, id) in input.region_ids.unwrap_or_default().iter().enumerate() {
            match expect_global_id(id, NodeType::Region) {
                Ok(uuid) => region_ids.push(uuid),
                Err(err) => errors.push(FieldError::new(
                    format!("filter.regionIds[{i}]"),
                    err.to_string(),
                )),
            }
        }
        if !errors.is_empty() {
            return Err(ApiError::invalid_fields(errors));
        }
        let filter = ProviderFilter {
            kinds: input
                .kinds
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            region_ids,
            name_contains: input.name_contains,
        };
        let lang = Lang::resolve(ctx, locale.as_deref());
        let page = service::provider::list(&app.db, &filter, &args).await?;
        prefetch::provider_page(ctx, &page.models()).await?;
        Ok(connection(page, |m| Provider::new(m, lang.clone())))
    }

    /// One provider; `NOT_FOUND` when there is none with this id.
    async fn provider(
        &self,
        ctx: &Context<'_>,
        id: ID,
        locale: Option<String>,
    ) -> ApiResult<Option<Provider>> {
        let app = AppContext::of(ctx)?;
        let id = expect_global_id(&id, NodeType::Provider)?;
        let lang = Lang::resolve(ctx, locale.as_deref());
        let model = service::provider::by_id(&app.db, id)
            .await?
            .ok_or(ApiError::NotFound("provider"))?;
        Ok(Some(Provider::new(model, lang)))
    }
}
