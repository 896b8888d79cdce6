//! A match of a mentor with a request, through its lifecycle.

use crate::types::{MatchEndReason, MatchStatus, PoolConsent};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "mentor_match")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub request_id: Uuid,
    pub mentor_id: Uuid,
    pub status: MatchStatus,
    pub score: Option<f64>,
    #[sea_orm(column_type = "Json")]
    pub reasons: Json,
    pub proposed_by: Option<Uuid>,
    pub proposed_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    pub started_at: Option<DateTimeUtc>,
    pub ended_at: Option<DateTimeUtc>,
    pub review_due_on: Option<Date>,
    pub end_reason: Option<MatchEndReason>,
    #[sea_orm(column_type = "Text")]
    pub evaluation: Option<String>,
    pub rating: Option<i16>,
    /// The consent of the mentor's pool when another pool proposed the mentor.
    pub mentor_pool_consent: Option<PoolConsent>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::mentoring_request::Entity",
        from = "Column::RequestId",
        to = "super::mentoring_request::Column::Id"
    )]
    Request,
    #[sea_orm(
        belongs_to = "super::mentor::Entity",
        from = "Column::MentorId",
        to = "super::mentor::Column::Id"
    )]
    Mentor,
    #[sea_orm(
        belongs_to = "super::user_account::Entity",
        from = "Column::ProposedBy",
        to = "super::user_account::Column::Id"
    )]
    ProposedBy,
}

impl Related<super::mentoring_request::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Request.def()
    }
}

impl Related<super::mentor::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Mentor.def()
    }
}

impl Related<super::user_account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProposedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
