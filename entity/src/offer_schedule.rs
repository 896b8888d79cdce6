//! When an offer meets: a weekly slot between two dates, or a single date.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "offer_schedule")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub offer_id: Uuid,
    pub location_id: Option<Uuid>,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub weekday: Option<i16>,
    pub start_time: Option<Time>,
    pub end_time: Option<Time>,
    #[sea_orm(column_type = "Text")]
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::offer::Entity",
        from = "Column::OfferId",
        to = "super::offer::Column::Id"
    )]
    Offer,
    #[sea_orm(
        belongs_to = "super::offer_location::Entity",
        from = "Column::LocationId",
        to = "super::offer_location::Column::Id"
    )]
    Location,
}

impl Related<super::offer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Offer.def()
    }
}

impl Related<super::offer_location::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Location.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
