//! An organisation that runs offers.

use crate::types::ProviderKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "provider")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub slug: String,
    pub kind: ProviderKind,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub default_locale: String,
    #[sea_orm(column_type = "Text")]
    pub email: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub phone: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub website: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub street: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub postcode: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub locality: Option<String>,
    pub municipality_id: Option<Uuid>,
    pub verified: bool,
    pub trusted: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::region::Entity",
        from = "Column::MunicipalityId",
        to = "super::region::Column::Id"
    )]
    Municipality,
}

impl Related<super::region::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Municipality.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
