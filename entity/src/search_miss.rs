//! How often a word was searched for in a month without finding anything.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "search_miss")]
pub struct Model {
    /// `YYYY-MM`.
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub month: String,
    /// A folded word of such searches.
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub term: String,
    pub misses: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
