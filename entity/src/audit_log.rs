//! Who did what to which record, without personal data.

use crate::types::ActorRole;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub actor_account_id: Option<Uuid>,
    pub actor_role: ActorRole,
    #[sea_orm(column_type = "Text")]
    pub action: String,
    #[sea_orm(column_type = "Text")]
    pub entity_type: String,
    pub entity_id: Option<Uuid>,
    #[sea_orm(column_type = "Json")]
    pub summary: Json,
    #[sea_orm(column_type = "Text")]
    pub request_id: Option<String>,
    pub occurred_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user_account::Entity",
        from = "Column::ActorAccountId",
        to = "super::user_account::Column::Id"
    )]
    Actor,
}

impl Related<super::user_account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Actor.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
