//! Shared application state, handed to every resolver through the schema's data, and what
//! each request adds to it (the viewer, the calling client, a request id).

use std::sync::Arc;

use async_graphql::Context;
use sea_orm::DatabaseConnection;
use secrecy::ExposeSecret;

use crate::auth::TokenKeys;
use crate::auth::password::Hasher;
use crate::auth::sign_ins::{SignInBounds, SignIns};
use crate::auth::throttle::{SignInThrottle, ThrottleLimits};
use crate::breaker::CircuitBreaker;
use crate::cache::memory::MemoryLimiter;
use crate::cache::persisted::PersistedQueries;
use crate::cache::redis_limiter::RedisLimiter;
use crate::cache::redis_store::RedisStore;
use crate::cache::responses::{CacheBounds, ResponseCache};
use crate::cache::{Limiters, RateLimiter};
use crate::config::Settings;
use crate::effects::{Effects, Reach};
use crate::error::{ApiError, ApiResult};
use crate::events::EventBus;
use crate::metrics::Metrics;
use crate::network::connection_count::ConnectionCounter;
use crate::search::SearchIndex;
use crate::search::embedded::EmbeddedIndex;
use crate::search::meili::{MeiliConfig, MeiliIndex};
use crate::search::terms::{LiveTerms, Thesaurus};
use crate::service::counts::RememberedCounts;
use crate::service::held_reference::HeldReference;
use crate::service::identity::Identity;
use crate::service::mentoring::held_profiles::{HeldBounds, HeldProfiles};
use crate::service::search::{EngineGuard, SearchEngines};
use crate::service::search_misses::MissTally;
use crate::startup::StartError;

/// What every request can reach: the database pool, the settings, the token keys and the
/// sign-in throttle.
#[derive(Clone)]
pub struct AppContext {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub tokens: Arc<TokenKeys>,
    pub login_throttle: Arc<SignInThrottle>,
    pub passwords: Arc<Hasher>,
    pub search: Arc<dyn SearchIndex>,
    /// The term file in use (the shipped file with the canton's rows), for reading queries.
    pub thesaurus: Arc<LiveTerms>,
    /// Words of searches that found nothing, not yet written.
    pub search_misses: Arc<MissTally>,
    /// Stops asking a failing search engine for a while.
    pub search_breaker: Arc<CircuitBreaker>,
    /// Request rate limits, shared through Redis when configured.
    pub limiters: Arc<Limiters>,
    /// The shared Redis, when `REDIS_URL` names one.
    pub redis: Option<Arc<RedisStore>>,
    /// Answers to anonymous catalogue reads.
    pub responses: Arc<ResponseCache>,
    /// Totals of public lists, remembered per data version.
    pub counts: Arc<RememberedCounts>,
    /// Query texts clients persisted, found by their hash.
    pub persisted: Arc<PersistedQueries>,
    /// Change events for subscriptions, shared through Redis when configured.
    pub events: Arc<EventBus>,
    /// Request counters and latencies for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// One permit per open subscription connection (`WS_MAX_CONNECTIONS`).
    pub ws_slots: Arc<tokio::sync::Semaphore>,
    /// Open connections per client network (`MAX_CONNECTIONS_PER_ADDRESS`).
    pub connections: Arc<ConnectionCounter>,
    /// Candidate mentors of each pool as rankings read them (kept current by `effects`).
    pub mentor_profiles: Arc<HeldProfiles>,
    /// Regions and categories as pages show them (kept current by `effects`).
    pub reference: Arc<HeldReference>,
    /// Live sign-ins this instance remembers (ended ones are forgotten by `effects`).
    pub sign_ins: Arc<SignIns>,
    /// Turns what writes changed into events and cache invalidation.
    pub effects: Effects,
}

