//! Erasing people (Swiss data protection): a mentor's or newcomer's personal data is
//! removed — names, contact, home, gender, languages, times, topics, and what matches and
//! check-ins say about them — while the records stay as anonymous rows, so the pool's
//! counts and statistics remain true. Coordinators erase on request; a job erases closed
//! requests and retired mentors once their retention period has passed.

use entity::types::{MatchEndReason, MatchStatus, MentorStatus, RequestStatus};
use entity::{
    match_check_in, mentor, mentor_availability, mentor_language, mentor_match, mentoring_request,
    request_availability, request_language,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::clock;
use crate::error::ApiResult;
use crate::service::audit::{self, Change};
use crate::service::changes::{Changed, Changes, Committed};
use crate::service::mentoring::access;
use crate::service::mentoring::profiles::LIVE;

/// Whose matches are closed when a person leaves.
#[derive(Debug, Clone, Copy)]
enum Side {
    Mentor(Uuid),
    Request(Uuid),
}

/// Ends or cancels the person's live matches and strips what the matches say about them;
/// returns the matches it closed. When a mentor leaves, the newcomers they accompanied are
/// waiting again: their requests go back to OPEN (the ended match stays in their history).
async fn close_matches<C: ConnectionTrait>(db: &C, side: Side) -> ApiResult<Changes> {
    let now = clock::now();
    let (column, id, reason) = match side {
        Side::Mentor(id) => (
            mentor_match::Column::MentorId,
            id,
            MatchEndReason::MentorLeft,
        ),
        Side::Request(id) => (
            mentor_match::Column::RequestId,
            id,
            MatchEndReason::MenteeLeft,
        ),
    };
    let live: Vec<(Uuid, Uuid, MatchStatus)> = mentor_match::Entity::find()
        .select_only()
        .columns([
            mentor_match::Column::Id,
            mentor_match::Column::RequestId,
            mentor_match::Column::Status,
        ])
        .filter(column.eq(id))
        .filter(mentor_match::Column::Status.is_in(LIVE))
        .into_tuple()
        .all(db)
        .await?;
    mentor_match::Entity::update_many()
        .col_expr(
            mentor_match::Column::Status,
            Expr::value(MatchStatus::Cancelled),
        )
        .col_expr(mentor_match::Column::UpdatedAt, Expr::value(now))
        .filter(column.eq(id))
        .filter(mentor_match::Column::Status.is_in([MatchStatus::Proposed, MatchStatus::Accepted]))
        .exec(db)
        .await?;
    mentor_match::Entity::update_many()
        .col_expr(
            mentor_match::Column::Status,
            Expr::value(MatchStatus::Ended),
        )
        .col_expr(mentor_match::Column::EndedAt, Expr::value(now))
        .col_expr(mentor_match::Column::EndReason, Expr::value(reason))
        .col_expr(mentor_match::Column::UpdatedAt, Expr::value(now))
        .filter(column.eq(id))
        .filter(mentor_match::Column::Status.eq(MatchStatus::Active))
        .exec(db)
        .await?;
    // Reasons name languages and places; evaluations and notes may name anything.
    mentor_match::Entity::update_many()
        .col_expr(mentor_match::Column::Reasons, Expr::value(json!([])))
        .col_expr(
            mentor_match::Column::Evaluation,
            Expr::value(Option::<String>::None),
        )
        .filter(column.eq(id))
        .exec(db)
        .await?;
    let matches = Query::select()
        .column(mentor_match::Column::Id)
        .from(mentor_match::Entity)
        .and_where(Expr::col(column).eq(id))
        .to_owned();
    match_check_in::Entity::update_many()
        .col_expr(
            match_check_in::Column::Note,
            Expr::value(Option::<String>::None),
        )
        .filter(match_check_in::Column::MatchId.in_subquery(matches))
        .exec(db)
        .await?;
    if let Side::Mentor(_) = side {
        let accompanied: Vec<Uuid> = live
            .iter()
            .filter(|(_, _, status)| *status == MatchStatus::Active)
            .map(|(_, request, _)| *request)
            .collect();
        if !accompanied.is_empty() {
            mentoring_request::Entity::update_many()
                .col_expr(
                    mentoring_request::Column::Status,
                    Expr::value(RequestStatus::Open),
                )
                .col_expr(mentoring_request::Column::UpdatedAt, Expr::value(now))
                .filter(mentoring_request::Column::Id.is_in(accompanied))
                .filter(mentoring_request::Column::Status.eq(RequestStatus::Matched))
                .filter(mentoring_request::Column::ErasedAt.is_null())
                .exec(db)
                .await?;
        }
    }
    Ok(live
        .into_iter()
        .map(|(id, _, _)| Changed::Match { id })
        .collect())
}

/// Removes a request's personal data (in the caller's transaction); returns the matches it
/// closed.
pub async fn erase_request_data<C: ConnectionTrait>(
    db: &C,
    request_id: Uuid,
) -> ApiResult<Changes> {
    let now = clock::now();
    let closed = close_matches(db, Side::Request(request_id)).await?;
    request_language::Entity::delete_many()
        .filter(request_language::Column::RequestId.eq(request_id))
        .exec(db)
        .await?;
    request_availability::Entity::delete_many()
        .filter(request_availability::Column::RequestId.eq(request_id))
        .exec(db)
        .await?;
    mentoring_request::Entity::update_many()
        .col_expr(mentoring_request::Column::FirstName, Expr::value(""))
        .col_expr(
            mentoring_request::Column::Email,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            mentoring_request::Column::Phone,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            mentoring_request::Column::MunicipalityId,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(mentoring_request::Column::Topics, Expr::value(json!([])))
        .col_expr(
            mentoring_request::Column::PreferredMentorGender,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            mentoring_request::Column::Status,
            Expr::value(RequestStatus::Closed),
        )
        .col_expr(
            mentoring_request::Column::ClosedAt,
            Expr::col(mentoring_request::Column::ClosedAt).if_null(now),
        )
        .col_expr(mentoring_request::Column::ErasedAt, Expr::value(now))
        .col_expr(mentoring_request::Column::UpdatedAt, Expr::value(now))
        .filter(mentoring_request::Column::Id.eq(request_id))
        .exec(db)
        .await?;
    Ok(closed)
}

/// Removes a mentor's personal data (in the caller's transaction); returns the matches it
/// closed and the mentor.
pub async fn erase_mentor_data<C: ConnectionTrait>(db: &C, mentor_id: Uuid) -> ApiResult<Changes> {
    let now = clock::now();
    let closed = close_matches(db, Side::Mentor(mentor_id)).await?;
    mentor_language::Entity::delete_many()
        .filter(mentor_language::Column::MentorId.eq(mentor_id))
        .exec(db)
        .await?;
    mentor_availability::Entity::delete_many()
        .filter(mentor_availability::Column::MentorId.eq(mentor_id))
        .exec(db)
        .await?;
    mentor::Entity::update_many()
        .col_expr(mentor::Column::FirstName, Expr::value(""))
        .col_expr(mentor::Column::LastName, Expr::value(""))
        .col_expr(mentor::Column::Email, Expr::value(""))
        .col_expr(mentor::Column::Phone, Expr::value(Option::<String>::None))
        .col_expr(
            mentor::Column::MunicipalityId,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(mentor::Column::Gender, Expr::value(Option::<String>::None))
        .col_expr(mentor::Column::BirthYear, Expr::value(Option::<i32>::None))
        .col_expr(mentor::Column::Topics, Expr::value(json!([])))
        .col_expr(mentor::Column::Status, Expr::value(MentorStatus::Retired))
        .col_expr(mentor::Column::ErasedAt, Expr::value(now))
        .col_expr(mentor::Column::UpdatedAt, Expr::value(now))
        .filter(mentor::Column::Id.eq(mentor_id))
        .exec(db)
        .await?;
    let mut changes = closed;
    changes.push(Changed::Mentor { id: mentor_id });
    Ok(changes)
}

/// Erases a newcomer's request at a coordinator's or admin's hand.
pub async fn erase_mentee(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    request_id: Uuid,
) -> ApiResult<Committed<()>> {
    let (request, _) = access::request(db, &meta.viewer, request_id).await?;
    let txn = crate::db::begin_write(db).await?;
    let closed = erase_request_data(&txn, request.id).await?;
    audit::record(
        &txn,
        meta,
        Change::new("mentoring_request.erase", "mentoring_request", request.id),
    )
    .await?;
    txn.commit().await?;
    Ok(Committed::new((), closed))
}

/// Erases a mentor at a coordinator's or admin's hand.
pub async fn erase_mentor(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    mentor_id: Uuid,
) -> ApiResult<Committed<()>> {
    let (found, _) = access::mentor(db, &meta.viewer, mentor_id).await?;
    let txn = crate::db::begin_write(db).await?;
    let closed = erase_mentor_data(&txn, found.id).await?;
    audit::record(&txn, meta, Change::new("mentor.erase", "mentor", found.id)).await?;
    txn.commit().await?;
    Ok(Committed::new((), closed))
}

/// Erases closed requests and retired mentors whose retention period has passed; returns
/// how many records were erased. Each record is its own transaction, so a failure leaves
/// the others done and the job tries again next time.
pub async fn erase_expired(db: &DatabaseConnection) -> ApiResult<Committed<usize>> {
    let today = clock::now().date_naive();
    let requests: Vec<Uuid> = mentoring_request::Entity::find()
        .select_only()
        .column(mentoring_request::Column::Id)
        .filter(mentoring_request::Column::Status.eq(RequestStatus::Closed))
        .filter(mentoring_request::Column::RetentionUntil.lt(today))
        .filter(mentoring_request::Column::ErasedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let mentors: Vec<Uuid> = mentor::Entity::find()
        .select_only()
        .column(mentor::Column::Id)
        .filter(mentor::Column::Status.eq(MentorStatus::Retired))
        .filter(mentor::Column::RetentionUntil.lt(today))
        .filter(mentor::Column::ErasedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut erased = 0;
    let mut changes = Changes::none();
    for id in &requests {
        let txn = crate::db::begin_write(db).await?;
        // The guarded claim comes first: of several instances, one erases each record.
        let claimed = mentoring_request::Entity::update_many()
            .col_expr(
                mentoring_request::Column::ErasedAt,
                Expr::value(clock::now()),
            )
            .filter(mentoring_request::Column::Id.eq(*id))
            .filter(mentoring_request::Column::ErasedAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 0 {
            continue;
        }
        changes.extend(erase_request_data(&txn, *id).await?);
        audit::record_system(
            &txn,
            Change::new("mentoring_request.erase", "mentoring_request", *id)
                .with(json!({ "reason": "RETENTION" })),
        )
        .await?;
        txn.commit().await?;
        erased += 1;
    }
    for id in &mentors {
        let txn = crate::db::begin_write(db).await?;
        let claimed = mentor::Entity::update_many()
            .col_expr(mentor::Column::ErasedAt, Expr::value(clock::now()))
            .filter(mentor::Column::Id.eq(*id))
            .filter(mentor::Column::ErasedAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 0 {
            continue;
        }
        changes.extend(erase_mentor_data(&txn, *id).await?);
        audit::record_system(
            &txn,
            Change::new("mentor.erase", "mentor", *id).with(json!({ "reason": "RETENTION" })),
        )
        .await?;
        txn.commit().await?;
        erased += 1;
    }
    Ok(Committed::new(erased, changes))
}
