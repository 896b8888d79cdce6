//! A pillar or programme area of the offer taxonomy.

use crate::types::CategoryKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "category")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub code: String,
    pub kind: CategoryKind,
    pub parent_id: Option<Uuid>,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::category::Entity",
        from = "Column::ParentId",
        to = "super::category::Column::Id"
    )]
    Parent,
}

impl ActiveModelBehavior for ActiveModel {}
