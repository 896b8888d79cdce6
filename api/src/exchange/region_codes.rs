//! Regions by code: CSV files name regions and municipalities by their codes (`SO-D-GAEU`,
//! `SO-2601`), which people can read and which stay the same across installations.

use std::collections::HashMap;

use entity::region;
use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect};
use uuid::Uuid;

use crate::error::ApiResult;

/// Every region's code and id, both ways.
#[derive(Debug, Clone, Default)]
pub struct RegionCodes {
    /// By upper-cased code: codes are matched without regard to case.
    by_code: HashMap<String, Uuid>,
    by_id: HashMap<Uuid, String>,
}

impl RegionCodes {
    /// Reads every region's code (a canton holds a few hundred, all of Switzerland a few
    /// thousand).
    pub async fn load<C: ConnectionTrait>(db: &C) -> ApiResult<Self> {
        let rows: Vec<(Uuid, String)> = region::Entity::find()
            .select_only()
            .column(region::Column::Id)
            .column(region::Column::Code)
            .into_tuple()
            .all(db)
            .await?;
        Ok(Self::from_pairs(rows))
    }

    /// From `(id, code)` pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Uuid, String)>) -> Self {
        let mut codes = Self::default();
        for (id, code) in pairs {
            codes.by_code.insert(code.to_uppercase(), id);
            codes.by_id.insert(id, code);
        }
        codes
    }

    /// The region with this code (or with this id, which exports write for a region that
    /// has no code).
    pub fn id(&self, code: &str) -> Option<Uuid> {
        let code = code.trim();
        self.by_code.get(&code.to_uppercase()).copied().or_else(|| {
            Uuid::parse_str(code)
                .ok()
                .filter(|id| self.by_id.contains_key(id))
        })
    }

    /// The code of this region.
    pub fn code(&self, id: Uuid) -> Option<&str> {
        self.by_id.get(&id).map(String::as_str)
    }
}
