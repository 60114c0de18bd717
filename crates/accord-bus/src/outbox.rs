//! The outbox relay: publishes events that writes committed to the outbox table, in commit
//! order, then forgets them. At least once: an event published but not yet marked (a crash
//! in between) is published again after restart, and consumers drop repeats by event id.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use accord_store::StoreHandle;
use tokio::sync::Notify;

use crate::BusHandle;

/// Events fetched per round.
const BATCH: u32 = 512;
/// How often the relay looks even when nobody woke it (writes from other processes).
const POLL: Duration = Duration::from_millis(250);
/// Pause after a failure before trying again.
const BACKOFF: Duration = Duration::from_millis(500);

/// Wakes the relay after a write committed events, so they go out at once rather than at
/// the next poll.
#[derive(Debug, Clone, Default)]
pub struct OutboxSignal(Arc<Notify>);

impl OutboxSignal {
    pub fn notify(&self) {
        self.0.notify_one();
    }

    async fn notified(&self) {
        self.0.notified().await;
    }
}

/// Runs until `shutdown` completes, draining what is pending first.
pub async fn run_relay(store: StoreHandle, bus: BusHandle, signal: OutboxSignal, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        let pause = match relay_once(&store, &bus).await {
            Ok(0) => POLL,
            Ok(_) => continue,
            Err(error) => {
                tracing::warn!(%error, "outbox relay round failed; retrying");
                BACKOFF
            }
        };
        tokio::select! {
            () = signal.notified() => {}
            () = tokio::time::sleep(pause) => {}
            () = &mut shutdown => {
                let _ = relay_once(&store, &bus).await;
                return;
            }
        }
    }
}

/// Publishes one batch; returns how many events went out.
async fn relay_once(store: &StoreHandle, bus: &BusHandle) -> Result<usize, String> {
    let batch = store.pending_events(BATCH).await.map_err(|e| e.to_string())?;
    let Some(last) = batch.last().map(|e| e.position) else { return Ok(0) };
    for stored in &batch {
        bus.publish(Arc::new(stored.event.clone())).await.map_err(|e| e.to_string())?;
    }
    store.mark_published(last).await.map_err(|e| e.to_string())?;
    Ok(batch.len())
}
