//! The audit log: every change is recorded in the same transaction as the change itself,
//! with who, what, which record and when, and a summary of field names and codes (never the
//! values of personal data).

use chrono::{DateTime, Utc};
use entity::audit_log;
use entity::types::ActorRole;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::clock;
use crate::error::ApiResult;
use crate::ids;
use crate::service::bulk;
use crate::service::page::{KeysetOrder, Page, PageArgs, keyset_page, timestamp_key};

/// One change to record.
#[derive(Debug, Clone)]
pub struct Change {
    /// `offer.publish`, `session.login`…
    pub action: &'static str,
    /// `offer`, `provider`, `user_account`…
    pub entity_type: &'static str,
    pub entity_id: Option<Uuid>,
    /// Field names, states and codes; never personal data.
    pub summary: Value,
}

impl Change {
    pub fn new(action: &'static str, entity_type: &'static str, entity_id: Uuid) -> Self {
        Self {
            action,
            entity_type,
            entity_id: Some(entity_id),
            summary: Value::Object(Default::default()),
        }
    }

    /// With a summary.
    pub fn with(mut self, summary: Value) -> Self {
        self.summary = summary;
        self
    }
}

/// Records a change made by the caller of a request.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    meta: &RequestMeta,
    change: Change,
) -> ApiResult<()> {
    insert(
        db,
        meta.viewer.account_id(),
        meta.viewer.actor_role(),
        meta.request_id.clone(),
        change,
    )
    .await
}

/// Records a change made by an account outside a request's viewer (a sign-in).
pub async fn record_as<C: ConnectionTrait>(
    db: &C,
    account_id: Option<Uuid>,
    role: ActorRole,
    meta: &RequestMeta,
    change: Change,
) -> ApiResult<()> {
    insert(db, account_id, role, meta.request_id.clone(), change).await
}

/// Records a change made by the platform itself (a background job).
pub async fn record_system<C: ConnectionTrait>(db: &C, change: Change) -> ApiResult<()> {
    insert(db, None, ActorRole::System, None, change).await
}

/// Who makes a batch of changes: a request's caller or the platform's operator.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: Option<Uuid>,
    pub role: ActorRole,
    pub request_id: Option<String>,
}

impl Actor {
    /// The caller of a request.
    pub fn of(meta: &RequestMeta) -> Self {
        Self {
            account_id: meta.viewer.account_id(),
            role: meta.viewer.actor_role(),
            request_id: meta.request_id.clone(),
        }
    }

    /// The platform itself, or its operator at the command line.
    pub fn system() -> Self {
        Self {
            account_id: None,
            role: ActorRole::System,
            request_id: None,
        }
    }
}

/// Records many changes by one actor with a few multi-row inserts.
pub async fn record_many<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    changes: Vec<Change>,
) -> ApiResult<()> {
    let now = clock::now();
    let rows = changes
        .into_iter()
        .map(|change| audit_log::ActiveModel {
            id: Set(ids::new_id()),
            actor_account_id: Set(actor.account_id),
            actor_role: Set(actor.role),
            action: Set(change.action.to_owned()),
            entity_type: Set(change.entity_type.to_owned()),
            entity_id: Set(change.entity_id),
            summary: Set(change.summary),
            request_id: Set(actor.request_id.clone()),
            occurred_at: Set(now),
        })
        .collect();
    bulk::insert_all(db, rows).await?;
    Ok(())
}

async fn insert<C: ConnectionTrait>(
    db: &C,
    account_id: Option<Uuid>,
    role: ActorRole,
    request_id: Option<String>,
    change: Change,
) -> ApiResult<()> {
    let actor = Actor {
        account_id,
        role,
        request_id,
    };
    record_many(db, &actor, vec![change]).await
}

/// Which entries a list holds.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<Uuid>,
    pub actor_account_id: Option<Uuid>,
    pub action: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

const BY_TIME: KeysetOrder<audit_log::Entity, audit_log::Model> = KeysetOrder {
    name: "audit-time",
    key: Some(audit_log::Column::OccurredAt),
    id: audit_log::Column::Id,
    parse_key: timestamp_key,
    key_of: |e| Some(e.occurred_at.to_rfc3339()),
    id_of: |e| e.id,
};

/// One entry by id.
pub async fn by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> ApiResult<Option<audit_log::Model>> {
    Ok(audit_log::Entity::find_by_id(id).one(db).await?)
}

/// A page of entries, newest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &AuditFilter,
    args: &PageArgs,
) -> ApiResult<Page<audit_log::Model>> {
    let mut select = audit_log::Entity::find();
    if let Some(kind) = &filter.entity_type {
        select = select.filter(audit_log::Column::EntityType.eq(kind.clone()));
    }
    if let Some(id) = filter.entity_id {
        select = select.filter(audit_log::Column::EntityId.eq(id));
    }
    if let Some(actor) = filter.actor_account_id {
        select = select.filter(audit_log::Column::ActorAccountId.eq(actor));
    }
    if let Some(action) = &filter.action {
        select = select.filter(audit_log::Column::Action.eq(action.clone()));
    }
    if let Some(since) = filter.since {
        select = select.filter(audit_log::Column::OccurredAt.gte(clock::normalise(since)));
    }
    if let Some(until) = filter.until {
        select = select.filter(audit_log::Column::OccurredAt.lt(clock::normalise(until)));
    }
    keyset_page(db, select, &BY_TIME, true, args, None).await
}
