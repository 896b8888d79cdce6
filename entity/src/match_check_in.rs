//! A follow-up contact recorded for a match.

use crate::types::{CheckInKind, CheckInOutcome};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "match_check_in")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub match_id: Uuid,
    pub occurred_on: Date,
    pub kind: CheckInKind,
    pub outcome: CheckInOutcome,
    #[sea_orm(column_type = "Text")]
    pub note: Option<String>,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::mentor_match::Entity",
        from = "Column::MatchId",
        to = "super::mentor_match::Column::Id"
    )]
    Match,
    #[sea_orm(
        belongs_to = "super::user_account::Entity",
        from = "Column::RecordedBy",
        to = "super::user_account::Column::Id"
    )]
    RecordedBy,
}

impl Related<super::mentor_match::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Match.def()
    }
}

impl Related<super::user_account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RecordedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
