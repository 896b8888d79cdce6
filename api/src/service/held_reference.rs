//! Reference data held in memory: regions with their names, postcodes and edges, and
//! categories with their labels. A page of offers shows each offer's categories, regions,
//! their parents and the municipalities of providers and locations; read from the database
//! that was ten of the eighteen statements of one offer with every nested field, for data
//! that changes a few times a year.
//!
//! The data is held under the reference data version. Every write that changes it (region
//! imports, shipped reference upgrades) reports `Changed::Reference` through `Effects`,
//! which bumps the version: the next read loads afresh, on this instance and, with Redis,
//! on every other. A change made beside the platform is seen after `REFERENCE_MAX_AGE_SECS`.
//! When the version cannot be read (Redis failing), the data is read afresh.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use entity::types::RegionEdgeKind;
use entity::{category, category_label, region, region_edge, region_name, region_postcode};
use moka::future::Cache;
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};
use uuid::Uuid;

use crate::cache::redis_store::RedisStore;
use crate::cache::version::DataVersion;
use crate::error::{ApiError, ApiResult};
use crate::service::group_by;

/// Every region and category with what belongs to them, as of one version.
#[derive(Debug, Default)]
pub struct ReferenceData {
    regions: HashMap<Uuid, region::Model>,
    region_names: HashMap<Uuid, Vec<region_name::Model>>,
    postcodes: HashMap<Uuid, Vec<String>>,
    parents: HashMap<Uuid, Vec<Uuid>>,
    served_by: HashMap<Uuid, Vec<Uuid>>,
    categories: HashMap<Uuid, category::Model>,
    category_labels: HashMap<Uuid, Vec<category_label::Model>>,
}

impl ReferenceData {
    /// Reads everything: names and labels in the order the database keeps them, postcodes
    /// in ascending order, edges grouped by the region they start from.
    async fn load(db: &DatabaseConnection) -> ApiResult<Self> {
        let regions = region::Entity::find().all(db).await?;
        let region_ids: Vec<Uuid> = regions.iter().map(|r| r.id).collect();
        let names = region_name::Entity::find().all(db).await?;
        let postcodes = region_postcode::Entity::find()
            .order_by_asc(region_postcode::Column::Postcode)
            .all(db)
            .await?;
        let edges = region_edge::Entity::find().all(db).await?;
        let categories = category::Entity::find().all(db).await?;
        let category_ids: Vec<Uuid> = categories.iter().map(|c| c.id).collect();
        let labels = category_label::Entity::find().all(db).await?;

        let mut parents: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        let mut served_by: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for edge in edges {
            let targets = match edge.kind {
                RegionEdgeKind::PartOf => &mut parents,
                RegionEdgeKind::ServedBy => &mut served_by,
            };
            targets
                .entry(edge.from_region_id)
                .or_default()
                .push(edge.to_region_id);
        }
        Ok(Self {
            region_names: group_by(&region_ids, names, |n| n.region_id),
            postcodes: group_by(&region_ids, postcodes, |p| p.region_id)
                .into_iter()
                .map(|(id, rows)| (id, rows.into_iter().map(|p| p.postcode).collect()))
                .collect(),
            regions: regions.into_iter().map(|r| (r.id, r)).collect(),
            parents,
            served_by,
            category_labels: group_by(&category_ids, labels, |l| l.category_id),
            categories: categories.into_iter().map(|c| (c.id, c)).collect(),
        })
    }

    /// The regions of these ids that exist.
    pub fn regions(&self, ids: &[Uuid]) -> HashMap<Uuid, region::Model> {
        found(&self.regions, ids)
    }

    /// Localised names by region id (an empty list for a region without any).
    pub fn region_names(&self, ids: &[Uuid]) -> HashMap<Uuid, Vec<region_name::Model>> {
        every(&self.region_names, ids)
    }

    /// Postcodes by region id, in order (an empty list for a region without any).
    pub fn postcodes(&self, ids: &[Uuid]) -> HashMap<Uuid, Vec<String>> {
        every(&self.postcodes, ids)
    }

    /// The regions each region lies in directly (regions that lie in none are left out).
    pub fn parent_ids(&self, ids: &[Uuid]) -> HashMap<Uuid, Vec<Uuid>> {
        found(&self.parents, ids)
    }

    /// The regions that serve each region (regions served by none are left out).
    pub fn served_by_ids(&self, ids: &[Uuid]) -> HashMap<Uuid, Vec<Uuid>> {
        found(&self.served_by, ids)
    }

    /// The categories of these ids that exist.
    pub fn categories(&self, ids: &[Uuid]) -> HashMap<Uuid, category::Model> {
        found(&self.categories, ids)
    }

    /// Labels by category id (an empty list for a category without any).
    pub fn category_labels(&self, ids: &[Uuid]) -> HashMap<Uuid, Vec<category_label::Model>> {
        every(&self.category_labels, ids)
    }
}

/// The entries of `ids` that `held` has.
fn found<T: Clone>(held: &HashMap<Uuid, T>, ids: &[Uuid]) -> HashMap<Uuid, T> {
    ids.iter()
        .filter_map(|id| held.get(id).map(|value| (*id, value.clone())))
        .collect()
}

/// A list for every one of `ids`, empty where `held` has none.
fn every<T: Clone>(held: &HashMap<Uuid, Vec<T>>, ids: &[Uuid]) -> HashMap<Uuid, Vec<T>> {
    ids.iter()
        .map(|id| (*id, held.get(id).cloned().unwrap_or_default()))
        .collect()
}

pub struct HeldReference {
    version: DataVersion,
    held: Cache<u64, Arc<ReferenceData>>,
}

impl HeldReference {
    /// Holds reference data for at most `max_age` (changes made beside the platform).
    pub fn new(shared: Option<Arc<RedisStore>>, max_age: Duration) -> Self {
        Self {
            version: DataVersion::new("rv", shared),
            held: Cache::builder()
                .max_capacity(2)
                .time_to_live(max_age.max(Duration::from_millis(1)))
                .build(),
        }
    }

    /// The reference data as of the last write; concurrent first readers share one load.
    pub async fn current(&self, db: &DatabaseConnection) -> ApiResult<Arc<ReferenceData>> {
        let Some(version) = self.version.current().await else {
            return ReferenceData::load(db).await.map(Arc::new);
        };
        // The version is read before the load: a write committed meanwhile bumps it, so
        // what this load missed is never served under the newer version.
        self.held
            .try_get_with(version, async {
                ReferenceData::load(db).await.map(Arc::new)
            })
            .await
            .map_err(|err: Arc<ApiError>| (*err).clone())
    }

    /// Reference data changed: nothing held may be used again.
    pub async fn changed(&self) {
        self.version.bump().await;
        self.held.invalidate_all();
    }
}
