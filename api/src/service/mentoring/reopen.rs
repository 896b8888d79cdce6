//! Reopening a request: a newcomer whose request was closed (their match ended, or it was
//! closed too early) is waiting again and can be matched anew; the earlier matches stay in
//! the request's history.

use entity::mentor_match;
use entity::mentoring_request;
use entity::types::RequestStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::service::audit::{self, Change};
use crate::service::mentoring::access;
use crate::service::mentoring::intake::retention_after;
use crate::service::mentoring::profiles::LIVE;

/// Puts a request back to OPEN (coordinators of its pool, admins). `CONFLICT` when it is
/// open already, erased, or has a live match (end or decline that first).
pub async fn reopen(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    request_id: Uuid,
    retention_days: u32,
) -> ApiResult<mentoring_request::Model> {
    let (request, _) = access::request(db, &meta.viewer, request_id).await?;
    if request.erased_at.is_some() {
        return Err(ApiError::Conflict(
            "the request was erased; the newcomer must ask again".into(),
        ));
    }
    if request.status == RequestStatus::Open {
        return Err(ApiError::Conflict("the request is open already".into()));
    }
    let live = mentor_match::Entity::find()
        .filter(mentor_match::Column::RequestId.eq(request.id))
        .filter(mentor_match::Column::Status.is_in(LIVE))
        .count(db)
        .await?;
    if live > 0 {
        return Err(ApiError::Conflict(
            "the request has a live match; end, cancel or decline it first".into(),
        ));
    }
    let now = clock::now();
    let txn = crate::db::begin_write(db).await?;
    let changed = mentoring_request::Entity::update_many()
        .col_expr(
            mentoring_request::Column::Status,
            Expr::value(RequestStatus::Open),
        )
        .col_expr(
            mentoring_request::Column::ClosedAt,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        // Kept while it is open, as a new request is.
        .col_expr(
            mentoring_request::Column::RetentionUntil,
            Expr::value(retention_after(now, retention_days)),
        )
        .col_expr(mentoring_request::Column::UpdatedAt, Expr::value(now))
        .filter(mentoring_request::Column::Id.eq(request.id))
        .filter(mentoring_request::Column::Status.eq(request.status))
        .filter(mentoring_request::Column::ErasedAt.is_null())
        .exec(&txn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(ApiError::Conflict(
            "the request changed meanwhile; reload it".into(),
        ));
    }
    audit::record(
        &txn,
        meta,
        Change::new("mentoring_request.reopen", "mentoring_request", request.id)
            .with(json!({ "from": request.status, "to": RequestStatus::Open })),
    )
    .await?;
    let reopened = txn
        .commit_returning::<mentoring_request::Entity>(request.id)
        .await?;
    Ok(reopened)
}
