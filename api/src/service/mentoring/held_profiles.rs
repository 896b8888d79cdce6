//! The candidate mentors of each pool, held in memory so that a ranking reads no mentor
//! rows: loading some 10,000 profiles with their languages, weekly times and current load
//! took hundreds of milliseconds of SQL per ranking, the ranking itself a few.
//!
//! Profiles are held under the mentoring data version. Every write that changes what the
//! matching reads (a mentor's application, screening, status or erasure; a match's state,
//! which is a mentor's load; region coordinates) reports it through `Effects`, which bumps
//! the version: the next ranking loads afresh, on this instance and, with Redis, on every
//! other. Concurrent rankings of one pool share one load. When the version cannot be read
//! (Redis failing), rankings load afresh rather than risk stale profiles.

use std::sync::Arc;
use std::time::Duration;

use entity::mentoring_pool;
use moka::future::Cache;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::cache::redis_store::RedisStore;
use crate::cache::version::DataVersion;
use crate::error::{ApiError, ApiResult};
use crate::matching::MentorProfile;
use crate::service::mentoring::profiles::{self, Homes};

/// Which mentors a pool's rankings consider: its own, or with neighbouring pools allowed
/// every active mentor (one set shared by all such pools).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Scope {
    Pool(Uuid),
    EveryPool,
}

impl Scope {
    fn of(pool: &mentoring_pool::Model) -> Self {
        if pool.allow_neighbouring_regions {
            Self::EveryPool
        } else {
            Self::Pool(pool.id)
        }
    }
}

/// How much is held, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldBounds {
    /// Mentors held over every scope.
    pub max_mentors: u64,
    /// The longest a set is used (changes made beside the platform).
    pub max_age: Duration,
}

pub type Profiles = Arc<Vec<MentorProfile>>;

pub struct HeldProfiles {
    version: DataVersion,
    held: Cache<(Scope, u64), Profiles>,
    /// Where homes lie, for mentors and requests alike.
    homes: Cache<u64, Arc<Homes>>,
}

impl HeldProfiles {
    pub fn new(shared: Option<Arc<RedisStore>>, bounds: HeldBounds) -> Self {
        Self {
            version: DataVersion::new("mv", shared),
            held: Cache::builder()
                .max_capacity(bounds.max_mentors)
                .weigher(|_, profiles: &Profiles| {
                    u32::try_from(profiles.len().saturating_add(1)).unwrap_or(u32::MAX)
                })
                .time_to_live(bounds.max_age.max(Duration::from_millis(1)))
                .build(),
            homes: Cache::builder()
                .max_capacity(2)
                .time_to_live(bounds.max_age.max(Duration::from_millis(1)))
                .build(),
        }
    }

    /// A pool's candidate mentors and where homes lie (municipalities' map points and
    /// districts), as of the last write: the data version is asked once.
    pub async fn of_pool(
        &self,
        db: &DatabaseConnection,
        pool: &mentoring_pool::Model,
    ) -> ApiResult<(Profiles, Arc<Homes>)> {
        let Some(version) = self.version.current().await else {
            let homes = Homes::load(db).await?;
            let mentors = profiles::candidate_mentors(db, pool, &homes).await?;
            return Ok((Arc::new(mentors), Arc::new(homes)));
        };
        let homes = self.homes_at(db, version).await?;
        // The version is read before the load: a write committed meanwhile bumps it, so
        // what this load missed is never served under the newer version.
        let mentors = self
            .held
            .try_get_with((Scope::of(pool), version), async {
                profiles::candidate_mentors(db, pool, &homes)
                    .await
                    .map(Arc::new)
            })
            .await
            .map_err(|err: Arc<ApiError>| (*err).clone())?;
        Ok((mentors, homes))
    }

    async fn homes_at(&self, db: &DatabaseConnection, version: u64) -> ApiResult<Arc<Homes>> {
        self.homes
            .try_get_with(version, async { Homes::load(db).await.map(Arc::new) })
            .await
            .map_err(|err: Arc<ApiError>| (*err).clone())
    }

    /// What the matching reads changed: no held profile may be used again.
    pub async fn changed(&self) {
        self.version.bump().await;
        // Keys carry the version, so older sets can no longer be found; this frees them.
        self.held.invalidate_all();
        self.homes.invalidate_all();
    }
}
