//! The figures a canton reports to the federal programme, per pool and summed over a
//! region, for a period: counts and a median only, never a person. Erased records still
//! count, as anonymous rows.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entity::types::{MatchEndReason, MatchStatus, MentorStatus, RequestStatus};
use entity::{mentor, mentor_match, mentoring_pool, mentoring_request};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::clock;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::service::mentoring::access;
use crate::service::region;

/// A period, `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Period {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Period {
    /// Checks the bounds: `from` before `to`.
    pub fn new(from: DateTime<Utc>, to: DateTime<Utc>) -> ApiResult<Self> {
        if from >= to {
            return Err(ApiError::invalid_fields(vec![FieldError::new(
                "to",
                "must be after `from`",
            )]));
        }
        Ok(Self { from, to })
    }

    fn holds(&self, at: DateTime<Utc>) -> bool {
        self.from <= at && at < self.to
    }
}

/// The figures of one pool, or of several summed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Mentors by status now (erased mentors count as retired).
    pub mentors_by_status: BTreeMap<String, u64>,
    /// Requests received in the period.
    pub requests_received: u64,
    /// Requests whose match started in the period.
    pub requests_matched: u64,
    /// Requests open now.
    pub open_requests: u64,
    /// Open now, and waiting longer than the pool aims for.
    pub waiting_too_long: u64,
    /// Median days from request to the start of its match, over matches started in the
    /// period.
    pub median_days_to_match: Option<f64>,
    /// Matches active now.
    pub active_matches: u64,
    /// Matches ended in the period, by reason.
    pub endings_by_reason: BTreeMap<String, u64>,
}

/// One pool's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolFigures {
    pub pool_id: Uuid,
    pub name: String,
    pub figures: Figures,
}

fn code<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// Computes the figures of the given pools.
async fn figures(
    db: &DatabaseConnection,
    pools: &[mentoring_pool::Model],
    period: Period,
) -> ApiResult<Vec<PoolFigures>> {
    let ids: Vec<Uuid> = pools.iter().map(|p| p.id).collect();
    let now = clock::now();
    let mentors: Vec<(Uuid, MentorStatus)> = mentor::Entity::find()
        .select_only()
        .columns([mentor::Column::PoolId, mentor::Column::Status])
        .filter(mentor::Column::PoolId.is_in(ids.clone()))
        .into_tuple()
        .all(db)
        .await?;
    let requests: Vec<(Uuid, Uuid, RequestStatus, DateTime<Utc>)> =
        mentoring_request::Entity::find()
            .select_only()
            .columns([
                mentoring_request::Column::Id,
                mentoring_request::Column::PoolId,
                mentoring_request::Column::Status,
                mentoring_request::Column::CreatedAt,
            ])
            .filter(mentoring_request::Column::PoolId.is_in(ids.clone()))
            .into_tuple()
            .all(db)
            .await?;
    let of_pools = Query::select()
        .column(mentoring_request::Column::Id)
        .from(mentoring_request::Entity)
        .and_where(Expr::col(mentoring_request::Column::PoolId).is_in(ids))
        .to_owned();
    type MatchRow = (
        Uuid,
        MatchStatus,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        Option<MatchEndReason>,
    );
    let matches: Vec<MatchRow> = mentor_match::Entity::find()
        .select_only()
        .columns([
            mentor_match::Column::RequestId,
            mentor_match::Column::Status,
            mentor_match::Column::StartedAt,
            mentor_match::Column::EndedAt,
            mentor_match::Column::EndReason,
        ])
        .filter(mentor_match::Column::RequestId.in_subquery(of_pools))
        .into_tuple()
        .all(db)
        .await?;
    let request_pool: BTreeMap<Uuid, (Uuid, DateTime<Utc>)> = requests
        .iter()
        .map(|(id, pool, _, created)| (*id, (*pool, *created)))
        .collect();

    let mut out = Vec::new();
    for pool in pools {
        let mut f = Figures::default();
        for (_, status) in mentors.iter().filter(|(p, _)| *p == pool.id) {
            *f.mentors_by_status.entry(code(status)).or_default() += 1;
        }
        let alert = chrono::Duration::days(i64::from(pool.request_waiting_alert_days));
        for (_, _, status, created) in requests.iter().filter(|r| r.1 == pool.id) {
            if period.holds(*created) {
                f.requests_received += 1;
            }
            if *status == RequestStatus::Open {
                f.open_requests += 1;
                if *created < now - alert {
                    f.waiting_too_long += 1;
                }
            }
        }
        let mut days = Vec::new();
        for (request, status, started, ended, reason) in &matches {
            let Some((owner, created)) = request_pool.get(request) else {
                continue;
            };
            if *owner != pool.id {
                continue;
            }
            if *status == MatchStatus::Active {
                f.active_matches += 1;
            }
            if let Some(started) = started
                && period.holds(*started)
            {
                f.requests_matched += 1;
                days.push((*started - *created).num_seconds() as f64 / 86_400.0);
            }
            if let (Some(ended), Some(reason)) = (ended, reason)
                && period.holds(*ended)
            {
                *f.endings_by_reason.entry(code(reason)).or_default() += 1;
            }
        }
        f.median_days_to_match = median(days).map(|d| (d * 10.0).round() / 10.0);
        out.push(PoolFigures {
            pool_id: pool.id,
            name: pool.name.clone(),
            figures: f,
        });
    }
    Ok(out)
}

