//! DataLoaders, made fresh for every request, so that a list of offers with nested providers,
//! categories, regions and translations costs one query per kind of thing, not per item.
//! Regions and categories come from the reference data held in memory, read once per
//! request at its current version.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{
    category, category_label, match_check_in, mentor, mentor_availability, mentor_language,
    mentoring_pool, mentoring_request, offer_language, offer_location, offer_schedule,
    offer_translation, provider, provider_translation, region, region_name, request_availability,
    request_language,
};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::service;
use crate::service::held_reference::{HeldReference, ReferenceData};

/// Declares a loader from record ids to what a service function returns for them.
macro_rules! loader {
    ($(#[$doc:meta])* $name:ident => $value:ty, $fetch:expr) => {
        $(#[$doc])*
        pub struct $name(DatabaseConnection);

        impl $name {
            fn made(loaders: &Loaders) -> Self {
                Self(loaders.db.clone())
            }
        }

        impl Loader<Uuid> for $name {
            type Value = $value;
            type Error = ApiError;

            async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, $value>, ApiError> {
                $fetch(&self.0, keys).await
            }
        }
    };
}

/// The reference data one request reads: asked for at its current version once, and then
/// the same for every field of the request (a subscription asks again for every event).
pub struct RequestReference {
    db: DatabaseConnection,
    held: Arc<HeldReference>,
    once: Option<tokio::sync::OnceCell<Arc<ReferenceData>>>,
}

impl RequestReference {
    async fn data(&self) -> ApiResult<Arc<ReferenceData>> {
        match &self.once {
            Some(once) => once
                .get_or_try_init(|| self.held.current(&self.db))
                .await
                .cloned(),
            None => self.held.current(&self.db).await,
        }
    }
}

/// Declares a loader that answers from the held reference data.
macro_rules! held_loader {
    ($(#[$doc:meta])* $name:ident => $value:ty, $read:ident) => {
        $(#[$doc])*
        pub struct $name(Arc<RequestReference>);

        impl $name {
            fn made(loaders: &Loaders) -> Self {
                Self(loaders.reference.clone())
            }
        }

        impl Loader<Uuid> for $name {
            type Value = $value;
            type Error = ApiError;

            async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, $value>, ApiError> {
                Ok(self.0.data().await?.$read(keys))
            }
        }
    };
}

loader!(
    /// Providers by id.
    ProviderLoader => provider::Model,
    service::offer::parts::providers
);
loader!(
    /// Descriptions by provider id.
    ProviderTranslationsLoader => Vec<provider_translation::Model>,
    service::provider::translations
);
held_loader!(
    /// Regions by id.
    RegionLoader => region::Model,
    regions
);
held_loader!(
    /// Localised names by region id.
    RegionNamesLoader => Vec<region_name::Model>,
    region_names
);
held_loader!(
    /// Postcodes by region id.
    RegionPostcodesLoader => Vec<String>,
    postcodes
);
held_loader!(
    /// Ids of the regions a region lies in, by region id.
    RegionParentsLoader => Vec<Uuid>,
    parent_ids
);
held_loader!(
    /// Ids of the regions that serve a region, by region id.
    RegionServedByLoader => Vec<Uuid>,
    served_by_ids
);
held_loader!(
    /// Categories by id.
    CategoryLoader => category::Model,
    categories
);
held_loader!(
    /// Labels by category id.
    CategoryLabelsLoader => Vec<category_label::Model>,
    category_labels
);
loader!(
    /// Translations by offer id.
    OfferTranslationsLoader => Vec<offer_translation::Model>,
    service::offer::parts::translations
);
loader!(
    /// Category ids by offer id.
    OfferCategoriesLoader => Vec<Uuid>,
    service::offer::parts::category_ids
);
loader!(
    /// Served region ids by offer id.
    OfferRegionsLoader => Vec<Uuid>,
    service::offer::parts::region_ids
);
loader!(
    /// Languages by offer id.
    OfferLanguagesLoader => Vec<offer_language::Model>,
    service::offer::parts::languages
);
loader!(
    /// Locations by offer id.
    OfferLocationsLoader => Vec<offer_location::Model>,
    service::offer::parts::locations
);
loader!(
    /// Schedules by offer id.
    OfferSchedulesLoader => Vec<offer_schedule::Model>,
    service::offer::parts::schedules
);

loader!(
    /// Languages (with proficiency) by mentor id.
    MentorLanguagesLoader => Vec<mentor_language::Model>,
    service::mentoring::people::mentor_languages
);
loader!(
    /// Weekly times by mentor id.
    MentorAvailabilityLoader => Vec<mentor_availability::Model>,
    service::mentoring::people::mentor_availability
);
loader!(
    /// Languages (with proficiency) by request id.
    RequestLanguagesLoader => Vec<request_language::Model>,
    service::mentoring::people::request_languages
);
loader!(
    /// Weekly times by request id.
    RequestAvailabilityLoader => Vec<request_availability::Model>,
    service::mentoring::people::request_availability
);
loader!(
    /// Mentors by id (whoever may see them is checked by the field that asks).
    MentorLoader => mentor::Model,
    service::mentoring::people::mentors_by_id
);
loader!(
    /// Requests by id (whoever may see them is checked by the field that asks).
    MentoringRequestLoader => mentoring_request::Model,
    service::mentoring::people::requests_by_id
);
loader!(
    /// Pools by id.
    MentoringPoolLoader => mentoring_pool::Model,
    service::mentoring::people::pools_by_id
);
loader!(
    /// Check-ins by match id, oldest first.
    MatchCheckInsLoader => Vec<match_check_in::Model>,
    service::mentoring::people::check_ins
);

/// A loader with its request-wide cache.
pub type Cached<L> = DataLoader<L, HashMapCache>;

/// Declares the set of loaders once: the struct with an accessor per loader, a fresh set
/// per request, and the set without caches for subscriptions. A loader is made the first
/// time a request asks for it: most requests use a few of them, and making all of them for
/// every request was a fixed cost of each (`{ __typename }` included).
macro_rules! loaders {
    ($($field:ident: $loader:ident),* $(,)?) => {
        /// Every loader of one request.
        pub struct Loaders {
            db: DatabaseConnection,
            reference: Arc<RequestReference>,
            /// Whether loaders keep what they read for the rest of the request.
            cached: bool,
            $($field: OnceLock<Cached<$loader>>,)*
        }

        impl Loaders {
            /// Fresh loaders (and so fresh caches) for one request.
            pub fn new(db: &DatabaseConnection, reference: &Arc<HeldReference>) -> Self {
                // A cache per request: prefetching a page's parts fills it, and each item's
                // field then reads from it (see `prefetch`).
                Self::made(db, reference, true)
            }

            /// Loaders that batch but keep nothing: for subscriptions, whose context lives
            /// as long as the connection, so a cache would serve every later event what the
            /// first one read.
            pub fn uncached(db: &DatabaseConnection, reference: &Arc<HeldReference>) -> Self {
                Self::made(db, reference, false)
            }

            fn made(db: &DatabaseConnection, reference: &Arc<HeldReference>, cached: bool) -> Self {
                Self {
                    db: db.clone(),
                    reference: Arc::new(RequestReference {
                        db: db.clone(),
                        held: reference.clone(),
                        once: cached.then(tokio::sync::OnceCell::new),
                    }),
                    cached,
                    $($field: OnceLock::new(),)*
                }
            }

            $(
                pub fn $field(&self) -> &Cached<$loader> {
                    self.$field.get_or_init(|| {
                        let loader = DataLoader::with_cache(
                            $loader::made(self),
                            tokio::spawn,
                            HashMapCache::default(),
                        );
                        loader.enable_all_cache(self.cached);
                        loader
                    })
                }
            )*
        }
    };
}

loaders! {
    provider: ProviderLoader,
    provider_translations: ProviderTranslationsLoader,
    region: RegionLoader,
    region_names: RegionNamesLoader,
    region_postcodes: RegionPostcodesLoader,
    region_parents: RegionParentsLoader,
    region_served_by: RegionServedByLoader,
    category: CategoryLoader,
    category_labels: CategoryLabelsLoader,
    offer_translations: OfferTranslationsLoader,
    offer_categories: OfferCategoriesLoader,
    offer_regions: OfferRegionsLoader,
    offer_languages: OfferLanguagesLoader,
    offer_locations: OfferLocationsLoader,
    offer_schedules: OfferSchedulesLoader,
    mentor_languages: MentorLanguagesLoader,
    mentor_availability: MentorAvailabilityLoader,
    request_languages: RequestLanguagesLoader,
    request_availability: RequestAvailabilityLoader,
    mentor: MentorLoader,
    mentoring_request: MentoringRequestLoader,
    mentoring_pool: MentoringPoolLoader,
    match_check_ins: MatchCheckInsLoader,
}

impl Loaders {
    /// The request's loaders.
    pub fn of<'a>(ctx: &'a Context<'_>) -> ApiResult<&'a Self> {
        ctx.data_opt::<Self>()
            .ok_or_else(|| ApiError::internal("request has no loaders"))
    }
}
