//! A volunteer mentor of a pool (personal data).

use crate::types::{CodeList, Gender, MentorStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "mentor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub pool_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub first_name: String,
    #[sea_orm(column_type = "Text")]
    pub last_name: String,
    #[sea_orm(column_type = "Text")]
    pub email: String,
    #[sea_orm(column_type = "Text")]
    pub phone: Option<String>,
    pub municipality_id: Option<Uuid>,
    pub gender: Option<Gender>,
    pub birth_year: Option<i32>,
    #[sea_orm(column_type = "Json")]
    pub topics: CodeList,
    pub capacity: i32,
    pub status: MentorStatus,
    pub training_completed_on: Option<Date>,
    pub police_record_issued_on: Option<Date>,
    pub code_of_conduct_signed_on: Option<Date>,
    pub consent_at: DateTimeUtc,
    pub retention_until: Option<Date>,
    pub erased_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::mentoring_pool::Entity",
        from = "Column::PoolId",
        to = "super::mentoring_pool::Column::Id"
    )]
    Pool,
    #[sea_orm(
        belongs_to = "super::region::Entity",
        from = "Column::MunicipalityId",
        to = "super::region::Column::Id"
    )]
    Municipality,
}

impl Related<super::mentoring_pool::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Pool.def()
    }
}

impl Related<super::region::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Municipality.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
