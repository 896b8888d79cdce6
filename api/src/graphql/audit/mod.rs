//! The audit log in GraphQL: `auditLog` for admins.

use async_graphql::{Context, ID, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::audit_log;

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::ApiResult;
use crate::graphql::relay::{
    NodeType, RelayConnection, connection, expect_global_id, global_id, page_args,
};
use crate::service::audit::{self, AuditFilter};

/// Which audit entries to list.
#[derive(Debug, Clone, Default, InputObject)]
pub struct AuditLogFilter {
    /// `offer`, `provider`, `user_account`, `invitation`, `api_client`.
    pub entity_type: Option<String>,
    /// The record's uuid (as stored in `entityId`).
    pub entity_id: Option<uuid::Uuid>,
    /// Entries of one account.
    pub actor_id: Option<ID>,
    /// `offer.publish`, `session.login`…
    pub action: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// One recorded change.
#[derive(SimpleObject)]
pub struct AuditEntry {
    #[graphql(owned)]
    pub id: ID,
    /// The account that acted, if any (null for the system and anonymous callers).
    pub actor_id: Option<ID>,
    /// `ADMIN`, `COORDINATOR`, `PROVIDER_EDITOR`, `ANONYMOUS` or `SYSTEM`.
    pub actor_role: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<uuid::Uuid>,
    /// The changed record's global id, for `node(id)` and the record's own queries; null
    /// for records without one (registered operations).
    pub entity: Option<ID>,
    /// Field names, states and codes of the change; never personal data.
    pub summary: Json<serde_json::Value>,
    pub request_id: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

impl From<audit_log::Model> for AuditEntry {
    fn from(m: audit_log::Model) -> Self {
        Self {
            id: global_id(NodeType::AuditEntry, m.id),
            actor_id: m
                .actor_account_id
                .map(|id| global_id(NodeType::Account, id)),
            actor_role: serde_json::to_value(m.actor_role)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            action: m.action,
            entity: NodeType::of_audited(&m.entity_type)
                .zip(m.entity_id)
                .map(|(kind, id)| global_id(kind, id)),
            entity_type: m.entity_type,
            entity_id: m.entity_id,
            summary: Json(m.summary),
            request_id: m.request_id,
            occurred_at: m.occurred_at,
        }
    }
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// What was changed, by whom and when, newest first (admins).
    #[graphql(complexity = "crate::graphql::relay::page_cost(first, None, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditLogFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<RelayConnection<AuditEntry>> {
        let app = AppContext::of(ctx)?;
        RequestMeta::of(ctx).viewer.admin()?;
        let args = page_args(ctx, first, after, None, None)?;
        let filter = filter.unwrap_or_default();
        let service_filter = AuditFilter {
            entity_type: filter.entity_type,
            entity_id: filter.entity_id,
            actor_account_id: filter
                .actor_id
                .map(|id| expect_global_id(&id, NodeType::Account))
                .transpose()?,
            action: filter.action,
            since: filter.since,
            until: filter.until,
        };
        let page = audit::list(&app.db, &service_filter, &args).await?;
        Ok(connection(page, AuditEntry::from))
    }
}
