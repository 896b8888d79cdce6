//! The match lifecycle: PROPOSED → ACCEPTED (the mentor confirms) → ACTIVE → ENDED, or
//! DECLINED / CANCELLED on the way. A proposal takes one of the mentor's places; the
//! places and the one live match per request hold under concurrency: a proposal first
//! locks the mentor's row (PostgreSQL) or the database (SQLite) with a guarded write, then
//! counts the live matches, and the database refuses a second live match per request.

use chrono::{Duration, Months};
use entity::match_check_in;
use entity::mentor;
use entity::mentor_match;
use entity::mentoring_request;
use entity::types::{
    CheckInKind, CheckInOutcome, MatchEndReason, MatchStatus, MentorStatus, PoolConsent,
    RequestStatus,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::clock;
use crate::db::WriteTransaction;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::matching::score;
use crate::service::audit::{self, Change};
use crate::service::changes::{Changed, Changes, Committed};
use crate::service::mentoring::access::MatchSide;
use crate::service::mentoring::{access, profiles};
use crate::service::text;

/// Longest evaluation text when a match ends.
const MAX_EVALUATION_CHARS: usize = 2000;

fn is_unique_violation(err: &DbErr) -> bool {
    let text = err.to_string().to_lowercase();
    text.contains("unique") || text.contains("duplicate key")
}

/// Proposes a mentor for a request. Fails with `CONFLICT` (and the rule in words) when the
/// pair breaks a hard rule, the mentor has no place left, or the request already has a
/// live match.
///
/// A mentor of a neighbouring pool (where the request's pool is open to its neighbours) is
/// lent, not taken: unless the caller also coordinates the mentor's pool (admins do), the
/// match waits for that pool's consent ([`consent`]) before it can go on.
pub async fn propose(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    request_id: Uuid,
    mentor_id: Uuid,
) -> ApiResult<Committed<mentor_match::Model>> {
    // Both must be visible to the caller before anything is written.
    let (request, pool) = access::request(db, &meta.viewer, request_id).await?;
    let consent = match access::mentor(db, &meta.viewer, mentor_id).await {
        Ok(_) => None,
        // A mentor of a neighbouring pool may be proposed only where the pool allows it
        // (the rules then check the distance); that pool decides whether to lend them.
        Err(ApiError::NotFound(_)) if pool.allow_neighbouring_regions => {
            if mentor::Entity::find_by_id(mentor_id)
                .one(db)
                .await?
                .is_none()
            {
                return Err(ApiError::NotFound("mentor"));
            }
            Some(PoolConsent::Pending)
        }
        Err(err) => return Err(err),
    };
    let now = clock::now();
    let txn = crate::db::begin_write(db).await?;
    // The guarded write comes first: concurrent proposals for this mentor wait here.
    let locked = mentor::Entity::update_many()
        .col_expr(mentor::Column::UpdatedAt, Expr::value(now))
        .filter(mentor::Column::Id.eq(mentor_id))
        .filter(mentor::Column::Status.eq(MentorStatus::Active))
        .filter(mentor::Column::ErasedAt.is_null())
        .exec(&txn)
        .await?;
    if locked.rows_affected == 0 {
        return Err(ApiError::Conflict("the mentor is not active".into()));
    }
    if request.status != RequestStatus::Open || request.erased_at.is_some() {
        return Err(ApiError::Conflict("the request is not open".into()));
    }
    let today = now.date_naive();
    let rules = profiles::rules(&pool, today)?;
    let homes = profiles::Homes::load(&txn).await?;
    let mentor_profile = profiles::mentor(&txn, mentor_id, &homes)
        .await?
        .ok_or(ApiError::NotFound("mentor"))?;
    let request_profile = profiles::request(&txn, &request, today, &homes).await?;
    let candidate = score::evaluate(&request_profile, &mentor_profile, &rules).map_err(|rule| {
        ApiError::Conflict(format!(
            "this mentor cannot be proposed: {}",
            rule.explanation()
        ))
    })?;
    let reasons: Vec<serde_json::Value> = candidate
        .reasons
        .iter()
        .map(|r| {
            json!({
                "criterion": r.criterion, "weight": r.weight,
                "value": r.value, "explanation": r.explanation,
            })
        })
        .collect();
    let id = crate::ids::new_id();
    let inserted = mentor_match::Entity::insert(mentor_match::ActiveModel {
        id: Set(id),
        request_id: Set(request.id),
        mentor_id: Set(mentor_id),
        status: Set(MatchStatus::Proposed),
        score: Set(Some(candidate.score)),
        reasons: Set(serde_json::Value::Array(reasons)),
        proposed_by: Set(meta.viewer.account_id()),
        proposed_at: Set(now),
        accepted_at: Set(None),
        started_at: Set(None),
        ended_at: Set(None),
        review_due_on: Set(None),
        end_reason: Set(None),
        evaluation: Set(None),
        rating: Set(None),
        mentor_pool_consent: Set(consent),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await;
    match inserted {
        Ok(_) => {}
        Err(err) if is_unique_violation(&err) => {
            return Err(ApiError::Conflict(
                "the request already has a live match".into(),
            ));
        }
        Err(err) => return Err(err.into()),
    }
    audit::record(
        &txn,
        meta,
        Change::new("mentor_match.propose", "mentor_match", id)
            .with(json!({ "status": "PROPOSED", "mentorPoolConsent": consent })),
    )
    .await?;
    committed_match(txn, id).await
}

/// Commits a write of the match `id`, handing back the match as stored.
async fn committed_match(
    txn: WriteTransaction,
    id: Uuid,
) -> ApiResult<Committed<mentor_match::Model>> {
    let stored = txn.commit_returning::<mentor_match::Entity>(id).await?;
    Ok(Committed::new(stored, Changes::one(Changed::Match { id })))
}

/// A step of the lifecycle after the proposal.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The mentor confirms.
    Accept,
    /// The pair has met (on the day given, else today); the review falls due the pool's
    /// period after.
    Start { met_on: Option<chrono::NaiveDate> },
    /// The mentor or the coordinator declines; this pair is never proposed again.
    Decline,
    /// Withdrawn before it started.
    Cancel,
    /// Over, with a reason and a short evaluation.
    End {
        reason: MatchEndReason,
        evaluation: Option<String>,
        rating: Option<i16>,
    },
}

impl Step {
    fn starts_from(&self) -> &'static [MatchStatus] {
        match self {
            Self::Accept => &[MatchStatus::Proposed],
            Self::Start { .. } => &[MatchStatus::Accepted],
            Self::Decline | Self::Cancel => &[MatchStatus::Proposed, MatchStatus::Accepted],
            Self::End { .. } => &[MatchStatus::Active],
        }
    }

    fn action(&self) -> &'static str {
        match self {
            Self::Accept => "mentor_match.accept",
            Self::Start { .. } => "mentor_match.start",
            Self::Decline => "mentor_match.decline",
            Self::Cancel => "mentor_match.cancel",
            Self::End { .. } => "mentor_match.end",
        }
    }

    /// Whether the pool that lent the mentor may take this step: it declines for its
    /// mentor, and records the mentor's confirmation; the match itself is run by the
    /// request's pool.
    fn open_to_mentor_pool(&self) -> bool {
        matches!(self, Self::Accept | Self::Decline)
    }

    /// Whether the step waits for the mentor's pool to consent.
    fn needs_consent(&self) -> bool {
        matches!(self, Self::Accept | Self::Start { .. })
    }

    fn to_state(&self) -> MatchStatus {
        match self {
            Self::Accept => MatchStatus::Accepted,
            Self::Start { .. } => MatchStatus::Active,
            Self::Decline => MatchStatus::Declined,
            Self::Cancel => MatchStatus::Cancelled,
            Self::End { .. } => MatchStatus::Ended,
        }
    }
}

