//! Matching mentors with newcomers' requests, without the database: who may be matched
//! at all (the hard rules), how well a pair fits (soft criteria with per-pool weights, each
//! explained in words), and the pool-wide assignment that maximises the total fit under
//! every mentor's capacity. The mentoring service loads the profiles and calls in here.

pub mod assignment;
pub mod rules;
pub mod score;
pub mod weights;

use chrono::NaiveDate;
use entity::types::{Gender, Proficiency};
use uuid::Uuid;

pub use weights::Weights;

/// What mentors help with and newcomers ask for.
pub const TOPICS: [&str; 8] = [
    "PAPERWORK",
    "JOB_SEARCH",
    "SCHOOL",
    "GERMAN_CONVERSATION",
    "LEISURE",
    "HOUSING",
    "HEALTH",
    "CHILDCARE",
];

/// A weekly time window, in minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// ISO weekday, Monday = 1.
    pub weekday: i16,
    pub start: u32,
    pub end: u32,
}

/// A mentor as the matching sees them.
#[derive(Debug, Clone, PartialEq)]
pub struct MentorProfile {
    pub id: Uuid,
    pub pool_id: Uuid,
    /// ACTIVE, and not erased.
    pub active: bool,
    pub training_completed_on: Option<NaiveDate>,
    pub police_record_issued_on: Option<NaiveDate>,
    pub code_of_conduct_signed_on: Option<NaiveDate>,
    pub gender: Option<Gender>,
    pub languages: Vec<(String, Proficiency)>,
    /// Centre of the home municipality (lat, lon).
    pub home: Option<(f64, f64)>,
    /// The home municipality and its district, when known.
    pub area: Option<HomeArea>,
    pub availability: Vec<Slot>,
    pub topics: Vec<String>,
    pub capacity: u32,
    /// Matches proposed, accepted or active now.
    pub load: u32,
}

/// The municipality someone lives in and its district: what the distance reason may say
/// when two homes share a map point (a municipality's centre is all that is known of a
/// home).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HomeArea {
    pub municipality: Uuid,
    pub district: Option<Uuid>,
}

/// A request as the matching sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestProfile {
    pub id: Uuid,
    pub pool_id: Uuid,
    pub preferred_mentor_gender: Option<Gender>,
    pub languages: Vec<(String, Proficiency)>,
    pub home: Option<(f64, f64)>,
    /// The home municipality and its district, when known.
    pub area: Option<HomeArea>,
    pub availability: Vec<Slot>,
    pub topics: Vec<String>,
    /// Days since the request came in.
    pub waiting_days: u32,
    /// Mentors who declined this request, or were declined for it.
    pub declined_by: Vec<Uuid>,
}

/// What the rules of a pool say beyond the weights.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolRules {
    pub pool_id: Uuid,
    /// Mentors of other pools living within `weights.neighbour_km` of the newcomer may be
    /// matched too.
    pub allow_neighbouring: bool,
    pub police_record_valid_months: u32,
    /// Days after which a waiting request counts as waiting too long.
    pub waiting_alert_days: u32,
    pub weights: Weights,
    pub today: NaiveDate,
}
