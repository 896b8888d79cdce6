//! A deterministic demo-data generator: providers, offers in many languages, mentoring pools,
//! mentors and open requests, spread over every district of the regions in the database.
//!
//! The same seed gives the same records (ids included); dates are relative to the day of
//! generation so that the demo stays current. Everything is fictitious: names come from
//! short lists by language community and e-mail addresses use the reserved `example.org`
//! domain.

mod geography;
mod mentoring;
pub mod names;
mod offers;
mod rng;
mod texts;

use sea_orm::DatabaseConnection;

use crate::error::{ApiError, ApiResult};
pub use geography::Geography;
pub use rng::DemoRng;

/// How much to generate.
#[derive(Debug, Clone)]
pub struct DemoSize {
    pub offers: u32,
    pub mentors: u32,
    pub requests: u32,
    pub seed: u64,
}

impl DemoSize {
    /// The set an empty installation starts with.
    pub fn small() -> Self {
        Self {
            offers: 300,
            mentors: 60,
            requests: 30,
            seed: 2026,
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub providers: usize,
    pub offers: usize,
    pub mentors: usize,
    pub requests: usize,
}

/// Generates and stores the demo data. Each batch is written in its own transaction, so a
/// large run keeps memory flat; a second run with the same seed is refused.
pub async fn seed(db: &DatabaseConnection, size: &DemoSize) -> ApiResult<DemoSummary> {
    let geography = Geography::load(db).await?;
    let mut rng = DemoRng::new(size.seed);
    let providers = offers::seed_providers(db, &geography, &mut rng, size).await?;
    let offer_count = offers::seed_offers(db, &geography, &mut rng, &providers, size).await?;
    let (mentors, requests) = mentoring::seed(db, &geography, &mut rng, size).await?;
    // Fresh statistics, so the query planners know the tables' new sizes.
    crate::db::refresh_statistics(db).await?;
    Ok(DemoSummary {
        providers: providers.len(),
        offers: offer_count,
        mentors,
        requests,
    })
}

/// The error for a seed whose data is already there.
fn already_seeded(seed: u64) -> ApiError {
    ApiError::Conflict(format!(
        "demo data for seed {seed} is already loaded; choose another --seed"
    ))
}
