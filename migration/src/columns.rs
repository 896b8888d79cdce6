//! Column and constraint builders shared by the migrations, so every table spells ids,
//! timestamps, enumerations and foreign keys the same way.

use sea_orm_migration::prelude::*;

/// A UUID primary key. Ids are made by the application (UUID v7), never by the database, so
/// bulk imports can link child rows without a round trip.
pub fn uuid_pk(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().primary_key().take()
}

/// A mandatory UUID column (usually a foreign key).
pub fn uuid(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().take()
}

/// An optional UUID column.
pub fn uuid_null(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).uuid().null().take()
}

/// Mandatory text that must not be blank.
pub fn text(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).text().not_null().take()
}

/// Optional text.
pub fn text_null(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).text().null().take()
}

/// A mandatory point in time, stored with its time zone.
pub fn timestamp(col: &'static str) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .take()
}

/// An optional point in time.
pub fn timestamp_null(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().null().take()
}

/// A mandatory calendar date.
pub fn date(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).date().not_null().take()
}

/// An optional calendar date.
pub fn date_null(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).date().null().take()
}

/// A mandatory time of day.
pub fn time(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).time().not_null().take()
}

/// A mandatory flag with a default.
pub fn boolean(col: &'static str, default: bool) -> ColumnDef {
    ColumnDef::new(col)
        .boolean()
        .not_null()
        .default(default)
        .take()
}

/// A mandatory integer with a default.
pub fn integer(col: &'static str, default: i32) -> ColumnDef {
    ColumnDef::new(col)
        .integer()
        .not_null()
        .default(default)
        .take()
}

/// An optional integer.
pub fn integer_null(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).integer().null().take()
}

/// An optional WGS84 coordinate component.
pub fn coordinate_null(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).double().null().take()
}

/// A JSON document (lists of codes, settings), mandatory.
pub fn json(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).json().not_null().take()
}

/// `CHECK (<column> IN ('A', 'B', …))` for a text enumeration; `NULL` passes, as in SQL.
pub fn one_of(column: &str, values: &[&str]) -> Expr {
    let list = values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ");
    Expr::cust(format!("{column} IN ({list})"))
}

/// `CHECK (length(trim(<column>)) > 0)`: the value may not be blank.
pub fn not_blank(column: &str) -> Expr {
    Expr::cust(format!("length(trim({column})) > 0"))
}

/// A raw `CHECK` expression that reads the same on SQLite and PostgreSQL.
pub fn check(sql: &str) -> Expr {
    Expr::cust(sql.to_owned())
}

/// A foreign key named `fk_<table>_<column>`.
pub fn foreign_key(
    table: &'static str,
    column: &'static str,
    to_table: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(to_table, "id")
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .take()
}

/// A plain index named `ix_<table>_<columns>`.
pub fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create()
        .name(format!("ix_{table}_{}", columns.join("_")))
        .table(table)
        .take();
    for column in columns {
        stmt.col(*column);
    }
    stmt
}

/// A unique index named `ux_<table>_<columns>`.
pub fn unique_index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = index(table, columns);
    stmt.name(format!("ux_{table}_{}", columns.join("_")))
        .unique();
    stmt
}

/// Creates each index in turn.
pub async fn create_indexes(
    manager: &SchemaManager<'_>,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    for stmt in indexes {
        manager.create_index(stmt).await?;
    }
    Ok(())
}

/// Drops tables in the given order (children before parents).
pub async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: &[&'static str],
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(*table).if_exists().take())
            .await?;
    }
    Ok(())
}
