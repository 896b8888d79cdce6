//! Screening volunteers: coordinators record the intro training, the police record
//! extract (with its issue date; it expires after the pool's period) and the signed code of
//! conduct, and move mentors between states. Only a fully screened mentor with a valid
//! extract becomes ACTIVE.

use chrono::NaiveDate;
use entity::mentor;
use entity::mentor_match;
use entity::types::MentorStatus;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::clock;
use crate::db::WriteTransaction;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::matching::rules::police_record_valid;
use crate::service::audit::{self, Change};
use crate::service::changes::{Changed, Changes, Committed};
use crate::service::mentoring::{access, profiles};

/// A screening step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreeningStep {
    IntroTraining,
    PoliceRecord,
    CodeOfConduct,
}

impl ScreeningStep {
    fn name(self) -> &'static str {
        match self {
            Self::IntroTraining => "INTRO_TRAINING",
            Self::PoliceRecord => "POLICE_RECORD",
            Self::CodeOfConduct => "CODE_OF_CONDUCT",
        }
    }
}

/// Records a step done on `on` (the extract's issue date for the police record). A mentor
/// who only applied is now being screened.
pub async fn screen(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    mentor_id: Uuid,
    step: ScreeningStep,
    on: NaiveDate,
) -> ApiResult<Committed<mentor::Model>> {
    let (found, _) = access::mentor(db, &meta.viewer, mentor_id).await?;
    if found.erased_at.is_some() {
        return Err(ApiError::NotFound("mentor"));
    }
    if on > clock::now().date_naive() {
        return Err(ApiError::invalid_fields(vec![FieldError::new(
            "on",
            "must not be in the future",
        )]));
    }
    let column = match step {
        ScreeningStep::IntroTraining => mentor::Column::TrainingCompletedOn,
        ScreeningStep::PoliceRecord => mentor::Column::PoliceRecordIssuedOn,
        ScreeningStep::CodeOfConduct => mentor::Column::CodeOfConductSignedOn,
    };
    let now = clock::now();
    let txn = crate::db::begin_write(db).await?;
    let mut update = mentor::Entity::update_many()
        .col_expr(column, Expr::value(on))
        .col_expr(mentor::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            mentor::Column::Version,
            Expr::col(mentor::Column::Version).add(1),
        );
    if found.status == MentorStatus::Applied {
        update = update.col_expr(mentor::Column::Status, Expr::value(MentorStatus::Screening));
    }
    update
        .filter(mentor::Column::Id.eq(found.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        meta,
        Change::new("mentor.screen", "mentor", found.id).with(json!({ "step": step.name() })),
    )
    .await?;
    committed_mentor(txn, found.id).await
}

/// The steps a mentor still lacks (or whose extract has expired).
pub fn missing_steps(
    found: &mentor::Model,
    valid_months: u32,
    today: NaiveDate,
) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if found.training_completed_on.is_none() {
        missing.push("intro training");
    }
    match found.police_record_issued_on {
        None => missing.push("police record extract"),
        Some(issued) if !police_record_valid(issued, valid_months, today) => {
            missing.push("a police record extract that has not expired");
        }
        Some(_) => {}
    }
    if found.code_of_conduct_signed_on.is_none() {
        missing.push("signed code of conduct");
    }
    missing
}

/// Moves a mentor to `status`. ACTIVE needs every screening step (and a valid extract);
/// RETIRED needs the mentor's matches to have ended.
pub async fn set_status(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    mentor_id: Uuid,
    status: MentorStatus,
    retention_days: u32,
) -> ApiResult<Committed<mentor::Model>> {
    let (found, pool) = access::mentor(db, &meta.viewer, mentor_id).await?;
    if found.erased_at.is_some() {
        return Err(ApiError::NotFound("mentor"));
    }
    let today = clock::now().date_naive();
    if status == MentorStatus::Active {
        let valid_months = u32::try_from(pool.police_record_valid_months).unwrap_or(0);
        let missing = missing_steps(&found, valid_months, today);
        if !missing.is_empty() {
            return Err(ApiError::Conflict(format!(
                "screening is not complete: missing {}",
                missing.join(", ")
            )));
        }
    }
    let now = clock::now();
    let txn = crate::db::begin_write(db).await?;
    // A retired mentor's data is kept for the retention period, then erased.
    let retention = (status == MentorStatus::Retired)
        .then(|| super::intake::retention_after(now, retention_days));
    let changed = mentor::Entity::update_many()
        .col_expr(mentor::Column::RetentionUntil, Expr::value(retention))
        .col_expr(mentor::Column::Status, Expr::value(status))
        .col_expr(mentor::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            mentor::Column::Version,
            Expr::col(mentor::Column::Version).add(1),
        )
        .filter(mentor::Column::Id.eq(found.id))
        .filter(mentor::Column::Version.eq(found.version))
        .exec(&txn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(ApiError::Conflict(
            "the mentor was changed at the same time; try again".into(),
        ));
    }
    if status == MentorStatus::Retired {
        let live = mentor_match::Entity::find()
            .filter(mentor_match::Column::MentorId.eq(found.id))
            .filter(mentor_match::Column::Status.is_in(profiles::LIVE))
            .count(&txn)
            .await?;
        if live > 0 {
            return Err(ApiError::Conflict(
                "the mentor has live matches; end or cancel them first".into(),
            ));
        }
    }
    audit::record(
        &txn,
        meta,
        Change::new("mentor.status", "mentor", found.id)
            .with(json!({ "from": found.status, "to": status })),
    )
    .await?;
    committed_mentor(txn, found.id).await
}

/// Commits a write of the mentor `id`, handing back the mentor as stored.
async fn committed_mentor(txn: WriteTransaction, id: Uuid) -> ApiResult<Committed<mentor::Model>> {
    let stored = txn.commit_returning::<mentor::Entity>(id).await?;
    Ok(Committed::new(stored, Changes::one(Changed::Mentor { id })))
}
