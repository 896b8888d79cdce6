//! A pool's settings: the matching weights and the rules' periods, tuned by its
//! coordinators.

use entity::mentoring_pool;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::clock;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::matching::Weights;
use crate::service::audit::{self, Change};
use crate::service::mentoring::access;

/// Changes to a pool's settings; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PoolSettings {
    pub weights: Option<Weights>,
    pub allow_neighbouring_regions: Option<bool>,
    pub police_record_valid_months: Option<i32>,
    pub review_after_months: Option<i32>,
    pub request_waiting_alert_days: Option<i32>,
}

/// Opening a pool to its neighbours, and how far its coordinators may reach into them, are
/// the canton's decisions: they let one pool's coordinators see (without contact details)
/// and borrow other pools' volunteers. Coordinators may send the current values back, as
/// forms do, but not change them.
fn reserved_to_admins(
    meta: &RequestMeta,
    pool: &mentoring_pool::Model,
    settings: &PoolSettings,
) -> ApiResult<()> {
    if meta.viewer.is_admin() {
        return Ok(());
    }
    let current = Weights::from_json(&pool.matching_weights).unwrap_or_default();
    let opens = settings
        .allow_neighbouring_regions
        .is_some_and(|allow| allow != pool.allow_neighbouring_regions);
    let reaches = settings
        .weights
        .is_some_and(|w| w.neighbour_km != current.neighbour_km);
    if opens || reaches {
        return Err(ApiError::NotAllowed(
            "only administrators open a pool to neighbouring pools or change neighbourKm".into(),
        ));
    }
    Ok(())
}

/// Applies the changes; every bad value is reported at once and nothing is changed.
pub async fn update(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    pool_id: Uuid,
    settings: PoolSettings,
) -> ApiResult<mentoring_pool::Model> {
    let pool = access::pool(db, &meta.viewer, pool_id).await?;
    reserved_to_admins(meta, &pool, &settings)?;
    let mut errors = Vec::new();
    if let Some(weights) = &settings.weights
        && let Err(message) = weights.check()
    {
        errors.push(FieldError::new("input.matchingWeights", message));
    }
    for (field, value, max) in [
        (
            "input.policeRecordValidMonths",
            settings.police_record_valid_months,
            120,
        ),
        ("input.reviewAfterMonths", settings.review_after_months, 60),
        (
            "input.requestWaitingAlertDays",
            settings.request_waiting_alert_days,
            365,
        ),
    ] {
        if value.is_some_and(|v| !(1..=max).contains(&v)) {
            errors.push(FieldError::new(
                field,
                format!("must lie between 1 and {max}"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid_fields(errors));
    }
    let mut update = mentoring_pool::Entity::update_many()
        .col_expr(mentoring_pool::Column::UpdatedAt, Expr::value(clock::now()));
    let mut changed = Vec::new();
    if let Some(weights) = settings.weights {
        let stored = serde_json::to_value(weights).map_err(|err| {
            ApiError::internal(format_args!("matching weights could not be encoded: {err}"))
        })?;
        update = update.col_expr(mentoring_pool::Column::MatchingWeights, Expr::value(stored));
        changed.push("matchingWeights");
    }
    if let Some(value) = settings.allow_neighbouring_regions {
        update = update.col_expr(
            mentoring_pool::Column::AllowNeighbouringRegions,
            Expr::value(value),
        );
        changed.push("allowNeighbouringRegions");
    }
    for (column, value, name) in [
        (
            mentoring_pool::Column::PoliceRecordValidMonths,
            settings.police_record_valid_months,
            "policeRecordValidMonths",
        ),
        (
            mentoring_pool::Column::ReviewAfterMonths,
            settings.review_after_months,
            "reviewAfterMonths",
        ),
        (
            mentoring_pool::Column::RequestWaitingAlertDays,
            settings.request_waiting_alert_days,
            "requestWaitingAlertDays",
        ),
    ] {
        if let Some(value) = value {
            update = update.col_expr(column, Expr::value(value));
            changed.push(name);
        }
    }
    let txn = crate::db::begin_write(db).await?;
    update
        .filter(mentoring_pool::Column::Id.eq(pool.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        meta,
        Change::new("mentoring_pool.update", "mentoring_pool", pool.id)
            .with(json!({ "fields": changed })),
    )
    .await?;
    let updated = txn
        .commit_returning::<mentoring_pool::Entity>(pool.id)
        .await?;
    Ok(updated)
}
