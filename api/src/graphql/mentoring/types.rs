//! Mentoring in GraphQL: pools, mentors, requests, matches, ranked candidates and the
//! pool-wide proposal. Every type here carries personal data and is reached only through
//! resolvers that checked the caller coordinates the pool.

use async_graphql::{Enum, ID, SimpleObject};

use entity::mentoring_pool;

use crate::graphql::relay::{NodeType, global_id};

/// Where a mentor stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "MentorStatus", remote = "entity::types::MentorStatus")]
pub enum MentorStatusGql {
    Applied,
    Screening,
    Active,
    Paused,
    Retired,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(
    name = "MentoringRequestStatus",
    remote = "entity::types::RequestStatus"
)]
pub enum RequestStatusGql {
    Open,
    Matched,
    Closed,
}

/// Where a match stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "MatchStatus", remote = "entity::types::MatchStatus")]
pub enum MatchStatusGql {
    Proposed,
    Accepted,
    Active,
    Ended,
    Declined,
    Cancelled,
}

/// Whether the mentor's own pool agreed to lend them to another pool's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum MentorPoolConsent {
    /// The mentor belongs to the request's pool (or an admin proposed them).
    NotNeeded,
    /// Waiting for a coordinator of the mentor's pool (`consentToMatch` or `declineMatch`).
    Pending,
    Given,
    Refused,
}

impl From<Option<entity::types::PoolConsent>> for MentorPoolConsent {
    fn from(consent: Option<entity::types::PoolConsent>) -> Self {
        use entity::types::PoolConsent;
        match consent {
            None => Self::NotNeeded,
            Some(PoolConsent::Pending) => Self::Pending,
            Some(PoolConsent::Given) => Self::Given,
            Some(PoolConsent::Refused) => Self::Refused,
        }
    }
}

/// Why a match ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "MatchEndReason", remote = "entity::types::MatchEndReason")]
pub enum MatchEndReasonGql {
    Completed,
    MenteeLeft,
    MentorLeft,
    MovedAway,
    NoContact,
    Mismatch,
    Other,
}

/// A regional mentoring pool.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct MentoringPool {
    #[graphql(skip)]
    pub region_uuid: uuid::Uuid,
    #[graphql(owned)]
    pub id: ID,
    pub name: String,
    pub description: Option<String>,
    pub region_id: ID,
    pub allow_neighbouring_regions: bool,
    pub matching_weights: crate::matching::Weights,
    /// Months a police record extract stays valid.
    pub police_record_valid_months: i32,
    pub review_after_months: i32,
    pub request_waiting_alert_days: i32,
}

impl MentoringPool {
    pub fn new(m: mentoring_pool::Model) -> Self {
        let w = crate::matching::Weights::from_json(&m.matching_weights).unwrap_or_default();
        Self {
            region_uuid: m.region_id,
            id: global_id(NodeType::MentoringPool, m.id),
            region_id: global_id(NodeType::Region, m.region_id),
            name: m.name,
            description: m.description,
            allow_neighbouring_regions: m.allow_neighbouring_regions,
            matching_weights: w,
            police_record_valid_months: m.police_record_valid_months,
            review_after_months: m.review_after_months,
            request_waiting_alert_days: m.request_waiting_alert_days,
        }
    }
}

#[async_graphql::ComplexObject]
impl MentoringPool {
    /// The region the pool serves.
    async fn region(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> crate::error::ApiResult<Option<crate::graphql::region::Region>> {
        let region = crate::graphql::loader::Loaders::of(ctx)?
            .region()
            .load_one(self.region_uuid)
            .await?;
        Ok(region.map(|m| {
            crate::graphql::region::Region::new(m, crate::graphql::locale::Lang::resolve(ctx, None))
        }))
    }
}

/// How to reach a newcomer.
#[derive(SimpleObject)]
pub struct NewcomerContact {
    pub first_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}