/// Moves a match one step on; `CONFLICT` when it is not in a state the step starts from.
pub async fn advance(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    match_id: Uuid,
    step: Step,
    retention_days: u32,
) -> ApiResult<Committed<mentor_match::Model>> {
    let (found, pool, side) = access::match_side(db, &meta.viewer, match_id).await?;
    if side == MatchSide::Mentor && !step.open_to_mentor_pool() {
        return Err(ApiError::NotAllowed(
            "the match is run by the request's pool; the mentor's pool may only confirm or decline it"
                .into(),
        ));
    }
    if step.needs_consent() && found.mentor_pool_consent == Some(PoolConsent::Pending) {
        return Err(ApiError::Conflict(
            "the mentor's pool has not yet agreed to lend this mentor (consentToMatch)".into(),
        ));
    }
    if let Step::Start { met_on: Some(day) } = &step {
        let today = clock::now().date_naive();
        if *day > today {
            return Err(ApiError::invalid_fields(vec![FieldError::new(
                "startedOn",
                "must not be in the future",
            )]));
        }
        if *day < found.proposed_at.date_naive() {
            return Err(ApiError::invalid_fields(vec![FieldError::new(
                "startedOn",
                "must not be before the match was proposed",
            )]));
        }
    }
    if let Step::End {
        evaluation, rating, ..
    } = &step
    {
        let mut errors = Vec::new();
        if let Some(text) = evaluation {
            text::plain(
                "evaluation",
                Some(text),
                0,
                MAX_EVALUATION_CHARS,
                &mut errors,
            );
        }
        if rating.is_some_and(|r| !(1..=5).contains(&r)) {
            errors.push(FieldError::new("rating", "must lie between 1 and 5"));
        }
        if !errors.is_empty() {
            return Err(ApiError::invalid_fields(errors));
        }
    }
    let now = clock::now();
    let txn = crate::db::begin_write(db).await?;
    let mut update = mentor_match::Entity::update_many()
        .col_expr(mentor_match::Column::Status, Expr::value(step.to_state()))
        .col_expr(mentor_match::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            mentor_match::Column::Version,
            Expr::col(mentor_match::Column::Version).add(1),
        );
    match &step {
        Step::Accept => {
            update = update.col_expr(mentor_match::Column::AcceptedAt, Expr::value(now));
        }
        Step::Start { met_on } => {
            let started_at = met_on
                .and_then(|day| day.and_hms_opt(12, 0, 0))
                .map_or(now, |noon| noon.and_utc());
            let months = u32::try_from(pool.review_after_months).unwrap_or(6);
            let due = started_at
                .date_naive()
                .checked_add_months(Months::new(months))
                .unwrap_or(started_at.date_naive() + Duration::days(183));
            update = update
                .col_expr(mentor_match::Column::StartedAt, Expr::value(started_at))
                .col_expr(mentor_match::Column::ReviewDueOn, Expr::value(due));
        }
        Step::End {
            reason,
            evaluation,
            rating,
        } => {
            update = update
                .col_expr(mentor_match::Column::EndedAt, Expr::value(now))
                .col_expr(mentor_match::Column::EndReason, Expr::value(*reason))
                .col_expr(
                    mentor_match::Column::Evaluation,
                    Expr::value(evaluation.clone()),
                )
                .col_expr(mentor_match::Column::Rating, Expr::value(*rating));
        }
        Step::Decline if found.mentor_pool_consent == Some(PoolConsent::Pending) => {
            // Declined before the mentor's pool agreed: by that pool, it is its refusal.
            if side == MatchSide::Mentor {
                update = update.col_expr(
                    mentor_match::Column::MentorPoolConsent,
                    Expr::value(PoolConsent::Refused),
                );
            }
        }
        Step::Decline | Step::Cancel => {}
    }
    let changed = update
        .filter(mentor_match::Column::Id.eq(found.id))
        .filter(mentor_match::Column::Status.is_in(step.starts_from().iter().copied()))
        .exec(&txn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(ApiError::Conflict(format!(
            "the match is {:?}; this step is not possible now",
            found.status
        )));
    }
    // The request follows its match: matched while it runs, closed when it has ended.
    let request_state = match step {
        Step::Start { .. } => Some((RequestStatus::Matched, None)),
        Step::End { .. } => Some((RequestStatus::Closed, Some(now))),
        _ => None,
    };
    if let Some((status, closed_at)) = request_state {
        let mut update = mentoring_request::Entity::update_many();
        if closed_at.is_some() {
            // A closed request's personal data is kept for the retention period only.
            update = update.col_expr(
                mentoring_request::Column::RetentionUntil,
                Expr::value(super::intake::retention_after(now, retention_days)),
            );
        }
        update
            .col_expr(mentoring_request::Column::Status, Expr::value(status))
            .col_expr(mentoring_request::Column::ClosedAt, Expr::value(closed_at))
            .col_expr(mentoring_request::Column::UpdatedAt, Expr::value(now))
            .filter(mentoring_request::Column::Id.eq(found.request_id))
            .exec(&txn)
            .await?;
    }
    let summary = match &step {
        Step::End { reason, .. } => json!({ "status": step.to_state(), "reason": reason }),
        _ => json!({ "status": step.to_state() }),
    };
    audit::record(
        &txn,
        meta,
        Change::new(step.action(), "mentor_match", found.id).with(summary),
    )
    .await?;
    committed_match(txn, found.id).await
}

