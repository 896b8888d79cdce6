//! Background work that runs beside the server. Every job is safe with several instances
//! running it at once, and stops at a safe point when asked: between two rounds, never in
//! the middle of one (a round's writes are one transaction each).

pub mod expiry;
pub mod retention;
pub mod search_indexer;
pub mod search_misses;

use std::future::Future;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use crate::effects::Effects;
use crate::error::ApiResult;
use crate::service::changes::Committed;

/// Tells the jobs to stop.
pub struct StopSwitch(watch::Sender<bool>);

impl StopSwitch {
    pub fn stop(&self) {
        // No job listening any more is fine.
        let _ = self.0.send(true);
    }
}

/// What a job watches to learn that it should stop.
#[derive(Clone)]
pub struct Stop(watch::Receiver<bool>);

impl Stop {
    /// Waits for `next` (a tick, a pause) unless asked to stop first; `None` means stop.
    pub async fn before<T>(&mut self, next: impl Future<Output = T>) -> Option<T> {
        if *self.0.borrow() {
            return None;
        }
        tokio::select! {
            value = next => Some(value),
            // A dropped switch means the server is gone: stop as well.
            _ = self.0.changed() => None,
        }
    }
}

/// A switch and what the jobs watch.
pub fn stop_switch() -> (StopSwitch, Stop) {
    let (sender, receiver) = watch::channel(false);
    (StopSwitch(sender), Stop(receiver))
}

/// A job that writes on a fixed interval: archiving, anonymising.
pub trait WriteJob {
    /// What a round hands back once its side effects ran.
    type Written: Send + 'static;
    /// The job's name in the logs.
    const NAME: &'static str;

    /// One round: a write of its own, whose side effects the runner applies.
    fn write(
        db: DatabaseConnection,
    ) -> impl Future<Output = ApiResult<Committed<Self::Written>>> + Send;

    /// Logs what a round changed.
    fn report(written: Self::Written);
}

/// Runs the job `J` every `interval` on a task of its own until told to stop, with the
/// side effects of any write (cached answers dropped, subscribers told, search work
/// queued). A failed round is logged and the next tick tries again; a round that overruns
/// delays the next tick instead of letting ticks pile up.
pub fn spawn<J: WriteJob>(
    db: DatabaseConnection,
    effects: Effects,
    interval: Duration,
    mut stop: Stop,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while stop.before(ticker.tick()).await.is_some() {
            match J::write(db.clone()).await {
                Ok(written) => J::report(effects.apply(written).await),
                Err(err) => {
                    tracing::warn!(job = J::NAME, error = %err.detail(), "job failed; will retry")
                }
            }
        }
    })
}
