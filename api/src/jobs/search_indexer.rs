//! Drains the search outbox into the search index, and fills an empty index from the
//! database when the server starts (a new installation, a deleted index directory, a new
//! Meilisearch server), retrying until the engine answers.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::effects::Effects;
use crate::jobs::Stop;
use crate::search::SearchIndex;
use crate::search::terms::LiveTerms;
use crate::service::indexing as indexer;
use crate::service::search_terms::{self, TermsInUse};

/// Drains whenever rows are due; waits `interval` when none are. Once a round has changed
/// the index, cached public answers are dropped: a search answered while the change was
/// still on its way to the index would otherwise be served stale for the cache's lifetime.
/// Writes made by another process without Redis (a command) reach this instance's cache
/// the same way.
pub fn spawn(
    db: DatabaseConnection,
    index: Arc<dyn SearchIndex>,
    terms: Arc<LiveTerms>,
    effects: Effects,
    batch: u64,
    rebuild_batch: u64,
    interval: Duration,
    mut stop: Stop,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        // Until the engine has answered once, each round first checks whether it is empty.
        let mut built = false;
        let mut since_prune = 0u32;
        let mut terms_seen = None;
        while stop.before(std::future::ready(())).await.is_some() {
            // An admin may have changed the term file on another instance: the offers the
            // change queued must be written under the new terms.
            let place = TermsInUse {
                db: &db,
                index: &*index,
                live: &terms,
            };
            if let Err(err) = search_terms::refresh(place, &mut terms_seen).await {
                tracing::warn!(error = %err.detail(), "the term file could not be read; will retry");
            }
            if !built {
                built = build_if_empty(&db, &*index, rebuild_batch.max(1)).await;
            }
            let report = indexer::drain_once(&db, &*index, batch.max(1)).await;
            if matches!(&report, Ok(r) if r.indexed + r.removed > 0) {
                effects.search_index_changed().await;
            }
            let busy = matches!(report, Ok(r) if r.rows as u64 == batch && !r.failed);
            if let Err(err) = report {
                tracing::warn!(error = %err.detail(), "search outbox unreadable; will retry");
            }
            since_prune += 1;
            if since_prune >= 3600 {
                since_prune = 0;
                if let Err(err) = indexer::prune(&db).await {
                    tracing::warn!(error = %err.detail(), "cannot prune the search outbox");
                }
            }
            if !busy && stop.before(tokio::time::sleep(interval)).await.is_none() {
                break;
            }
        }
    })
}

/// Fills an empty index from the database; false when the engine could not be asked or the
/// build failed (the caller tries again next round: the outbox alone would never bring
/// back offers that did not change).
async fn build_if_empty(db: &DatabaseConnection, index: &dyn SearchIndex, batch: u64) -> bool {
    match index.count().await {
        Ok(0) => match indexer::reindex(db, index, batch).await {
            Ok(count) => {
                tracing::info!(count, engine = index.name(), "search index built");
                true
            }
            Err(err) => {
                tracing::warn!(error = %err.detail(), "search index not built yet; will retry");
                false
            }
        },
        Ok(_) => true,
        Err(err) => {
            tracing::warn!(error = %err, engine = index.name(), "search engine unreachable; will retry");
            false
        }
    }
}
