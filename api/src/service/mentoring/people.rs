//! Listing a pool's mentors and requests (the only place their personal data is read in
//! bulk), and disclosing a newcomer's contact for an active match. Every read of a
//! newcomer's data writes an audit row naming the request — who read it and when, not what
//! it says.

use chrono::Duration;
use entity::types::{MatchStatus, MentorStatus, RequestStatus};
use entity::{mentor, mentoring_request};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};
use uuid::Uuid;

use crate::clock;
use crate::context::RequestMeta;
use crate::error::{ApiError, ApiResult};
use crate::service::audit::{self, Change};
use crate::service::mentoring::access;
use crate::service::page::{KeysetOrder, Page, PageArgs, keyset_page, text_key};

const MENTORS_BY_ID: KeysetOrder<mentor::Entity, mentor::Model> = KeysetOrder {
    name: "mentor-id",
    key: None,
    id: mentor::Column::Id,
    parse_key: text_key,
    key_of: |_| None,
    id_of: |m| m.id,
};

const REQUESTS_BY_ID: KeysetOrder<mentoring_request::Entity, mentoring_request::Model> =
    KeysetOrder {
        name: "request-id",
        key: None,
        id: mentoring_request::Column::Id,
        parse_key: text_key,
        key_of: |_| None,
        id_of: |m| m.id,
    };

/// A pool's mentors (erased ones left out), oldest first.
pub async fn mentors(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    pool_id: Uuid,
    statuses: &[MentorStatus],
    args: &PageArgs,
) -> ApiResult<Page<mentor::Model>> {
    let pool = access::pool(db, &meta.viewer, pool_id).await?;
    let mut select = mentor::Entity::find()
        .filter(mentor::Column::PoolId.eq(pool.id))
        .filter(mentor::Column::ErasedAt.is_null());
    if !statuses.is_empty() {
        select = select.filter(mentor::Column::Status.is_in(statuses.iter().copied()));
    }
    keyset_page(db, select, &MENTORS_BY_ID, false, args).await
}

/// A pool's requests (erased ones left out), oldest first; `waiting_too_long` keeps the
/// open ones older than the pool's alert period.
pub async fn requests(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    pool_id: Uuid,
    statuses: &[RequestStatus],
    waiting_too_long: bool,
    args: &PageArgs,
) -> ApiResult<Page<mentoring_request::Model>> {
    let pool = access::pool(db, &meta.viewer, pool_id).await?;
    let mut select = mentoring_request::Entity::find()
        .filter(mentoring_request::Column::PoolId.eq(pool.id))
        .filter(mentoring_request::Column::ErasedAt.is_null());
    if !statuses.is_empty() {
        select = select.filter(mentoring_request::Column::Status.is_in(statuses.iter().copied()));
    }
    if waiting_too_long {
        let since = clock::now() - Duration::days(i64::from(pool.request_waiting_alert_days));
        select = select
            .filter(mentoring_request::Column::Status.eq(RequestStatus::Open))
            .filter(mentoring_request::Column::CreatedAt.lt(since));
    }
    let page = keyset_page(db, select, &REQUESTS_BY_ID, false, args).await?;
    let txn = db.begin().await?;
    for request in page.models() {
        audit::record(
            &txn,
            meta,
            Change::new("mentoring_request.read", "mentoring_request", request.id),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(page)
}

/// How to reach a newcomer.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub first_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// The newcomer's first name and contact, for the mentor of an active match only; the
/// disclosure is recorded.
pub async fn newcomer_contact(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    match_id: Uuid,
) -> ApiResult<Option<Contact>> {
    let (found, _) = access::a_match(db, &meta.viewer, match_id).await?;
    if found.status != MatchStatus::Active {
        return Ok(None);
    }
    let request = mentoring_request::Entity::find_by_id(found.request_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("mentoring request"))?;
    if request.erased_at.is_some() {
        return Ok(None);
    }
    audit::record(
        db,
        meta,
        Change::new(
            "mentoring_request.disclose",
            "mentoring_request",
            request.id,
        )
        .with(serde_json::json!({ "match": found.id })),
    )
    .await?;
    Ok(Some(Contact {
        first_name: request.first_name,
        email: request.email,
        phone: request.phone,
    }))
}
