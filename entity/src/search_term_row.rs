//! A row of the search term file as the canton changed it: a concept's terms in one
//! language, in place of the shipped row.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "search_term_row")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub concept: String,
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub locale: String,
    /// Terms that name the concept in offers' texts and in queries (a JSON list).
    #[sea_orm(column_type = "Json")]
    pub terms: Json,
    /// Terms that name it in queries only (a JSON list).
    #[sea_orm(column_type = "Json")]
    pub query_terms: Json,
    pub updated_at: DateTimeUtc,
    pub updated_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
