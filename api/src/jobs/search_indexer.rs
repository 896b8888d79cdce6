//! Drains the search outbox into the search index, and fills an empty index from the
//! database when the server starts (a new installation, or a deleted index directory).

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::search::{SearchIndex, indexer};

/// Drains whenever rows are due; waits `interval` when none are.
pub fn spawn(
    db: DatabaseConnection,
    index: Arc<dyn SearchIndex>,
    batch: u64,
    interval: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        match index.count().await {
            Ok(0) => match indexer::reindex(&db, &*index, batch.max(1)).await {
                Ok(count) => tracing::info!(count, engine = index.name(), "search index built"),
                Err(err) => {
                    tracing::warn!(error = %err, "search index not built; the outbox will fill it")
                }
            },
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "search index unreadable"),
        }
        let mut since_prune = 0u32;
        loop {
            let report = indexer::drain_once(&db, &*index, batch.max(1)).await;
            let busy = matches!(report, Ok(r) if r.rows as u64 == batch && !r.failed);
            if let Err(err) = report {
                tracing::warn!(error = %err, "search outbox unreadable; will retry");
            }
            since_prune += 1;
            if since_prune >= 3600 {
                since_prune = 0;
                if let Err(err) = indexer::prune(&db).await {
                    tracing::warn!(error = %err, "cannot prune the search outbox");
                }
            }
            if !busy {
                tokio::time::sleep(interval).await;
            }
        }
    })
}
