//! A language a mentor speaks, and how well.

use crate::types::Proficiency;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "mentor_language")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub mentor_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    #[sea_orm(column_type = "Text")]
    pub language: String,
    pub proficiency: Proficiency,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::mentor::Entity",
        from = "Column::MentorId",
        to = "super::mentor::Column::Id"
    )]
    Mentor,
}

impl Related<super::mentor::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Mentor.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
