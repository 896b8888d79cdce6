//! The search outbox: a row per change to an offer or provider, written in the change's own
//! transaction, so the search indexer can never miss one.

use entity::search_outbox;
use entity::types::{OutboxEntity, OutboxOperation};
use sea_orm::{ActiveValue::NotSet, ActiveValue::Set, ConnectionTrait};
use uuid::Uuid;

use crate::clock;
use crate::error::ApiResult;
use crate::service::bulk;

/// Asks the indexer to bring one record up to date (`Upsert`) or drop it (`Delete`).
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    entity: OutboxEntity,
    entity_id: Uuid,
    operation: OutboxOperation,
) -> ApiResult<()> {
    enqueue_many(db, entity, &[entity_id], operation).await
}

/// [`enqueue`] for many records at once.
pub async fn enqueue_many<C: ConnectionTrait>(
    db: &C,
    entity: OutboxEntity,
    entity_ids: &[Uuid],
    operation: OutboxOperation,
) -> ApiResult<()> {
    enqueue_many_after(db, entity, entity_ids, operation, chrono::Duration::zero()).await
}

/// [`enqueue_many`], applied no sooner than `delay` from now.
pub async fn enqueue_many_after<C: ConnectionTrait>(
    db: &C,
    entity: OutboxEntity,
    entity_ids: &[Uuid],
    operation: OutboxOperation,
    delay: chrono::Duration,
) -> ApiResult<()> {
    if entity_ids.is_empty() {
        return Ok(());
    }
    let now = clock::now();
    let due = now + delay;
    let rows = entity_ids
        .iter()
        .map(|id| search_outbox::ActiveModel {
            id: NotSet,
            entity_type: Set(entity),
            entity_id: Set(*id),
            operation: Set(operation),
            created_at: Set(now),
            attempts: Set(0),
            last_error: Set(None),
            next_attempt_at: Set(due),
            locked_until: Set(None),
            processed_at: Set(None),
        })
        .collect();
    bulk::insert_all(db, rows).await?;
    Ok(())
}
