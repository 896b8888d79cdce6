//! The one place where a committed write's side effects happen, whoever made the write
//! (a GraphQL resolver, a command, a background job): subscribers are told, cached public
//! answers are dropped when the public may see the difference, held mentor profiles
//! when the matching may, held reference data when regions or categories changed, and
//! ended sign-ins everywhere they are remembered. The search work
//! needs nothing here: each write put its outbox rows in its own transaction, and the
//! indexer drops cached answers again once it has applied them (see `jobs::search_indexer`).

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::sign_ins::{SignInBounds, SignIns};
use crate::cache::responses::{CacheBounds, ResponseCache};
use crate::config::Settings;
use crate::events::{EventBus, OfferChange, publish};
use crate::service::changes::{Changed, Changes, Committed};
use crate::service::held_reference::HeldReference;
use crate::service::mentoring::held_profiles::{HeldBounds, HeldProfiles};
use crate::startup::StartError;

/// What side effects reach: the database (to describe a change), the response cache, the
/// held mentor profiles and reference data, the remembered sign-ins and the event bus.
#[derive(Clone)]
pub struct Effects {
    db: DatabaseConnection,
    responses: Arc<ResponseCache>,
    profiles: Arc<HeldProfiles>,
    reference: Arc<HeldReference>,
    sign_ins: Arc<SignIns>,
    events: Arc<EventBus>,
}

/// The shared parts side effects reach, besides the database.
pub struct Reach {
    pub responses: Arc<ResponseCache>,
    pub profiles: Arc<HeldProfiles>,
    pub reference: Arc<HeldReference>,
    pub sign_ins: Arc<SignIns>,
    pub events: Arc<EventBus>,
}

impl Effects {
    pub fn new(db: DatabaseConnection, reach: Reach) -> Self {
        Self {
            db,
            responses: reach.responses,
            profiles: reach.profiles,
            reference: reach.reference,
            sign_ins: reach.sign_ins,
            events: reach.events,
        }
    }

    /// The side effects of a command run beside the servers: with `REDIS_URL` they reach
    /// every running instance (shared cache version, event channel); without Redis the
    /// servers learn of the change through the search outbox, whose indexer drops their
    /// cached answers once it has applied the rows.
    pub fn for_command(db: DatabaseConnection, settings: &Settings) -> Result<Self, StartError> {
        let redis = crate::startup::open_redis(settings)?;
        let responses = Arc::new(ResponseCache::new(
            redis.clone(),
            std::time::Duration::from_secs(settings.caches.response_cache_secs),
            CacheBounds {
                max_bytes: 0,
                max_entry_bytes: 0,
            },
        ));
        // Holds nothing: it is there to bump the shared version for the servers.
        let profiles = Arc::new(HeldProfiles::new(
            redis.clone(),
            HeldBounds {
                max_mentors: 0,
                max_age: std::time::Duration::from_secs(1),
            },
        ));
        // Holds nothing: it is there to bump the shared version for the servers.
        let reference = Arc::new(HeldReference::new(
            redis.clone(),
            std::time::Duration::from_secs(1),
        ));
        // Remembers nothing: it is there to announce ended sign-ins to the servers.
        let sign_ins = Arc::new(SignIns::new(
            redis.clone(),
            SignInBounds {
                remember: std::time::Duration::ZERO,
                max_remembered: 0,
                announce_ended: settings.access_token_lifetime(),
            },
        ));
        Ok(Self::new(
            db,
            Reach {
                responses,
                profiles,
                reference,
                sign_ins,
                events: Arc::new(EventBus::new(redis)),
            },
        ))
    }

    /// Runs the side effects of a committed write and hands over its result.
    pub async fn apply<T>(&self, committed: Committed<T>) -> T {
        let (value, changes) = committed.into_parts();
        self.changed(&changes).await;
        value
    }

    /// Runs the side effects of `changes`.
    pub async fn changed(&self, changes: &Changes) {
        // Dropped before anyone is told, so a subscriber that reads on an event reads afresh.
        if changes.touches_public() {
            self.responses.bump().await;
        }
        if changes.touches_reference() {
            self.reference.changed().await;
        }
        if changes.touches_matching() {
            self.profiles.changed().await;
        }
        for change in changes.iter() {
            match *change {
                Changed::Offer {
                    id,
                    was_public,
                    is_public,
                } => {
                    let kind = match (was_public, is_public) {
                        (false, true) => OfferChange::Published,
                        (true, true) => OfferChange::Updated,
                        (true, false) => OfferChange::Withdrawn,
                        (false, false) => continue,
                    };
                    publish::offer_changed(&self.db, &self.events, id, kind).await;
                }
                Changed::Match { id } => publish::match_changed(&self.db, &self.events, id).await,
                Changed::SignInEnded { session } => self.sign_ins.ended(session).await,
                Changed::Provider { .. } | Changed::Mentor { .. } | Changed::Reference => {}
            }
        }
    }

    /// Drops cached public answers (the search index changed under them).
    pub async fn search_index_changed(&self) {
        self.responses.bump().await;
    }
}