/// One pool's figures (its coordinators and admins).
pub async fn pool_statistics(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    pool_id: Uuid,
    period: Period,
) -> ApiResult<PoolFigures> {
    let pool = access::pool(db, &meta.viewer, pool_id).await?;
    figures(db, &[pool], period)
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("the figures of one pool came back empty"))
}

/// The figures of every pool the caller may see within a region (the whole programme
/// without one), with their sum. The median of the sum is over all pools' matches.
pub async fn programme_statistics(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    region_id: Option<Uuid>,
    period: Period,
) -> ApiResult<(Figures, Vec<PoolFigures>)> {
    let mut pools = access::pools(db, &meta.viewer).await?;
    if let Some(region_id) = region_id {
        let mut inside = Vec::new();
        for pool in pools {
            if region::upward(db, pool.region_id)
                .await?
                .contains(&region_id)
            {
                inside.push(pool);
            }
        }
        pools = inside;
    }
    let per_pool = figures(db, &pools, period).await?;
    let mut total = Figures::default();
    for p in &per_pool {
        let f = &p.figures;
        for (k, v) in &f.mentors_by_status {
            *total.mentors_by_status.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &f.endings_by_reason {
            *total.endings_by_reason.entry(k.clone()).or_default() += v;
        }
        total.requests_received += f.requests_received;
        total.requests_matched += f.requests_matched;
        total.open_requests += f.open_requests;
        total.waiting_too_long += f.waiting_too_long;
        total.active_matches += f.active_matches;
    }
    // The median of medians is not the median: compute it again over every pool's matches.
    let all = figures_median(db, &pools, period).await?;
    total.median_days_to_match = all;
    Ok((total, per_pool))
}

async fn figures_median(
    db: &DatabaseConnection,
    pools: &[mentoring_pool::Model],
    period: Period,
) -> ApiResult<Option<f64>> {
    let ids: Vec<Uuid> = pools.iter().map(|p| p.id).collect();
    let rows: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = mentor_match::Entity::find()
        .select_only()
        .column(mentoring_request::Column::CreatedAt)
        .column(mentor_match::Column::StartedAt)
        .inner_join(mentoring_request::Entity)
        .filter(mentoring_request::Column::PoolId.is_in(ids))
        .filter(mentor_match::Column::StartedAt.gte(period.from))
        .filter(mentor_match::Column::StartedAt.lt(period.to))
        .into_tuple()
        .all(db)
        .await?;
    let days = rows
        .into_iter()
        .filter_map(|(created, started)| {
            started.map(|s| (s - created).num_seconds() as f64 / 86_400.0)
        })
        .collect();
    Ok(median(days).map(|d| (d * 10.0).round() / 10.0))
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }
}
