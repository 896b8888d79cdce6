//! Listing a pool's mentors and requests (the only place their personal data is read in
//! bulk), and disclosing a newcomer's contact for an active match. Every read of a
//! newcomer's data writes an audit row naming the request — who read it and when, not what
//! it says.

use std::collections::HashMap;

use chrono::Duration;
use entity::types::{MatchStatus, MentorStatus, RequestStatus};
use entity::{
    match_check_in, mentor, mentor_availability, mentor_language, mentoring_pool,
    mentoring_request, request_availability, request_language,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::service::audit::{self, Change};
use crate::service::mentoring::access;
use crate::service::page::{KeysetOrder, Page, PageArgs, keyset_page, text_key};
use crate::service::{bulk, group_by};

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
    keyset_page(db, select, &MENTORS_BY_ID, false, args, None).await
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
    let page = keyset_page(db, select, &REQUESTS_BY_ID, false, args, None).await?;
    let txn = crate::db::begin_write(db).await?;
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

/// One request, for a coordinator of its pool; the read is recorded like a listing's.
pub async fn read_request(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    request_id: Uuid,
) -> ApiResult<mentoring_request::Model> {
    let (request, _) = access::request(db, &meta.viewer, request_id).await?;
    audit::record(
        db,
        meta,
        Change::new("mentoring_request.read", "mentoring_request", request.id),
    )
    .await?;
    Ok(request)
}

/// One check-in, for a coordinator of the pool whose request the match serves.
pub async fn check_in(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    check_in_id: Uuid,
) -> ApiResult<match_check_in::Model> {
    access::mentoring_staff(&meta.viewer)?;
    let found = match_check_in::Entity::find_by_id(check_in_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("check-in"))?;
    access::a_match(db, &meta.viewer, found.match_id)
        .await
        .map_err(|_| ApiError::NotFound("check-in"))?;
    Ok(found)
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

/// Reads rows whose `column` is one of `ids`, a statement per thousand ids.
async fn rows_of<E, C>(db: &C, column: E::Column, ids: &[Uuid]) -> ApiResult<Vec<E::Model>>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let mut rows = Vec::new();
    for chunk in ids.chunks(bulk::IDS_PER_STATEMENT) {
        rows.extend(
            E::find()
                .filter(column.is_in(chunk.iter().copied()))
                .all(db)
                .await?,
        );
    }
    Ok(rows)
}

/// Languages by mentor (for loaders; the caller has checked access).
pub async fn mentor_languages<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, Vec<mentor_language::Model>>> {
    let rows =
        rows_of::<mentor_language::Entity, _>(db, mentor_language::Column::MentorId, ids).await?;
    Ok(group_by(ids, rows, |r| r.mentor_id))
}

/// Weekly times by mentor.
pub async fn mentor_availability<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, Vec<mentor_availability::Model>>> {
    let mut rows =
        rows_of::<mentor_availability::Entity, _>(db, mentor_availability::Column::MentorId, ids)
            .await?;
    rows.sort_by_key(|r| (r.weekday, r.start_time));
    Ok(group_by(ids, rows, |r| r.mentor_id))
}

/// Languages by request.
pub async fn request_languages<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, Vec<request_language::Model>>> {
    let rows = rows_of::<request_language::Entity, _>(db, request_language::Column::RequestId, ids)
        .await?;
    Ok(group_by(ids, rows, |r| r.request_id))
}

/// Weekly times by request.
pub async fn request_availability<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, Vec<request_availability::Model>>> {
    let mut rows = rows_of::<request_availability::Entity, _>(
        db,
        request_availability::Column::RequestId,
        ids,
    )
    .await?;
    rows.sort_by_key(|r| (r.weekday, r.start_time));
    Ok(group_by(ids, rows, |r| r.request_id))
}

/// Mentors by id.
pub async fn mentors_by_id<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, mentor::Model>> {
    let rows = rows_of::<mentor::Entity, _>(db, mentor::Column::Id, ids).await?;
    Ok(rows.into_iter().map(|m| (m.id, m)).collect())
}

/// Requests by id.
pub async fn requests_by_id<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, mentoring_request::Model>> {
    let rows =
        rows_of::<mentoring_request::Entity, _>(db, mentoring_request::Column::Id, ids).await?;
    Ok(rows.into_iter().map(|m| (m.id, m)).collect())
}

/// Pools by id.
pub async fn pools_by_id<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, mentoring_pool::Model>> {
    let rows = rows_of::<mentoring_pool::Entity, _>(db, mentoring_pool::Column::Id, ids).await?;
    Ok(rows.into_iter().map(|m| (m.id, m)).collect())
}

/// Check-ins by match, oldest first.
pub async fn check_ins<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, Vec<match_check_in::Model>>> {
    let mut rows =
        rows_of::<match_check_in::Entity, _>(db, match_check_in::Column::MatchId, ids).await?;
    rows.sort_by_key(|r| (r.occurred_on, r.created_at));
    Ok(group_by(ids, rows, |r| r.match_id))
}
