//! The Relay `Node` interface and the `node` / `nodes` queries.

use async_graphql::{Context, ID, Interface, Object};

use crate::context::{AppContext, RequestMeta};
use crate::error::{ApiError, ApiResult};
use crate::graphql::category::Category;
use crate::graphql::locale::Lang;
use crate::graphql::offer::Offer;
use crate::graphql::provider::Provider;
use crate::graphql::region::Region;
use crate::graphql::relay::{NodeType, parse_global_id};
use crate::service;
use crate::service::offer::Audience;

/// Anything with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    Offer(Offer),
    Provider(Provider),
    Region(Region),
    Category(Category),
}

/// Most ids one `nodes` call takes.
const MAX_NODES: usize = 100;

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any record by its global id; null when it does not exist or is not visible.
    async fn node(
        &self,
        ctx: &Context<'_>,
        id: ID,
        locale: Option<String>,
    ) -> ApiResult<Option<Node>> {
        let lang = Lang::resolve(ctx, locale.as_deref());
        load(ctx, &id, lang).await
    }

    /// Several records by global id, in the order asked; null for each one not found.
    #[graphql(complexity = "ids.len().saturating_mul(child_complexity)")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        ids: Vec<ID>,
        locale: Option<String>,
    ) -> ApiResult<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(ApiError::bad_input(format!("at most {MAX_NODES} ids")));
        }
        let lang = Lang::resolve(ctx, locale.as_deref());
        let mut out = Vec::with_capacity(ids.len());
        for id in &ids {
            out.push(load(ctx, id, lang.clone()).await?);
        }
        Ok(out)
    }
}

async fn load(ctx: &Context<'_>, id: &str, lang: Lang) -> ApiResult<Option<Node>> {
    let app = AppContext::of(ctx)?;
    let (kind, uuid) = parse_global_id(id)?;
    Ok(match kind {
        NodeType::Offer => {
            service::offer::by_id(&app.db, &Audience::of(&RequestMeta::of(ctx).viewer), uuid)
                .await?
                .map(|m| Node::Offer(Offer::new(m, lang)))
        }
        NodeType::Provider => service::provider::by_id(&app.db, uuid)
            .await?
            .map(|m| Node::Provider(Provider::new(m, lang))),
        NodeType::Region => service::region::by_id(&app.db, uuid)
            .await?
            .map(|m| Node::Region(Region::new(m, lang))),
        NodeType::Category => service::category::by_ids(&app.db, &[uuid])
            .await?
            .remove(&uuid)
            .map(|m| Node::Category(Category::new(m, lang))),
        // Staff records are reached through their own fields, where their permissions apply.
        NodeType::Account
        | NodeType::MentoringPool
        | NodeType::Invitation
        | NodeType::ApiClient
        | NodeType::AuditEntry
        | NodeType::Mentor
        | NodeType::MentoringRequest
        | NodeType::MentorMatch
        | NodeType::CheckIn => None,
    })
}
