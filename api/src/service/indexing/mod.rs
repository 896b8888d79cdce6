//! Keeps the search index in line with the database: drains the search outbox in batches
//! (claimed with a lease, so several instances never apply one row twice at the same time),
//! retries failures with growing delays, and rebuilds the whole index on demand.
//!
//! A failed batch stays in the outbox: when the engine is down, rows wait and the index
//! catches up once it answers again.

use std::collections::BTreeSet;

use chrono::Duration;
use entity::offer;
use entity::search_outbox;
use entity::types::{OfferStatus, OutboxEntity};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::search::SearchIndex;

pub mod documents;

/// How long a claimed batch is reserved for the instance that claimed it.
const LEASE_SECS: i64 = 60;
/// Longest wait before a failed row is tried again.
const MAX_BACKOFF_SECS: i64 = 300;
/// Processed rows are kept this long for inspection, then deleted.
const KEEP_PROCESSED_DAYS: i64 = 7;

/// What one drain did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DrainReport {
    pub rows: usize,
    pub indexed: usize,
    pub removed: usize,
    pub failed: bool,
}

/// Claims up to `batch` due rows and applies them to the index.
pub async fn drain_once(
    db: &DatabaseConnection,
    index: &dyn SearchIndex,
    batch: u64,
) -> ApiResult<DrainReport> {
    let now = clock::now();
    let due = Condition::all()
        .add(search_outbox::Column::ProcessedAt.is_null())
        .add(search_outbox::Column::NextAttemptAt.lte(now))
        .add(
            Condition::any()
                .add(search_outbox::Column::LockedUntil.is_null())
                .add(search_outbox::Column::LockedUntil.lt(now)),
        );
    let candidates: Vec<i64> = search_outbox::Entity::find()
        .select_only()
        .column(search_outbox::Column::Id)
        .filter(due.clone())
        .order_by_asc(search_outbox::Column::Id)
        .limit(batch)
        .into_tuple()
        .all(db)
        .await?;
    if candidates.is_empty() {
        return Ok(DrainReport::default());
    }
    // The condition is checked again by the update itself: of two instances that picked the
    // same rows, each row goes to one. Writes take their turn with the requests' writes
    // (see `db::writer`) rather than making the writer in turn wait in SQLite's busy handler.
    let txn = crate::db::begin_write(db).await?;
    let claimed: Vec<search_outbox::Model> = search_outbox::Entity::update_many()
        .col_expr(
            search_outbox::Column::LockedUntil,
            Expr::value(now + Duration::seconds(LEASE_SECS)),
        )
        .filter(search_outbox::Column::Id.is_in(candidates))
        .filter(due)
        .exec_with_returning(&txn)
        .await?;
    txn.commit().await?;
    if claimed.is_empty() {
        return Ok(DrainReport::default());
    }
    let ids: Vec<i64> = claimed.iter().map(|r| r.id).collect();
    match apply(db, index, &claimed).await {
        Ok((indexed, removed)) => {
            let txn = crate::db::begin_write(db).await?;
            search_outbox::Entity::update_many()
                .col_expr(
                    search_outbox::Column::ProcessedAt,
                    Expr::value(clock::now()),
                )
                .col_expr(
                    search_outbox::Column::LockedUntil,
                    Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
                )
                .filter(search_outbox::Column::Id.is_in(ids))
                .exec(&txn)
                .await?;
            txn.commit().await?;
            Ok(DrainReport {
                rows: claimed.len(),
                indexed,
                removed,
                failed: false,
            })
        }
        Err(message) => {
            tracing::warn!(rows = claimed.len(), error = %message, "search indexing failed; will retry");
            let txn = crate::db::begin_write(db).await?;
            for row in &claimed {
                let attempts = row.attempts.saturating_add(1);
                let backoff = (1i64 << attempts.clamp(0, 16)).min(MAX_BACKOFF_SECS);
                search_outbox::Entity::update_many()
                    .col_expr(search_outbox::Column::Attempts, Expr::value(attempts))
                    .col_expr(
                        search_outbox::Column::LastError,
                        Expr::value(message.clone()),
                    )
                    .col_expr(
                        search_outbox::Column::NextAttemptAt,
                        Expr::value(clock::now() + Duration::seconds(backoff)),
                    )
                    .col_expr(
                        search_outbox::Column::LockedUntil,
                        Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
                    )
                    .filter(search_outbox::Column::Id.eq(row.id))
                    .exec(&txn)
                    .await?;
            }
            txn.commit().await?;
            Ok(DrainReport {
                rows: claimed.len(),
                failed: true,
                ..DrainReport::default()
            })
        }
    }
}

