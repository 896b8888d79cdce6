//! `regions` and `region`.

use async_graphql::{Context, ID, Object};
use entity::types::RegionKind;

use crate::context::AppContext;
use crate::error::{ApiError, ApiResult};
use crate::graphql::locale::Lang;
use crate::graphql::prefetch;
use crate::graphql::region::{Region, RegionKindGql};
use crate::graphql::relay::{NodeType, RelayConnection, connection, expect_global_id, page_args};
use crate::service;
use crate::service::region::RegionFilter;

#[derive(Default)]
pub struct RegionQuery;

#[Object]
impl RegionQuery {
    /// Regions by kind and/or parent, sorted by name. `search` finds regions whose name
    /// (in any language) contains the text, in any case, or that have it as a postcode:
    /// `regions(kind: MUNICIPALITY, search: "Trimb")`, `regions(search: "4632")`.
    #[expect(
        clippy::too_many_arguments,
        reason = "a connection field takes the four Relay arguments besides its own"
    )]
    #[graphql(complexity = "crate::graphql::relay::page_cost(first, last, child_complexity)")]
    async fn regions(
        &self,
        ctx: &Context<'_>,
        kind: Option<RegionKindGql>,
        parent_id: Option<ID>,
        search: Option<String>,
        locale: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<RelayConnection<Region>> {
        let app = AppContext::of(ctx)?;
        let args = page_args(ctx, first, after, last, before)?;
        let filter = RegionFilter {
            kind: kind.map(RegionKind::from),
            parent_id: parent_id
                .map(|id| expect_global_id(&id, NodeType::Region))
                .transpose()?,
            search,
        };
        let lang = Lang::resolve(ctx, locale.as_deref());
        let page = service::region::list(&app.db, &filter, &args).await?;
        let ids: Vec<_> = page.items.iter().map(|(_, m)| m.id).collect();
        prefetch::region_page(ctx, &ids).await?;
        Ok(connection(page, |m| Region::new(m, lang.clone())))
    }

    /// One region, by global id, by code (e.g. the BFS number `2581` for Olten) or by
    /// postcode (the municipality it belongs to: `region(postcode: "4632")` is Trimbach);
    /// `NOT_FOUND` when there is none.
    async fn region(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        code: Option<String>,
        postcode: Option<String>,
        locale: Option<String>,
    ) -> ApiResult<Option<Region>> {
        let app = AppContext::of(ctx)?;
        let found = match (id, code, postcode) {
            (Some(id), None, None) => {
                service::region::by_id(&app.db, expect_global_id(&id, NodeType::Region)?).await?
            }
            (None, Some(code), None) => service::region::by_code(&app.db, &code).await?,
            (None, None, Some(postcode)) => {
                service::region::by_postcode(&app.db, &postcode).await?
            }
            _ => {
                return Err(ApiError::bad_input(
                    "give exactly one of `id`, `code` and `postcode`",
                ));
            }
        };
        let lang = Lang::resolve(ctx, locale.as_deref());
        let model = found.ok_or(ApiError::NotFound("region"))?;
        Ok(Some(Region::new(model, lang)))
    }
}
