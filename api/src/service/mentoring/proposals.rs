//! Ranked candidates for one request and the pool-wide proposal. Both only read: a
//! coordinator confirms a pair with `proposeMatch`. Reading a newcomer's request to rank
//! for it is itself recorded in the audit log.

use entity::mentoring_request;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::auth::RequestMeta;
use crate::clock;
use crate::error::ApiResult;
use crate::matching::assignment::{self, ScoreTable};
use crate::matching::score::{self, Candidate};
use crate::matching::{rules, score::Reason};
use crate::service::audit::{self, Change};
use crate::service::mentoring::held_profiles::HeldProfiles;
use crate::service::mentoring::{access, profiles};

/// The mentors who may be matched with a request, best first.
pub async fn candidates(
    db: &DatabaseConnection,
    held: &HeldProfiles,
    meta: &RequestMeta,
    request_id: Uuid,
    first: usize,
) -> ApiResult<Vec<Candidate>> {
    let (request, pool) = access::request(db, &meta.viewer, request_id).await?;
    let today = clock::now().date_naive();
    let rules = profiles::rules(&pool, today)?;
    if request.erased_at.is_some() {
        // Nothing of the newcomer is left to rank for.
        return Ok(Vec::new());
    }
    let (mentors, homes) = held.of_pool(db, &pool).await?;
    let profile = profiles::request(db, &request, today, &homes).await?;
    let ranked = score::rank(&profile, &mentors, &rules, first);
    read_recorded(db, meta, &request, "mentoring_request.rank").await?;
    Ok(ranked)
}

async fn read_recorded(
    db: &DatabaseConnection,
    meta: &RequestMeta,
    request: &mentoring_request::Model,
    action: &'static str,
) -> ApiResult<()> {
    audit::record(
        db,
        meta,
        Change::new(action, "mentoring_request", request.id),
    )
    .await
}

/// One pair of the proposal.
#[derive(Debug, Clone)]
pub struct ProposedPair {
    pub request_id: Uuid,
    pub mentor_id: Uuid,
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// A request the proposal could not place, and why.
#[derive(Debug, Clone)]
pub struct Unplaced {
    pub request_id: Uuid,
    pub reason: String,
}

/// The pool-wide proposal.
#[derive(Debug, Clone, Default)]
pub struct PoolProposal {
    pub pairs: Vec<ProposedPair>,
    pub total_score: f64,
    pub unplaced: Vec<Unplaced>,
}

/// The assignment of the pool's waiting requests to its mentors with the highest total
/// score under every hard rule and capacity, with the waiting requests' rows (so the
/// answer shows them without reading them again).
pub async fn propose_pool(
    db: &DatabaseConnection,
    held: &HeldProfiles,
    meta: &RequestMeta,
    pool_id: Uuid,
) -> ApiResult<(PoolProposal, Vec<mentoring_request::Model>)> {
    let pool = access::pool(db, &meta.viewer, pool_id).await?;
    let today = clock::now().date_naive();
    let rules = profiles::rules(&pool, today)?;
    let (mentors, homes) = held.of_pool(db, &pool).await?;
    let (requests, rows) = profiles::waiting_requests(db, &pool, today, &homes).await?;
    let mut proposal = assign(&requests, &mentors, &rules);
    // Open requests that already have a proposal on its way are accounted for too, so the
    // coordinator sees every open request in the answer.
    for request_id in profiles::open_with_live_match(db, &pool).await? {
        proposal.unplaced.push(Unplaced {
            request_id,
            reason: "a match is already proposed or accepted for this request".to_owned(),
        });
    }
    let txn = crate::db::begin_write(db).await?;
    // The proposal shows every waiting request: each counts as read (one multi-row insert).
    let reads = requests
        .iter()
        .map(|request| {
            Change::new("mentoring_request.read", "mentoring_request", request.id)
                .with(serde_json::json!({ "via": "proposal" }))
        })
        .chain([
            Change::new("mentoring_pool.propose", "mentoring_pool", pool.id).with(
                serde_json::json!({
                    "requests": requests.len(),
                    "pairs": proposal.pairs.len(),
                }),
            ),
        ])
        .collect();
    audit::record_many(&txn, &audit::Actor::of(meta), reads).await?;
    txn.commit().await?;
    Ok((proposal, rows))
}

/// The proposal for loaded profiles (no database): the exact assignment, with every
/// unplaced request's reason.
pub fn assign(
    requests: &[crate::matching::RequestProfile],
    mentors: &[crate::matching::MentorProfile],
    rules: &crate::matching::PoolRules,
) -> PoolProposal {
    let places: Vec<u32> = mentors
        .iter()
        .map(|m| m.capacity.saturating_sub(m.load))
        .collect();
    let mut table = ScoreTable::new(requests.len(), places);
    let mut why_not: Vec<Option<rules::Exclusion>> = vec![None; requests.len()];
    for (r, request) in requests.iter().enumerate() {
        for (m, mentor) in mentors.iter().enumerate() {
            match score::score(request, mentor, rules) {
                Ok(score) => table.set(r, m, score),
                Err(exclusion) => {
                    // Keep the most telling reason: a rule that concerns this pool.
                    if exclusion != rules::Exclusion::OtherPool {
                        why_not[r] = Some(exclusion);
                    }
                }
            }
        }
    }
    let assignment = assignment::best(&table);
    let mut proposal = PoolProposal::default();
    for (r, placed) in assignment.iter().enumerate() {
        let request = &requests[r];
        match placed {
            Some(m) => {
                let mentor = &mentors[*m];
                let reasons = score::reasons(request, mentor, rules);
                let score = reasons.iter().map(|x| x.weight * x.value).sum();
                proposal.total_score += score;
                proposal.pairs.push(ProposedPair {
                    request_id: request.id,
                    mentor_id: mentor.id,
                    score,
                    reasons,
                });
            }
            None => {
                let eligible = (0..mentors.len()).any(|m| table.get(r, m).is_some());
                let reason = if eligible {
                    "every mentor who fits is placed with a request that fits better".to_owned()
                } else {
                    match why_not[r] {
                        Some(exclusion) => {
                            format!("no mentor fits: the closest {}", exclusion.explanation())
                        }
                        None => "no active mentor in the pool".to_owned(),
                    }
                };
                proposal.unplaced.push(Unplaced {
                    request_id: request.id,
                    reason,
                });
            }
        }
    }
    proposal
}
