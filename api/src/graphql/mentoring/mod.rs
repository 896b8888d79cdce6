//! Mentoring queries and mutations for coordinators (of the pool) and admins.

pub mod intake;
pub mod match_list;
pub mod people;
pub mod people_types;
pub mod ranking;
pub mod statistics;
pub mod types;

use std::collections::HashMap;

use async_graphql::{Context, ID, Object};
use entity::{mentor, mentoring_request};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::context::AppContext;
use crate::error::{ApiError, ApiResult};
use crate::graphql::relay::{NodeType, expect_global_id};
use crate::graphql::scalars::Date;
use crate::service::mentoring::matches::{self, Step};
use crate::service::mentoring::pools::{self, PoolSettings};
use crate::service::mentoring::{access, proposals};
use people_types::{Mentor, MentorMatch};
use ranking::{MatchReason, MentorCandidate, PoolMatchProposal, ProposedMatch, UnmatchedRequest};
use types::{MatchEndReasonGql, MentoringPool};

/// Most candidates listed at once.
const MAX_CANDIDATES: i32 = 100;

async fn mentors_by_id(
    db: &DatabaseConnection,
    ids: Vec<Uuid>,
) -> ApiResult<HashMap<Uuid, mentor::Model>> {
    Ok(mentor::Entity::find()
        .filter(mentor::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect())
}

async fn requests_by_id(
    db: &DatabaseConnection,
    ids: Vec<Uuid>,
) -> ApiResult<HashMap<Uuid, mentoring_request::Model>> {
    Ok(mentoring_request::Entity::find()
        .filter(mentoring_request::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect())
}

/// The pools among these mentors' whose people the caller sees whole (the pools the caller
/// coordinates); other pools' mentors are shown without last name and contact.
async fn disclosed_pools<'a>(
    ctx: &Context<'_>,
    mentors: impl Iterator<Item = &'a mentor::Model>,
) -> ApiResult<std::collections::HashSet<Uuid>> {
    let app = AppContext::of(ctx)?;
    let pools: Vec<Uuid> = mentors.map(|m| m.pool_id).collect();
    access::coordinated_among(&app.db, &RequestMeta::of(ctx).viewer, pools).await
}

#[derive(Default)]
pub struct MentoringQuery;

#[Object]
impl MentoringQuery {
    /// One pool the caller coordinates (admins: any); `NOT_FOUND` otherwise.
    async fn mentoring_pool(&self, ctx: &Context<'_>, id: ID) -> ApiResult<MentoringPool> {
        let app = AppContext::of(ctx)?;
        let id = expect_global_id(&id, NodeType::MentoringPool)?;
        let pool = access::pool(&app.db, &RequestMeta::of(ctx).viewer, id).await?;
        Ok(MentoringPool::new(pool))
    }

    /// The pools the caller coordinates (admins: all).
    async fn mentoring_pools(&self, ctx: &Context<'_>) -> ApiResult<Vec<MentoringPool>> {
        let app = AppContext::of(ctx)?;
        let pools = access::pools(&app.db, &RequestMeta::of(ctx).viewer).await?;
        Ok(pools.into_iter().map(MentoringPool::new).collect())
    }

    /// Mentors who may be matched with a request, best first, each with its score and the
    /// reasons for it.
    async fn mentor_candidates(
        &self,
        ctx: &Context<'_>,
        request_id: ID,
        #[graphql(default = 10)] first: i32,
    ) -> ApiResult<Vec<MentorCandidate>> {
        let app = AppContext::of(ctx)?;
        if !(1..=MAX_CANDIDATES).contains(&first) {
            return Err(ApiError::bad_input(format!(
                "`first` must lie between 1 and {MAX_CANDIDATES}"
            )));
        }
        let request_id = expect_global_id(&request_id, NodeType::MentoringRequest)?;
        let ranked = proposals::candidates(
            &app.db,
            &app.mentor_profiles,
            RequestMeta::of(ctx),
            request_id,
            usize::try_from(first).unwrap_or(0),
        )
        .await?;
        let mut mentors =
            mentors_by_id(&app.db, ranked.iter().map(|c| c.mentor_id).collect()).await?;
        let whole = disclosed_pools(ctx, mentors.values()).await?;
        Ok(ranked
            .into_iter()
            .filter_map(|c| {
                mentors.remove(&c.mentor_id).map(|m| MentorCandidate {
                    score: c.score,
                    reasons: c.reasons.iter().map(MatchReason::from).collect(),
                    mentor: {
                        let pool = m.pool_id;
                        Mentor::disclosed(m, whole.contains(&pool))
                    },
                })
            })
            .collect())
    }

    /// The assignment of the pool's waiting requests to its mentors with the highest total
    /// score under every rule and capacity; writes nothing.
    async fn propose_pool_matches(
        &self,
        ctx: &Context<'_>,
        pool_id: ID,
    ) -> ApiResult<PoolMatchProposal> {
        let app = AppContext::of(ctx)?;
        let pool_id = expect_global_id(&pool_id, NodeType::MentoringPool)?;
        let (proposal, waiting) =
            proposals::propose_pool(&app.db, &app.mentor_profiles, RequestMeta::of(ctx), pool_id)
                .await?;
        let mentors = mentors_by_id(
            &app.db,
            proposal.pairs.iter().map(|p| p.mentor_id).collect(),
        )
        .await?;
        let whole = disclosed_pools(ctx, mentors.values()).await?;
        // Only the requests the proposal did not read itself (those with a live match).
        let mut requests: HashMap<Uuid, _> = waiting.into_iter().map(|r| (r.id, r)).collect();
        let unread: Vec<Uuid> = proposal
            .pairs
            .iter()
            .map(|p| p.request_id)
            .chain(proposal.unplaced.iter().map(|u| u.request_id))
            .filter(|id| !requests.contains_key(id))
            .collect();
        if !unread.is_empty() {
            requests.extend(requests_by_id(&app.db, unread).await?);
        }
        let pairs = proposal
            .pairs
            .iter()
            .filter_map(|p| {
                Some(ProposedMatch {
                    request: requests.remove(&p.request_id)?.into(),
                    // A mentor with several places may be in several pairs.
                    mentor: {
                        let m = mentors.get(&p.mentor_id)?.clone();
                        let pool = m.pool_id;
                        Mentor::disclosed(m, whole.contains(&pool))
                    },
                    score: p.score,
                    reasons: p.reasons.iter().map(MatchReason::from).collect(),
                })
            })
            .collect();
        let unmatched_requests = proposal
            .unplaced
            .iter()
            .filter_map(|u| {
                Some(UnmatchedRequest {
                    request: requests.remove(&u.request_id)?.into(),
                    reason: u.reason.clone(),
                })
            })
            .collect();
        Ok(PoolMatchProposal {
            pairs,
            total_score: proposal.total_score,
            unmatched_requests,
        })
    }
}

/// Weights of the matching criteria, each between 0 and 10; left-out ones keep their value.
#[derive(Debug, Clone, Default, async_graphql::InputObject)]
pub struct MatchingWeightsInput {
    pub language: Option<f64>,
    pub distance: Option<f64>,
    pub availability: Option<f64>,
    pub topics: Option<f64>,
    pub load: Option<f64>,
    pub waiting: Option<f64>,
    pub distance_half_km: Option<f64>,
    pub neighbour_km: Option<f64>,
}

/// Changes to a pool's settings; left-out fields stay as they are.
#[derive(Debug, Clone, Default, async_graphql::InputObject)]
pub struct MentoringPoolInput {
    pub matching_weights: Option<MatchingWeightsInput>,
    pub allow_neighbouring_regions: Option<bool>,
    pub police_record_valid_months: Option<i32>,
    pub review_after_months: Option<i32>,
    pub request_waiting_alert_days: Option<i32>,
}

#[derive(Default)]
pub struct MentoringMutation;

async fn step(ctx: &Context<'_>, id: &ID, step: Step) -> ApiResult<MentorMatch> {
    let app = AppContext::of(ctx)?;
    let id = expect_global_id(id, NodeType::MentorMatch)?;
    let retention = app.settings.mentoring.mentoring_retention_days;
    let written = matches::advance(&app.db, RequestMeta::of(ctx), id, step, retention).await?;
    Ok(app.effects.apply(written).await.into())
}

#[Object]
impl MentoringMutation {
    /// Tunes a pool's matching (coordinators of the pool, admins).
    async fn update_mentoring_pool(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: MentoringPoolInput,
    ) -> ApiResult<MentoringPool> {
        let app = AppContext::of(ctx)?;
        let meta = RequestMeta::of(ctx);
        let id = expect_global_id(&id, NodeType::MentoringPool)?;
        let current = access::pool(&app.db, &meta.viewer, id).await?;
        let weights = match input.matching_weights {
            None => None,
            Some(w) => {
                let base = crate::matching::Weights::from_json(&current.matching_weights)
                    .unwrap_or_default();
                Some(crate::matching::Weights {
                    language: w.language.unwrap_or(base.language),
                    distance: w.distance.unwrap_or(base.distance),
                    availability: w.availability.unwrap_or(base.availability),
                    topics: w.topics.unwrap_or(base.topics),
                    load: w.load.unwrap_or(base.load),
                    waiting: w.waiting.unwrap_or(base.waiting),
                    distance_half_km: w.distance_half_km.unwrap_or(base.distance_half_km),
                    neighbour_km: w.neighbour_km.unwrap_or(base.neighbour_km),
                })
            }
        };
        let settings = PoolSettings {
            weights,
            allow_neighbouring_regions: input.allow_neighbouring_regions,
            police_record_valid_months: input.police_record_valid_months,
            review_after_months: input.review_after_months,
            request_waiting_alert_days: input.request_waiting_alert_days,
        };
        Ok(MentoringPool::new(
            pools::update(&app.db, meta, id, settings).await?,
        ))
    }

    /// Proposes a mentor for a request (coordinators of the pool). Refused with `CONFLICT`
    /// when a rule forbids the pair, the mentor has no place left or the request already
    /// has a live match.
    async fn propose_match(
        &self,
        ctx: &Context<'_>,
        request_id: ID,
        mentor_id: ID,
    ) -> ApiResult<MentorMatch> {
        let app = AppContext::of(ctx)?;
        let request_id = expect_global_id(&request_id, NodeType::MentoringRequest)?;
        let mentor_id = expect_global_id(&mentor_id, NodeType::Mentor)?;
        let written =
            matches::propose(&app.db, RequestMeta::of(ctx), request_id, mentor_id).await?;
        Ok(app.effects.apply(written).await.into())
    }

    /// The mentor's pool agrees to lend its mentor to a neighbouring pool's request
    /// (coordinators of the mentor's pool, admins); until then the match cannot be accepted
    /// or started. `declineMatch` refuses instead.
    async fn consent_to_match(&self, ctx: &Context<'_>, id: ID) -> ApiResult<MentorMatch> {
        let app = AppContext::of(ctx)?;
        let id = expect_global_id(&id, NodeType::MentorMatch)?;
        let written = matches::consent(&app.db, RequestMeta::of(ctx), id).await?;
        Ok(app.effects.apply(written).await.into())
    }

    /// Records that the mentor confirmed a proposed match.
    async fn accept_match(&self, ctx: &Context<'_>, id: ID) -> ApiResult<MentorMatch> {
        step(ctx, &id, Step::Accept).await
    }

    /// Records that the pair has met, on `startedOn` (a day since the proposal; today when
    /// left out): the match is active and its review falls due the pool's period after.
    async fn start_match(
        &self,
        ctx: &Context<'_>,
        id: ID,
        started_on: Option<Date>,
    ) -> ApiResult<MentorMatch> {
        step(
            ctx,
            &id,
            Step::Start {
                met_on: started_on.map(Into::into),
            },
        )
        .await
    }

    /// Records that the mentor (or the coordinator) declined; the pair is not proposed
    /// again.
    async fn decline_match(&self, ctx: &Context<'_>, id: ID) -> ApiResult<MentorMatch> {
        step(ctx, &id, Step::Decline).await
    }

    /// Withdraws a match that has not started.
    async fn cancel_match(&self, ctx: &Context<'_>, id: ID) -> ApiResult<MentorMatch> {
        step(ctx, &id, Step::Cancel).await
    }

    /// Ends an active match with a reason and a short evaluation (rating 1–5).
    async fn end_match(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: MatchEndReasonGql,
        evaluation: Option<String>,
        rating: Option<i32>,
    ) -> ApiResult<MentorMatch> {
        // Out of `i16` is out of 1–5 too: the service names the field for both.
        let rating = rating.map(|r| i16::try_from(r).unwrap_or(i16::MAX));
        step(
            ctx,
            &id,
            Step::End {
                reason: reason.into(),
                evaluation,
                rating,
            },
        )
        .await
    }
}
