//! Retention of mentoring records and the candidate profiles held in memory.

use clap::Args;

/// Retention of mentoring records and the candidate profiles held in memory.
#[derive(Debug, Clone, Args)]
pub struct MentoringSettings {
    /// Days a closed mentoring request keeps its personal data before it is anonymised.
    #[arg(
        long,
        env = "MENTORING_RETENTION_DAYS",
        default_value_t = 365,
        global = true
    )]
    pub mentoring_retention_days: u32,

    /// Seconds between runs of the job that anonymises closed requests past retention.
    #[arg(
        long,
        env = "RETENTION_INTERVAL_SECS",
        default_value_t = 3600,
        global = true
    )]
    pub retention_interval_secs: u64,

    /// Mentors whose matching profiles one instance holds in memory for rankings, over
    /// every pool; the least used pools are dropped first.
    #[arg(
        long,
        env = "MENTOR_PROFILE_CACHE_MENTORS",
        default_value_t = 100_000,
        global = true
    )]
    pub mentor_profile_cache_mentors: u64,

    /// Seconds a pool's held mentor profiles are used at most. Writes through the platform
    /// replace them at once; this bounds how long a change made beside it (by hand in the
    /// database, or by a command without Redis) stays unseen by rankings.
    #[arg(
        long,
        env = "MENTOR_PROFILE_MAX_AGE_SECS",
        default_value_t = 300,
        global = true
    )]
    pub mentor_profile_max_age_secs: u64,
}
