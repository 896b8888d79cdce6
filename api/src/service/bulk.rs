//! Writing many rows at once: multi-row `INSERT`s and `IN (…)` lists cut into chunks that
//! stay below the databases' limits on bound parameters (SQLite 32,766, PostgreSQL 65,535).

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, Iterable};

/// Bound parameters per statement, with room to spare under SQLite's limit.
const MAX_PARAMETERS: usize = 30_000;

/// Ids per `IN (…)` list.
pub const IDS_PER_STATEMENT: usize = 1000;

/// Inserts all rows with as few statements as the parameter limit allows.
pub async fn insert_all<A, C>(db: &C, rows: Vec<A>) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    let columns = <<A::Entity as EntityTrait>::Column as Iterable>::iter()
        .count()
        .max(1);
    let per_statement = (MAX_PARAMETERS / columns).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(per_statement).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