/// Brings the index in line for the offers the rows name (a provider's row names all its
/// offers); returns how many documents were written and removed, or the engine's error.
async fn apply(
    db: &DatabaseConnection,
    index: &dyn SearchIndex,
    rows: &[search_outbox::Model],
) -> Result<(usize, usize), String> {
    let mut offers: BTreeSet<Uuid> = rows
        .iter()
        .filter(|r| r.entity_type == OutboxEntity::Offer)
        .map(|r| r.entity_id)
        .collect();
    let providers: Vec<Uuid> = rows
        .iter()
        .filter(|r| r.entity_type == OutboxEntity::Provider)
        .map(|r| r.entity_id)
        .collect();
    if !providers.is_empty() {
        let of_providers: Vec<Uuid> = offer::Entity::find()
            .select_only()
            .column(offer::Column::Id)
            .filter(offer::Column::ProviderId.is_in(providers))
            .into_tuple()
            .all(db)
            .await
            .map_err(|e| ApiError::from(e).to_string())?;
        offers.extend(of_providers);
    }
    let ids: Vec<Uuid> = offers.into_iter().collect();
    let documents = documents::load(db, &ids).await.map_err(|e| e.to_string())?;
    let present: BTreeSet<Uuid> = documents.iter().map(|d| d.id).collect();
    let gone: Vec<Uuid> = ids
        .iter()
        .filter(|id| !present.contains(id))
        .copied()
        .collect();
    let (indexed, removed) = (documents.len(), gone.len());
    if !documents.is_empty() {
        index.upsert(documents).await.map_err(|e| e.to_string())?;
    }
    if !gone.is_empty() {
        index.delete(gone).await.map_err(|e| e.to_string())?;
    }
    Ok((indexed, removed))
}

/// Deletes processed rows older than the retention.
pub async fn prune(db: &DatabaseConnection) -> ApiResult<u64> {
    Ok(search_outbox::Entity::delete_many()
        .filter(
            search_outbox::Column::ProcessedAt
                .lt(clock::now() - Duration::days(KEEP_PROCESSED_DAYS)),
        )
        .exec(db)
        .await?
        .rows_affected)
}

/// The outbox as admins see it.
#[derive(Debug, Clone, Default)]
pub struct OutboxStatus {
    pub pending: u64,
    pub oldest_pending_at: Option<chrono::DateTime<chrono::Utc>>,
    pub last_error: Option<String>,
}

/// How far the index lags behind.
pub async fn status(db: &DatabaseConnection) -> ApiResult<OutboxStatus> {
    let pending =
        search_outbox::Entity::find().filter(search_outbox::Column::ProcessedAt.is_null());
    let count = pending.clone().count(db).await?;
    let oldest = pending
        .clone()
        .order_by_asc(search_outbox::Column::Id)
        .one(db)
        .await?;
    let failing = pending
        .filter(search_outbox::Column::LastError.is_not_null())
        .order_by_desc(search_outbox::Column::Id)
        .one(db)
        .await?;
    Ok(OutboxStatus {
        pending: count,
        oldest_pending_at: oldest.map(|r| r.created_at),
        last_error: failing.and_then(|r| r.last_error),
    })
}

/// Rebuilds the index from the database: every searchable offer, in batches, into a new
/// generation that replaces the live one at the end (searches keep answering meanwhile).
/// Changes the outbox delivered to the old generation during the rebuild are delivered
/// again afterwards. Returns how many offers were indexed.
pub async fn reindex(
    db: &DatabaseConnection,
    index: &dyn SearchIndex,
    batch: u64,
) -> ApiResult<usize> {
    let started = clock::now();
    let mut rebuild = index.rebuild().await.map_err(search_failed)?;
    let today = clock::now().date_naive();
    let mut after: Option<Uuid> = None;
    let mut total = 0;
    loop {
        let mut select = offer::Entity::find()
            .select_only()
            .column(offer::Column::Id)
            .filter(offer::Column::Status.eq(OfferStatus::Published))
            .filter(
                Condition::any()
                    .add(offer::Column::ValidUntil.is_null())
                    .add(offer::Column::ValidUntil.gte(today)),
            )
            .order_by_asc(offer::Column::Id)
            .limit(batch);
        if let Some(last) = after {
            select = select.filter(offer::Column::Id.gt(last));
        }
        let ids: Vec<Uuid> = select.into_tuple().all(db).await?;
        let Some(last) = ids.last().copied() else {
            break;
        };
        let documents = documents::load(db, &ids).await?;
        total += documents.len();
        rebuild.add(documents).await.map_err(search_failed)?;
        after = Some(last);
    }
    rebuild.finish().await.map_err(search_failed)?;
    // A change committed while the rebuild ran may have been read before it happened and
    // applied to the generation just replaced: apply every such change again.
    search_outbox::Entity::update_many()
        .col_expr(
            search_outbox::Column::ProcessedAt,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .col_expr(
            search_outbox::Column::NextAttemptAt,
            Expr::value(clock::now()),
        )
        .filter(search_outbox::Column::CreatedAt.gte(started))
        .filter(search_outbox::Column::ProcessedAt.is_not_null())
        .exec(db)
        .await?;
    Ok(total)
}

fn search_failed(err: crate::search::SearchError) -> ApiError {
    tracing::error!(error = %err, "search engine failed");
    ApiError::ServiceUnavailable
}
