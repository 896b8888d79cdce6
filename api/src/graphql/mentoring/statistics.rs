//! `poolStatistics` and `programmeStatistics`: counts and a median per pool and region for
//! a period, for reporting to the federal programme. No personal data.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::ApiResult;
use crate::graphql::relay::{NodeType, expect_global_id, global_id};
use crate::service::mentoring::statistics::{self, Figures, Period, PoolFigures};

/// A value and how often it occurs.
#[derive(SimpleObject)]
pub struct CodeCount {
    pub code: String,
    pub count: u64,
}

/// Mentoring figures for a period.
#[derive(SimpleObject)]
pub struct MentoringFigures {
    /// Mentors by status now.
    pub mentors_by_status: Vec<CodeCount>,
    /// Requests received in the period.
    pub requests_received: u64,
    /// Requests whose match started in the period.
    pub requests_matched: u64,
    /// Requests open now.
    pub open_requests: u64,
    /// Open now and waiting longer than the pool aims for.
    pub waiting_too_long: u64,
    /// Median days from request to the start of its match (matches started in the period).
    pub median_days_to_match: Option<f64>,
    /// Matches active now.
    pub active_matches: u64,
    /// Matches ended in the period, by reason.
    pub endings_by_reason: Vec<CodeCount>,
}

fn counts(map: std::collections::BTreeMap<String, u64>) -> Vec<CodeCount> {
    map.into_iter()
        .map(|(code, count)| CodeCount { code, count })
        .collect()
}

impl From<Figures> for MentoringFigures {
    fn from(f: Figures) -> Self {
        Self {
            mentors_by_status: counts(f.mentors_by_status),
            requests_received: f.requests_received,
            requests_matched: f.requests_matched,
            open_requests: f.open_requests,
            waiting_too_long: f.waiting_too_long,
            median_days_to_match: f.median_days_to_match,
            active_matches: f.active_matches,
            endings_by_reason: counts(f.endings_by_reason),
        }
    }
}

/// One pool's figures.
#[derive(SimpleObject)]
pub struct PoolStatistics {
    pub pool_id: ID,
    pub pool_name: String,
    pub figures: MentoringFigures,
}

impl From<PoolFigures> for PoolStatistics {
    fn from(p: PoolFigures) -> Self {
        Self {
            pool_id: global_id(NodeType::MentoringPool, p.pool_id),
            pool_name: p.name,
            figures: p.figures.into(),
        }
    }
}

/// The programme's figures: the sum, and each pool.
#[derive(SimpleObject)]
pub struct ProgrammeStatistics {
    pub total: MentoringFigures,
    pub pools: Vec<PoolStatistics>,
}

#[derive(Default)]
pub struct StatisticsQuery;

#[Object]
impl StatisticsQuery {
    /// A pool's figures for `[from, to)` (coordinators of the pool, admins).
    async fn pool_statistics(
        &self,
        ctx: &Context<'_>,
        pool_id: ID,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> ApiResult<PoolStatistics> {
        let app = AppContext::of(ctx)?;
        let pool_id = expect_global_id(&pool_id, NodeType::MentoringPool)?;
        let period = Period::new(from, to)?;
        Ok(
            statistics::pool_statistics(&app.db, RequestMeta::of(ctx), pool_id, period)
                .await?
                .into(),
        )
    }

    /// The figures of every pool the caller may see within a region (all of them without
    /// one), and their sum.
    async fn programme_statistics(
        &self,
        ctx: &Context<'_>,
        region_id: Option<ID>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> ApiResult<ProgrammeStatistics> {
        let app = AppContext::of(ctx)?;
        let region_id = region_id
            .map(|id| expect_global_id(&id, NodeType::Region))
            .transpose()?;
        let period = Period::new(from, to)?;
        let (total, pools) =
            statistics::programme_statistics(&app.db, RequestMeta::of(ctx), region_id, period)
                .await?;
        Ok(ProgrammeStatistics {
            total: total.into(),
            pools: pools.into_iter().map(Into::into).collect(),
        })
    }
}
