//! Session liveness through Redis: a live sign-in is remembered for a short while so most
//! requests skip the database lookup, and a revoked one is announced at once, so no
//! instance serves it from that memory. The database stays the source of truth: whatever
//! Redis does not know is read from it.

use std::time::Duration;

use uuid::Uuid;

use crate::cache::StoreError;
use crate::cache::redis_store::RedisStore;

fn revoked_key(store: &RedisStore, session: Uuid) -> String {
    store.key(&format!("sess:revoked:{session}"))
}

/// The name (below the store's prefix) that marks a sign-in as recently live.
fn live_name(session: Uuid) -> String {
    format!("sess:live:{session}")
}

fn live_key(store: &RedisStore, session: Uuid) -> String {
    store.key(&live_name(session))
}

/// What Redis knows of a sign-in: `Some(false)` revoked, `Some(true)` recently live.
pub async fn state(store: &RedisStore, session: Uuid) -> Result<Option<bool>, StoreError> {
    let mut connection = store.connection().await?;
    let keys = [revoked_key(store, session), live_key(store, session)];
    let (revoked, live): (Option<String>, Option<String>) = store
        .bounded(async {
            Ok(redis::cmd("MGET")
                .arg(&keys)
                .query_async(&mut connection)
                .await?)
        })
        .await?;
    Ok(match (revoked, live) {
        (Some(_), _) => Some(false),
        (None, Some(_)) => Some(true),
        (None, None) => None,
    })
}

/// Remembers a sign-in the database found live, for `ttl`.
pub async fn remember_live(
    store: &RedisStore,
    session: Uuid,
    ttl: Duration,
) -> Result<(), StoreError> {
    store.set_expiring(&live_name(session), "1", ttl).await
}

/// Announces a revoked sign-in for `ttl` (as long as its access tokens can live).
pub async fn announce_revoked(
    store: &RedisStore,
    session: Uuid,
    ttl: Duration,
) -> Result<(), StoreError> {
    let mut connection = store.connection().await?;
    let revoked = revoked_key(store, session);
    let live = live_key(store, session);
    let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
    store
        .bounded(async {
            let _: () = redis::pipe()
                .atomic()
                .cmd("SET")
                .arg(&revoked)
                .arg("1")
                .arg("PX")
                .arg(millis)
                .ignore()
                .cmd("DEL")
                .arg(&live)
                .ignore()
                .query_async(&mut connection)
                .await?;
            Ok(())
        })
        .await
}
