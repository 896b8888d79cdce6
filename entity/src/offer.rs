//! An integration offer: a course, a group, a counselling hour, an event series.

use crate::types::{CefrLevel, CodeList, CostKind, OfferKind, OfferStatus, PriceUnit};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "offer")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub provider_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub external_ref: Option<String>,
    pub kind: OfferKind,
    pub status: OfferStatus,
    #[sea_orm(column_type = "Text")]
    pub default_locale: String,
    pub cefr_level: Option<CefrLevel>,
    pub fide: bool,
    pub cost_kind: CostKind,
    pub price_cents: Option<i32>,
    pub price_unit: Option<PriceUnit>,
    pub childcare: bool,
    #[sea_orm(column_type = "Json")]
    pub accessibility: CodeList,
    #[sea_orm(column_type = "Json")]
    pub target_groups: CodeList,
    pub online: bool,
    #[sea_orm(column_type = "Text")]
    pub registration_url: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub registration_email: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub registration_phone: Option<String>,
    pub valid_from: Option<Date>,
    pub valid_until: Option<Date>,
    pub starts_on: Date,
    #[sea_orm(column_type = "Text")]
    pub sort_title: String,
    pub published_at: Option<DateTimeUtc>,
    pub archived_at: Option<DateTimeUtc>,
    /// Why a reviewer sent the offer back; cleared when it is submitted again.
    #[sea_orm(column_type = "Text")]
    pub review_note: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::provider::Entity",
        from = "Column::ProviderId",
        to = "super::provider::Column::Id"
    )]
    Provider,
}

impl Related<super::provider::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Provider.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
