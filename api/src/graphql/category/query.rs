//! `categories`: the taxonomy as a tree.

use async_graphql::{Context, Object};

use crate::context::AppContext;
use crate::error::ApiResult;
use crate::graphql::category::Category;
use crate::graphql::locale::Lang;
use crate::service;

#[derive(Default)]
pub struct CategoryQuery;

#[Object]
impl CategoryQuery {
    /// The pillars, each with its areas in `children`.
    async fn categories(
        &self,
        ctx: &Context<'_>,
        locale: Option<String>,
    ) -> ApiResult<Vec<Category>> {
        let app = AppContext::of(ctx)?;
        let lang = Lang::resolve(ctx, locale.as_deref());
        let all = service::category::all(&app.db).await?;
        let (pillars, areas): (Vec<_>, Vec<_>) =
            all.into_iter().partition(|c| c.parent_id.is_none());
        Ok(pillars
            .into_iter()
            .map(|pillar| {
                let children = areas
                    .iter()
                    .filter(|a| a.parent_id == Some(pillar.id))
                    .cloned()
                    .collect();
                Category {
                    children,
                    ..Category::new(pillar, lang.clone())
                }
            })
            .collect())
    }
}