/// The mentor's pool agrees to lend its mentor to another pool's request: the match may go
/// on. Only coordinators of the mentor's pool (and admins) consent; `CONFLICT` when no
/// consent is awaited.
pub async fn consent(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    match_id: Uuid,
) -> ApiResult<Committed<mentor_match::Model>> {
    let (found, _, side) = access::match_side(db, &meta.viewer, match_id).await?;
    if side == MatchSide::Request && !meta.viewer.is_admin() {
        return Err(ApiError::NotAllowed(
            "only the mentor's own pool consents to lending its mentor".into(),
        ));
    }
    let now = clock::now();
    let txn = crate::db::begin_write(db).await?;
    let changed = mentor_match::Entity::update_many()
        .col_expr(
            mentor_match::Column::MentorPoolConsent,
            Expr::value(PoolConsent::Given),
        )
        .col_expr(mentor_match::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            mentor_match::Column::Version,
            Expr::col(mentor_match::Column::Version).add(1),
        )
        .filter(mentor_match::Column::Id.eq(found.id))
        .filter(mentor_match::Column::Status.eq(MatchStatus::Proposed))
        .filter(mentor_match::Column::MentorPoolConsent.eq(PoolConsent::Pending))
        .exec(&txn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(ApiError::Conflict(
            "this match awaits no consent (it is not a proposal waiting for the mentor's pool)"
                .into(),
        ));
    }
    audit::record(
        &txn,
        meta,
        Change::new("mentor_match.consent", "mentor_match", found.id)
            .with(json!({ "mentorPoolConsent": PoolConsent::Given })),
    )
    .await?;
    committed_match(txn, found.id).await
}

