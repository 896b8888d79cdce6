//! What a ranking answers: candidates for a request with the reasons of their scores, and
//! the pool-wide proposal of pairs.

use async_graphql::SimpleObject;

use crate::graphql::mentoring::people_types::{Mentor, MentoringRequest};
use crate::matching::score::Reason;

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
