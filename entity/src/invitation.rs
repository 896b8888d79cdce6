//! An invitation by e-mail token to a new staff account.

use crate::types::Role;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "invitation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub email: String,
    pub role: Role,
    #[sea_orm(column_type = "Text")]
    pub token_hash: String,
    pub invited_by: Option<Uuid>,
    pub expires_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    pub account_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user_account::Entity",
        from = "Column::InvitedBy",
        to = "super::user_account::Column::Id"
    )]
    InvitedBy,
    #[sea_orm(
        belongs_to = "super::user_account::Entity",
        from = "Column::AccountId",
        to = "super::user_account::Column::Id"
    )]
    Account,
}

impl ActiveModelBehavior for ActiveModel {}