impl AppContext {
    /// What the sign-in services use of the application.
    pub fn identity(&self) -> Identity<'_> {
        Identity {
            db: &self.db,
            tokens: &self.tokens,
            passwords: &self.passwords,
            throttle: &self.login_throttle,
            sign_ins: &self.sign_ins,
            settings: &self.settings.auth,
        }
    }

    /// Loads the token keys and opens the search index the settings name; fails when they
    /// are missing or unusable.
    pub async fn new(db: DatabaseConnection, settings: Settings) -> Result<Self, StartError> {
        let thesaurus = crate::service::search_terms::in_use(&db)
            .await
            .map_err(|err| StartError::Data(err.detail()))?;
        let search = open_search(&settings, &thesaurus)?;
        Self::with_search(db, settings, search, Arc::new(LiveTerms::new(thesaurus)))
    }

    /// Like [`new`](Self::new), with a search index that is already open.
    pub fn with_search(
        db: DatabaseConnection,
        settings: Settings,
        search: Arc<dyn SearchIndex>,
        thesaurus: Arc<LiveTerms>,
    ) -> Result<Self, StartError> {
        let tokens = TokenKeys::from_settings(&settings)?;
        let redis = crate::startup::open_redis(&settings)?;
        let login_throttle = SignInThrottle::new(
            ThrottleLimits {
                per_account: settings.auth.login_max_failures_per_account,
                per_address: settings.auth.login_max_failures_per_address,
                window: std::time::Duration::from_secs(settings.auth.login_throttle_window_secs),
            },
            redis.clone(),
        );
        let hashing_threads = settings.auth.password_hash_concurrency;
        let settings_cache_secs = settings.caches.response_cache_secs;
        let cache_bounds = CacheBounds {
            max_bytes: settings.caches.response_cache_max_bytes,
            max_entry_bytes: settings.caches.response_cache_max_entry_bytes,
        };
        let settings_persisted_ttl = settings.queries.persisted_query_ttl_secs;
        let settings_persisted_bytes = settings.queries.persisted_query_cache_bytes;
        let settings_ws_connections = settings.http.ws_max_connections;
        let settings_count_bytes = settings.caches.count_cache_bytes;
        let settings_miss_words = settings.search.search_miss_max_words;
        let connections = Arc::new(ConnectionCounter::new(
            settings.http.max_connections_per_address,
        ));
        let shared_limiter: Option<Arc<dyn RateLimiter>> = redis
            .clone()
            .map(|store| Arc::new(RedisLimiter::new(store)) as Arc<dyn RateLimiter>);
        let limiters = Arc::new(Limiters::new(shared_limiter, MemoryLimiter::default()));
        let search_breaker = CircuitBreaker::new(
            "search engine",
            settings.search.search_breaker_failures,
            std::time::Duration::from_secs(settings.search.search_breaker_cooldown_secs),
        );
        let responses = Arc::new(ResponseCache::new(
            redis.clone(),
            std::time::Duration::from_secs(settings_cache_secs),
            cache_bounds,
        ));
        let events = Arc::new(EventBus::new(redis.clone()));
        let mentor_profiles = Arc::new(HeldProfiles::new(
            redis.clone(),
            HeldBounds {
                max_mentors: settings.mentoring.mentor_profile_cache_mentors,
                max_age: std::time::Duration::from_secs(
                    settings.mentoring.mentor_profile_max_age_secs,
                ),
            },
        ));
        let sign_ins = Arc::new(SignIns::new(
            redis.clone(),
            SignInBounds {
                remember: std::time::Duration::from_secs(settings.auth.session_cache_secs),
                max_remembered: settings.auth.session_cache_sign_ins,
                announce_ended: settings.access_token_lifetime(),
            },
        ));
        let reference = Arc::new(HeldReference::new(
            redis.clone(),
            std::time::Duration::from_secs(settings.caches.reference_max_age_secs),
        ));
        let effects = Effects::new(
            db.clone(),
            Reach {
                responses: responses.clone(),
                profiles: mentor_profiles.clone(),
                reference: reference.clone(),
                sign_ins: sign_ins.clone(),
                events: events.clone(),
            },
        );
        Ok(Self {
            db,
            settings: Arc::new(settings),
            tokens: Arc::new(tokens),
            login_throttle: Arc::new(login_throttle),
            passwords: Arc::new(Hasher::new(hashing_threads)),
            search,
            thesaurus,
            search_misses: Arc::new(MissTally::new(settings_miss_words)),
            search_breaker: Arc::new(search_breaker),
            limiters,
            responses,
            counts: Arc::new(RememberedCounts::new(settings_count_bytes)),
            persisted: Arc::new(PersistedQueries::new(
                redis.clone(),
                std::time::Duration::from_secs(settings_persisted_ttl),
                settings_persisted_bytes,
            )),
            events,
            mentor_profiles,
            reference,
            sign_ins,
            effects,
            metrics: Arc::new(Metrics::default()),
            ws_slots: Arc::new(tokio::sync::Semaphore::new(settings_ws_connections)),
            connections,
            redis,
        })
    }

    /// How searches guard themselves against a failing engine.
    pub fn search_guard(&self) -> EngineGuard<'_> {
        EngineGuard {
            breaker: &self.search_breaker,
            timeout: std::time::Duration::from_millis(
                self.settings.search.search_timeout_ms.max(1),
            ),
        }
    }

    /// Where searches run, and within the settings' limits.
    pub fn search_engines(&self) -> SearchEngines<'_> {
        SearchEngines {
            db: &self.db,
            index: &*self.search,
            guard: self.search_guard(),
            thesaurus: self.thesaurus.current(),
            misses: &self.search_misses,
            max_query_chars: self.settings.search.search_max_query_chars,
            max_page: self.settings.queries.max_page_size as usize,
        }
    }

    /// The application context of a resolver.
    pub fn of<'a>(ctx: &'a Context<'_>) -> ApiResult<&'a Self> {
        ctx.data_opt::<Self>()
            .ok_or_else(|| ApiError::internal("schema was built without the application context"))
    }
}

/// The search engine the settings name: Meilisearch when `MEILI_URL` is set, the embedded
/// index otherwise.
fn open_search(
    settings: &Settings,
    thesaurus: &Thesaurus,
) -> Result<Arc<dyn SearchIndex>, StartError> {
    match settings.search.meili_url.as_deref().map(str::trim) {
        Some(url) if !url.is_empty() => {
            let config = MeiliConfig {
                url: url.to_owned(),
                api_key: settings
                    .search
                    .meili_api_key
                    .as_ref()
                    .map(|key| key.expose_secret().to_owned()),
                index: settings.search.meili_index.clone(),
                task_timeout: std::time::Duration::from_secs(
                    settings.search.meili_task_timeout_secs,
                ),
                max_total_hits: settings.search.meili_max_total_hits,
            };
            let index = MeiliIndex::new(config, thesaurus.clone())
                .map_err(|err| StartError::Data(err.to_string()))?;
            Ok(Arc::new(index))
        }
        _ => {
            let index = EmbeddedIndex::open(&settings.effective_search_dir(), thesaurus.clone())
                .map_err(|err| StartError::Data(format!("cannot open the search index: {err}")))?
                .searching_at_once(settings.search.search_threads);
            Ok(Arc::new(index))
        }
    }
}
