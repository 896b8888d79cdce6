//! The Relay `Node` interface and the `node` / `nodes` queries.

use async_graphql::{Context, ID, Interface, Object};

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::{ApiError, ApiResult};
use entity::types::Role;

use crate::graphql::account::Account;
use crate::graphql::api_client::ApiClient;
use crate::graphql::audit::AuditEntry;
use crate::graphql::category::Category;
use crate::graphql::locale::Lang;
use crate::graphql::mentoring::people_types::{
    MatchCheckIn, Mentor, MentorMatch, MentoringRequest,
};
use crate::graphql::mentoring::types::MentoringPool;
use crate::graphql::offer::Offer;
use crate::graphql::provider::Provider;
use crate::graphql::region::Region;
use crate::graphql::relay::{NodeType, parse_global_id};
use crate::service;
use crate::service::mentoring::{access, people};
use crate::service::offer::Audience;

/// Anything with a global id. Staff records (mentors, requests, matches, pools, check-ins,
/// accounts, audit entries, API clients) resolve for whoever may read them through their
/// own fields, and are null for everyone else, as records that do not exist are.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    Offer(Offer),
    Provider(Provider),
    Region(Region),
    Category(Category),
    Mentor(Mentor),
    MentoringRequest(MentoringRequest),
    MentorMatch(MentorMatch),
    MentoringPool(MentoringPool),
    MatchCheckIn(MatchCheckIn),
    Account(Account),
    AuditEntry(AuditEntry),
    ApiClient(ApiClient),
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
    if let Some(staff_record) = staff_record(ctx, app, kind, uuid).await {
        return staff_record;
    }
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
        _ => None,
    })
}

/// A staff record for whoever may read it; `None` for the public kinds. A record the
/// viewer may not read answers null, exactly like one that does not exist.
async fn staff_record(
    ctx: &Context<'_>,
    app: &AppContext,
    kind: NodeType,
    uuid: uuid::Uuid,
) -> Option<ApiResult<Option<Node>>> {
    let meta = RequestMeta::of(ctx);
    let viewer = &meta.viewer;
    let db = &app.db;
    let found: ApiResult<Node> = match kind {
        NodeType::Mentor => access::mentor(db, viewer, uuid)
            .await
            .map(|(m, _)| Node::Mentor(Mentor::from(m))),
        NodeType::MentoringRequest => people::read_request(db, meta, uuid)
            .await
            .map(|m| Node::MentoringRequest(MentoringRequest::from(m))),
        NodeType::MentorMatch => access::match_side(db, viewer, uuid)
            .await
            .map(|(m, _, _)| Node::MentorMatch(MentorMatch::from(m))),
        NodeType::MentoringPool => access::pool(db, viewer, uuid)
            .await
            .map(|m| Node::MentoringPool(MentoringPool::new(m))),
        NodeType::CheckIn => people::check_in(db, meta, uuid)
            .await
            .map(|m| Node::MatchCheckIn(MatchCheckIn::from(m))),
        NodeType::Account => match viewer.staff() {
            Ok(staff) if staff.role == Role::Admin || staff.account_id == uuid => {
                service::account::by_id(db, uuid)
                    .await
                    .and_then(|m| m.ok_or(ApiError::NotFound("account")))
                    .map(|m| Node::Account(Account(m)))
            }
            _ => Err(ApiError::NotFound("account")),
        },
        NodeType::AuditEntry => match viewer.admin() {
            Ok(_) => service::audit::by_id(db, uuid)
                .await
                .and_then(|m| m.ok_or(ApiError::NotFound("audit entry")))
                .map(|m| Node::AuditEntry(AuditEntry::from(m))),
            Err(err) => Err(err),
        },
        NodeType::ApiClient => match viewer.admin() {
            Ok(_) => service::api_client::by_id(db, uuid)
                .await
                .and_then(|m| m.ok_or(ApiError::NotFound("API client")))
                .map(|m| Node::ApiClient(ApiClient::from(m))),
            Err(err) => Err(err),
        },
        _ => return None,
    };
    Some(match found {
        Ok(node) => Ok(Some(node)),
        // Not the viewer's to read (or not there): the same null either way.
        Err(
            ApiError::NotFound(_)
            | ApiError::Forbidden
            | ApiError::NotAllowed(_)
            | ApiError::Unauthenticated,
        ) => Ok(None),
        Err(other) => Err(other),
    })
}
