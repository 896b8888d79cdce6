//! A newcomer's request for a mentor (personal data).

use crate::types::{CodeList, Gender, RequestSource, RequestStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "mentoring_request")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub pool_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub first_name: String,
    #[sea_orm(column_type = "Text")]
    pub email: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub phone: Option<String>,
    pub municipality_id: Option<Uuid>,
    #[sea_orm(column_type = "Json")]
    pub topics: CodeList,
    pub preferred_mentor_gender: Option<Gender>,
    pub source: RequestSource,
    pub status: RequestStatus,
    pub consent_at: DateTimeUtc,
    pub retention_until: Date,
    pub closed_at: Option<DateTimeUtc>,
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
