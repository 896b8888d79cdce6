//! Mentoring in GraphQL: pools, mentors, requests, matches, ranked candidates and the
//! pool-wide proposal. Every type here carries personal data and is reached only through
//! resolvers that checked the caller coordinates the pool.

use async_graphql::{Enum, ID, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{mentor, mentor_match, mentoring_pool, mentoring_request};

use crate::graphql::relay::{NodeType, global_id};
use crate::matching::score::Reason;

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

/// The weights of the matching criteria in a pool.
#[derive(SimpleObject)]
pub struct MatchingWeights {
    pub language: f64,
    pub distance: f64,
    pub availability: f64,
    pub topics: f64,
    pub load: f64,
    pub waiting: f64,
    /// Kilometres over which the distance score halves.
    pub distance_half_km: f64,
    /// How far mentors of neighbouring pools may live (when the pool allows them).
    pub neighbour_km: f64,
}

/// A regional mentoring pool.
#[derive(SimpleObject)]
pub struct MentoringPool {
    pub id: ID,
    pub name: String,
    pub description: Option<String>,
    pub region_id: ID,
    pub allow_neighbouring_regions: bool,
    pub matching_weights: MatchingWeights,
    /// Months a police record extract stays valid.
    pub police_record_valid_months: i32,
    pub review_after_months: i32,
    pub request_waiting_alert_days: i32,
}

impl MentoringPool {
    pub fn new(m: mentoring_pool::Model) -> Self {
        let w = crate::matching::Weights::from_json(&m.matching_weights).unwrap_or_default();
        Self {
            id: global_id(NodeType::MentoringPool, m.id),
            region_id: global_id(NodeType::Region, m.region_id),
            name: m.name,
            description: m.description,
            allow_neighbouring_regions: m.allow_neighbouring_regions,
            matching_weights: MatchingWeights {
                language: w.language,
                distance: w.distance,
                availability: w.availability,
                topics: w.topics,
                load: w.load,
                waiting: w.waiting,
                distance_half_km: w.distance_half_km,
                neighbour_km: w.neighbour_km,
            },
            police_record_valid_months: m.police_record_valid_months,
            review_after_months: m.review_after_months,
            request_waiting_alert_days: m.request_waiting_alert_days,
        }
    }
}

/// A volunteer mentor. A mentor of a neighbouring pool, shown as a candidate to a pool that
/// may borrow them, comes without last name and contact: those stay with the coordinators
/// of the mentor's own pool (`lastName`, `email` and `phone` are null).
#[derive(SimpleObject)]
pub struct Mentor {
    pub id: ID,
    pub pool_id: ID,
    pub first_name: String,
    /// Null for a mentor of another pool.
    pub last_name: Option<String>,
    /// Null for a mentor of another pool.
    pub email: Option<String>,
    /// Null when unknown, and for a mentor of another pool.
    pub phone: Option<String>,
    pub status: MentorStatusGql,
    /// Mentees at once.
    pub capacity: i32,
    /// What the mentor helps with.
    pub topics: Vec<String>,
    pub training_completed_on: Option<NaiveDate>,
    /// Issue date of the police record extract.
    pub police_record_issued_on: Option<NaiveDate>,
    pub code_of_conduct_signed_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

impl Mentor {
    /// The mentor as the caller may see them: whole for coordinators of the mentor's pool,
    /// without last name and contact for coordinators of a pool that may borrow them.
    pub fn disclosed(m: mentor::Model, whole: bool) -> Self {
        let mut mentor = Self::from(m);
        if !whole {
            mentor.last_name = None;
            mentor.email = None;
            mentor.phone = None;
        }
        mentor
    }
}

impl From<mentor::Model> for Mentor {
    fn from(m: mentor::Model) -> Self {
        Self {
            id: global_id(NodeType::Mentor, m.id),
            pool_id: global_id(NodeType::MentoringPool, m.pool_id),
            first_name: m.first_name,
            last_name: Some(m.last_name),
            email: Some(m.email),
            phone: m.phone,
            status: m.status.into(),
            capacity: m.capacity,
            topics: m.topics.0,
            training_completed_on: m.training_completed_on,
            police_record_issued_on: m.police_record_issued_on,
            code_of_conduct_signed_on: m.code_of_conduct_signed_on,
            created_at: m.created_at,
        }
    }
}

/// A newcomer's request for a mentor.
#[derive(SimpleObject)]
pub struct MentoringRequest {
    pub id: ID,
    pub pool_id: ID,
    /// First name or pseudonym, as the newcomer chose.
    pub first_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub status: RequestStatusGql,
    /// What the newcomer would like help with.
    pub topics: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl From<mentoring_request::Model> for MentoringRequest {
    fn from(m: mentoring_request::Model) -> Self {
        Self {
            id: global_id(NodeType::MentoringRequest, m.id),
            pool_id: global_id(NodeType::MentoringPool, m.pool_id),
            first_name: m.first_name,
            email: m.email,
            phone: m.phone,
            status: m.status.into(),
            topics: m.topics.0,
            created_at: m.created_at,
        }
    }
}

/// One criterion's part of a score.
#[derive(SimpleObject, Clone)]
pub struct MatchReason {
    /// `language`, `distance`, `availability`, `topics`, `load` or `waiting`.
    pub criterion: String,
    pub weight: f64,
    /// How well the pair does on it, from 0 to 1.
    pub value: f64,
    /// In words, e.g. "both speak Tigrinya (fluently)", "4 km apart".
    pub explanation: String,
}

impl From<&Reason> for MatchReason {
    fn from(r: &Reason) -> Self {
        Self {
            criterion: r.criterion.to_owned(),
            weight: r.weight,
            value: r.value,
            explanation: r.explanation.clone(),
        }
    }
}

/// A mentor who may be matched with a request.
#[derive(SimpleObject)]
pub struct MentorCandidate {
    pub mentor: Mentor,
    pub score: f64,
    pub reasons: Vec<MatchReason>,
}

/// One pair of a pool-wide proposal.
#[derive(SimpleObject)]
pub struct ProposedMatch {
    pub request: MentoringRequest,
    pub mentor: Mentor,
    pub score: f64,
    pub reasons: Vec<MatchReason>,
}

/// A request the proposal could not place.
#[derive(SimpleObject)]
pub struct UnmatchedRequest {
    pub request: MentoringRequest,
    pub reason: String,
}

/// The assignment of a pool's waiting requests with the highest total score; nothing is
/// written until a coordinator confirms a pair with `proposeMatch`.
#[derive(SimpleObject)]
pub struct PoolMatchProposal {
    pub pairs: Vec<ProposedMatch>,
    pub total_score: f64,
    pub unmatched_requests: Vec<UnmatchedRequest>,
}

/// How to reach a newcomer.
#[derive(SimpleObject)]
pub struct NewcomerContact {
    pub first_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A match of a mentor with a request.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct MentorMatch {
    #[graphql(skip)]
    pub match_id: uuid::Uuid,
    pub id: ID,
    pub request_id: ID,
    pub mentor_id: ID,
    pub status: MatchStatusGql,
    /// For a mentor of a neighbouring pool: whether that pool agreed to lend them. A
    /// match waiting for it cannot be accepted or started.
    pub mentor_pool_consent: MentorPoolConsent,
    pub score: Option<f64>,
    pub proposed_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// When the coordinator reviews how the match goes.
    pub review_due_on: Option<NaiveDate>,
    pub end_reason: Option<MatchEndReasonGql>,
}

impl From<mentor_match::Model> for MentorMatch {
    fn from(m: mentor_match::Model) -> Self {
        Self {
            match_id: m.id,
            id: global_id(NodeType::MentorMatch, m.id),
            request_id: global_id(NodeType::MentoringRequest, m.request_id),
            mentor_id: global_id(NodeType::Mentor, m.mentor_id),
            status: m.status.into(),
            mentor_pool_consent: m.mentor_pool_consent.into(),
            score: m.score,
            proposed_at: m.proposed_at,
            accepted_at: m.accepted_at,
            started_at: m.started_at,
            ended_at: m.ended_at,
            review_due_on: m.review_due_on,
            end_reason: m.end_reason.map(Into::into),
        }
    }
}

#[async_graphql::ComplexObject]
impl MentorMatch {
    /// The newcomer's first name and contact, to pass on to the mentor: only while the
    /// match is ACTIVE (null otherwise). Each disclosure is recorded in the audit log.
    async fn newcomer_contact(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> crate::error::ApiResult<Option<NewcomerContact>> {
        let app = crate::context::AppContext::of(ctx)?;
        let meta = crate::context::RequestMeta::of(ctx);
        let contact =
            crate::service::mentoring::people::newcomer_contact(&app.db, meta, self.match_id)
                .await?;
        Ok(contact.map(|c| NewcomerContact {
            first_name: c.first_name,
            email: c.email,
            phone: c.phone,
        }))
    }
}
