//! `regions` and `region`.

use async_graphql::{Context, ID, Object, OneofObject};
use entity::types::RegionKind;

use crate::context::AppContext;
use crate::error::{ApiError, ApiResult};
use crate::graphql::locale::Lang;
use crate::graphql::region::types::region_connection;
use crate::graphql::region::{Region, RegionKindGql};
use crate::graphql::relay::{NodeType, RelayConnection, expect_global_id, page_args};
use crate::service;
use crate::service::region::RegionFilter;

#[derive(Default)]
pub struct RegionQuery;

/// The one key a region is looked up by.
#[derive(OneofObject)]
pub enum RegionKey {
    /// The region's global id.
    Id(ID),
    /// Its code: a municipality's BFS number (`2581`), a district's or the canton's code.
    Code(String),
    /// A Swiss postcode: the municipality it belongs to.
    Postcode(String),
}

fn one_key_only() -> ApiError {
    ApiError::bad_input("give exactly one key: `by: { id | code | postcode }`")
}

#[Object]
impl RegionQuery {
    /// Regions by kind and/or parent, sorted by name. `search` finds regions whose name
    /// (in any language) contains the text, in any case, or that have it as a postcode:
    /// `regions(kind: MUNICIPALITY, search: "Trimb")`, `regions(search: "4632")`.
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
        let args = page_args(ctx, first, after, last, before)?;
        let filter = RegionFilter {
            kind: kind.map(RegionKind::from),
            parent_id: parent_id
                .map(|id| expect_global_id(&id, NodeType::Region))
                .transpose()?,
            search,
        };
        let lang = Lang::resolve(ctx, locale.as_deref());
        region_connection(ctx, &filter, &args, lang).await
    }

    /// One region, found by exactly one key: `region(by: { code: "2581" })` (the BFS
    /// number of Olten), `region(by: { postcode: "4632" })` (the municipality the postcode
    /// belongs to: Trimbach) or `region(by: { id: "…" })`; `NOT_FOUND` when there is none.
    /// The separate `id`, `code` and `postcode` arguments still work and will be removed.
    async fn region(
        &self,
        ctx: &Context<'_>,
        by: Option<RegionKey>,
        #[graphql(deprecation = "use `by: { id: … }`")] id: Option<ID>,
        #[graphql(deprecation = "use `by: { code: … }`")] code: Option<String>,
        #[graphql(deprecation = "use `by: { postcode: … }`")] postcode: Option<String>,
        locale: Option<String>,
    ) -> ApiResult<Option<Region>> {
        let app = AppContext::of(ctx)?;
        let legacy = match (id, code, postcode) {
            (Some(id), None, None) => Some(RegionKey::Id(id)),
            (None, Some(code), None) => Some(RegionKey::Code(code)),
            (None, None, Some(postcode)) => Some(RegionKey::Postcode(postcode)),
            (None, None, None) => None,
            _ => return Err(one_key_only()),
        };
        let found = match by.xor(legacy).ok_or_else(one_key_only)? {
            RegionKey::Id(id) => {
                service::region::by_id(&app.db, expect_global_id(&id, NodeType::Region)?).await?
            }
            RegionKey::Code(code) => service::region::by_code(&app.db, &code).await?,
            RegionKey::Postcode(postcode) => {
                service::region::by_postcode(&app.db, &postcode).await?
            }
        };
        let lang = Lang::resolve(ctx, locale.as_deref());
        let model = found.ok_or(ApiError::NotFound("region"))?;
        Ok(Some(Region::new(model, lang)))
    }
}
