//! What this instance knows of live sign-ins, so a request with an access token costs no
//! database statement: the staff member a sign-in names (account, role, scopes) is
//! remembered for `SESSION_CACHE_SECS` after the database was last asked. An ended sign-in
//! is forgotten at once on this instance and, with Redis, marked revoked for every other
//! instance, which read that mark on every request. The database stays the source of
//! truth: what is not remembered is read from it.

use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use crate::auth::StaffViewer;
use crate::cache::redis_store::RedisStore;
use crate::cache::sessions;

/// What is known of a sign-in before the database is asked.
#[derive(Debug, PartialEq, Eq)]
pub enum Known {
    /// Ended (signed out or revoked) on some instance.
    Ended,
    /// Live, with the staff member it names, as read within the remembering window.
    Remembered(StaffViewer),
    /// Not known here; `live` tells whether Redis has seen it live within the window, which
    /// spares the liveness lookup.
    Unknown { live: bool },
}

/// How long and how many sign-ins are remembered, and how long an ended one is announced.
#[derive(Debug, Clone, Copy)]
pub struct SignInBounds {
    /// How long a sign-in read from the database is taken for live (0: always ask).
    pub remember: Duration,
    /// How many sign-ins one instance remembers at most.
    pub max_remembered: u64,
    /// How long an ended sign-in's access tokens can still be presented.
    pub announce_ended: Duration,
}

pub struct SignIns {
    /// `None` when remembering is off (a window of 0, or a command that serves nobody).
    remembered: Option<moka::sync::Cache<Uuid, StaffViewer>>,
    shared: Option<Arc<RedisStore>>,
    bounds: SignInBounds,
}

impl SignIns {
    pub fn new(shared: Option<Arc<RedisStore>>, bounds: SignInBounds) -> Self {
        let remembered = (!bounds.remember.is_zero() && bounds.max_remembered > 0).then(|| {
            moka::sync::Cache::builder()
                .max_capacity(bounds.max_remembered)
                .time_to_live(bounds.remember)
                .build()
        });
        Self {
            remembered,
            shared,
            bounds,
        }
    }

    /// What is known of `session` (signed in as `account`) without the database.
    pub async fn known(&self, session: Uuid, account: Uuid) -> Known {
        let mut live = false;
        if let Some(store) = &self.shared {
            match sessions::state(store, session).await {
                Ok(Some(false)) => {
                    self.forget(session);
                    return Known::Ended;
                }
                Ok(Some(true)) => live = true,
                Ok(None) => {}
                // Memory and the database still answer; only other instances' sign-outs
                // are unseen until Redis answers again.
                Err(err) => err.log("session states in Redis unavailable"),
            }
        }
        match self
            .remembered
            .as_ref()
            .and_then(|cache| cache.get(&session))
        {
            // A token of another account naming this sign-in is never served from it.
            Some(viewer) if viewer.account_id == account => Known::Remembered(viewer),
            _ => Known::Unknown { live },
        }
    }

    /// The database found this sign-in live: remember it here and, with Redis, for every
    /// instance.
    pub async fn remember(&self, viewer: &StaffViewer) {
        if let Some(cache) = &self.remembered {
            cache.insert(viewer.session_id, viewer.clone());
        }
        if let Some(store) = &self.shared
            && !self.bounds.remember.is_zero()
            && let Err(err) =
                sessions::remember_live(store, viewer.session_id, self.bounds.remember).await
        {
            err.log("could not remember a live session in Redis");
        }
    }

    /// A sign-in ended: no instance may serve it from memory any more.
    pub async fn ended(&self, session: Uuid) {
        self.forget(session);
        if let Some(store) = &self.shared
            && let Err(err) =
                sessions::announce_revoked(store, session, self.bounds.announce_ended).await
        {
            err.log("could not announce a revoked sign-in in Redis");
        }
    }

    fn forget(&self, session: Uuid) {
        if let Some(cache) = &self.remembered {
            cache.invalidate(&session);
        }
    }
}
