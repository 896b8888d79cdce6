//! A typed edge between two regions: `from` is part of, or served by, `to`.

use crate::types::RegionEdgeKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "region_edge")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub from_region_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub to_region_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: RegionEdgeKind,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::region::Entity",
        from = "Column::FromRegionId",
        to = "super::region::Column::Id"
    )]
    FromRegion,
    #[sea_orm(
        belongs_to = "super::region::Entity",
        from = "Column::ToRegionId",
        to = "super::region::Column::Id"
    )]
    ToRegion,
}

impl ActiveModelBehavior for ActiveModel {}
