//! DataLoaders, made fresh for every request, so that a list of offers with nested providers,
//! categories, regions and translations costs one query per kind of thing, not per item.

use std::collections::HashMap;

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{
    category, category_label, offer_language, offer_location, offer_schedule, offer_translation,
    provider, provider_translation, region, region_name,
};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::service;

/// Declares a loader from record ids to what a service function returns for them.
macro_rules! loader {
    ($(#[$doc:meta])* $name:ident => $value:ty, $fetch:expr) => {
        $(#[$doc])*
        pub struct $name(DatabaseConnection);

        impl Loader<Uuid> for $name {
            type Value = $value;
            type Error = ApiError;

            async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, $value>, ApiError> {
                $fetch(&self.0, keys).await
            }
        }
    };
}

loader!(
    /// Providers by id.
    ProviderLoader => provider::Model,
    service::offer_parts::providers
);
loader!(
    /// Descriptions by provider id.
    ProviderTranslationsLoader => Vec<provider_translation::Model>,
    service::provider::translations
);
loader!(
    /// Regions by id.
    RegionLoader => region::Model,
    service::region::by_ids
);
loader!(
    /// Localised names by region id.
    RegionNamesLoader => Vec<region_name::Model>,
    service::region::names
);
loader!(
    /// Postcodes by region id.
    RegionPostcodesLoader => Vec<String>,
    service::region::postcodes
);
loader!(
    /// Ids of the regions a region lies in, by region id.
    RegionParentsLoader => Vec<Uuid>,
    service::region::parent_ids
);
loader!(
    /// Ids of the regions that serve a region, by region id.
    RegionServedByLoader => Vec<Uuid>,
    service::region::served_by_ids
);
loader!(
    /// Categories by id.
    CategoryLoader => category::Model,
    service::category::by_ids
);
loader!(
    /// Labels by category id.
    CategoryLabelsLoader => Vec<category_label::Model>,
    service::category::labels
);
loader!(
    /// Translations by offer id.
    OfferTranslationsLoader => Vec<offer_translation::Model>,
    service::offer_parts::translations
);
loader!(
    /// Category ids by offer id.
    OfferCategoriesLoader => Vec<Uuid>,
    service::offer_parts::category_ids
);
loader!(
    /// Served region ids by offer id.
    OfferRegionsLoader => Vec<Uuid>,
    service::offer_parts::region_ids
);
loader!(
    /// Languages by offer id.
    OfferLanguagesLoader => Vec<offer_language::Model>,
    service::offer_parts::languages
);
loader!(
    /// Locations by offer id.
    OfferLocationsLoader => Vec<offer_location::Model>,
    service::offer_parts::locations
);
loader!(
    /// Schedules by offer id.
    OfferSchedulesLoader => Vec<offer_schedule::Model>,
    service::offer_parts::schedules
);

/// A loader with its request-wide cache.
pub type Cached<L> = DataLoader<L, HashMapCache>;

/// Every loader of one request.
pub struct Loaders {
    pub provider: Cached<ProviderLoader>,
    pub provider_translations: Cached<ProviderTranslationsLoader>,
    pub region: Cached<RegionLoader>,
    pub region_names: Cached<RegionNamesLoader>,
    pub region_postcodes: Cached<RegionPostcodesLoader>,
    pub region_parents: Cached<RegionParentsLoader>,
    pub region_served_by: Cached<RegionServedByLoader>,
    pub category: Cached<CategoryLoader>,
    pub category_labels: Cached<CategoryLabelsLoader>,
    pub offer_translations: Cached<OfferTranslationsLoader>,
    pub offer_categories: Cached<OfferCategoriesLoader>,
    pub offer_regions: Cached<OfferRegionsLoader>,
    pub offer_languages: Cached<OfferLanguagesLoader>,
    pub offer_locations: Cached<OfferLocationsLoader>,
    pub offer_schedules: Cached<OfferSchedulesLoader>,
}

impl Loaders {
    /// Fresh loaders (and so fresh caches) for one request.
    pub fn new(db: &DatabaseConnection) -> Self {
        // A cache per request: prefetching a page's parts fills it, and each item's field
        // then reads from it (see `prefetch`).
        fn make<L>(loader: L) -> DataLoader<L, HashMapCache> {
            DataLoader::with_cache(loader, tokio::spawn, HashMapCache::default())
        }
        Self {
            provider: make(ProviderLoader(db.clone())),
            provider_translations: make(ProviderTranslationsLoader(db.clone())),
            region: make(RegionLoader(db.clone())),
            region_names: make(RegionNamesLoader(db.clone())),
            region_postcodes: make(RegionPostcodesLoader(db.clone())),
            region_parents: make(RegionParentsLoader(db.clone())),
            region_served_by: make(RegionServedByLoader(db.clone())),
            category: make(CategoryLoader(db.clone())),
            category_labels: make(CategoryLabelsLoader(db.clone())),
            offer_translations: make(OfferTranslationsLoader(db.clone())),
            offer_categories: make(OfferCategoriesLoader(db.clone())),
            offer_regions: make(OfferRegionsLoader(db.clone())),
            offer_languages: make(OfferLanguagesLoader(db.clone())),
            offer_locations: make(OfferLocationsLoader(db.clone())),
            offer_schedules: make(OfferSchedulesLoader(db.clone())),
        }
    }

    /// Loaders that batch but keep nothing: for subscriptions, whose context lives as long
    /// as the connection, so a cache would serve every later event what the first one read.
    pub fn uncached(db: &DatabaseConnection) -> Self {
        let loaders = Self::new(db);
        loaders.provider.enable_all_cache(false);
        loaders.provider_translations.enable_all_cache(false);
        loaders.region.enable_all_cache(false);
        loaders.region_names.enable_all_cache(false);
        loaders.region_postcodes.enable_all_cache(false);
        loaders.region_parents.enable_all_cache(false);
        loaders.region_served_by.enable_all_cache(false);
        loaders.category.enable_all_cache(false);
        loaders.category_labels.enable_all_cache(false);
        loaders.offer_translations.enable_all_cache(false);
        loaders.offer_categories.enable_all_cache(false);
        loaders.offer_regions.enable_all_cache(false);
        loaders.offer_languages.enable_all_cache(false);
        loaders.offer_locations.enable_all_cache(false);
        loaders.offer_schedules.enable_all_cache(false);
        loaders
    }

    /// The request's loaders.
    pub fn of<'a>(ctx: &'a Context<'_>) -> ApiResult<&'a Self> {
        ctx.data_opt::<Self>().ok_or_else(|| {
            tracing::error!("request has no loaders");
            ApiError::Internal
        })
    }
}