/// A follow-up contact with an active pair, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckIn {
    pub occurred_on: chrono::NaiveDate,
    pub kind: CheckInKind,
    pub outcome: CheckInOutcome,
    /// A short plain-text note; no sensitive details belong here.
    pub note: Option<String>,
}

/// Records a check-in on an active match.
pub async fn record_check_in(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    match_id: Uuid,
    check_in: CheckIn,
) -> ApiResult<match_check_in::Model> {
    let (found, _) = access::a_match(db, &meta.viewer, match_id).await?;
    let mut errors = Vec::new();
    let today = clock::now().date_naive();
    if check_in.occurred_on > today {
        errors.push(FieldError::new(
            "input.occurredOn",
            "must not be in the future",
        ));
    }
    if found
        .started_at
        .is_some_and(|s| check_in.occurred_on < s.date_naive())
    {
        errors.push(FieldError::new(
            "input.occurredOn",
            "must not be before the match started",
        ));
    }
    text::plain("input.note", check_in.note.as_deref(), 0, 1000, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::invalid_fields(errors));
    }
    if found.status != MatchStatus::Active {
        return Err(ApiError::Conflict(
            "check-ins are recorded on active matches".into(),
        ));
    }
    let now = clock::now();
    let id = crate::ids::new_id();
    let txn = crate::db::begin_write(db).await?;
    match_check_in::Entity::insert(match_check_in::ActiveModel {
        id: Set(id),
        match_id: Set(found.id),
        occurred_on: Set(check_in.occurred_on),
        kind: Set(check_in.kind),
        outcome: Set(check_in.outcome),
        note: Set(check_in.note.map(|n| n.trim().to_owned())),
        recorded_by: Set(meta.viewer.account_id()),
        created_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        meta,
        Change::new("mentor_match.check_in", "mentor_match", found.id)
            .with(json!({ "kind": check_in.kind, "outcome": check_in.outcome })),
    )
    .await?;
    Ok(txn.commit_returning::<match_check_in::Entity>(id).await?)
}
