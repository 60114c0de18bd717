//! One watcher's reader: records every PRESENCE_UPDATE about the actor (which change it shows,
//! its status, when it arrived), counts the others, and heartbeats, until it has the run's last
//! change, the run tells it to stop, or it is closed.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use accord_client::gateway::{GatewayClient, GatewayError, Received};
use serde_json::Value;
use tokio::sync::watch;

use super::change_index;
use crate::clock::SendClock;

/// What a reader needs to know about the run.
pub struct Watch {
    /// The actor's user id.
    pub actor: Arc<str>,
    /// The run's last change.
    pub last: usize,
    /// Frames to read at most (bounds the loop).
    pub max_frames: usize,
    /// When each change was sent; updates are timed on the same clock.
    pub clock: Arc<SendClock>,
    /// Dispatches read by every watcher, so the run can tell when setup has gone quiet.
    pub heard: Arc<AtomicU64>,
    /// Turns true when the run stops waiting.
    pub stop: watch::Receiver<bool>,
}

/// One PRESENCE_UPDATE about the actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// The change it shows.
    pub index: usize,
    pub status: String,
    /// Nanoseconds after the clock's base when it was read.
    pub at_ns: u64,
}

/// What one watcher saw.
#[derive(Debug, Default)]
pub struct WatcherOutcome {
    /// Updates about the actor that show one of the run's changes, in arrival order.
    pub updates: Vec<Update>,
    /// Updates about the actor that show none (e.g. going offline).
    pub unindexed: u64,
    /// Updates about other users (the watchers coming online).
    pub others: u64,
    /// Set when the server closed the connection (with its code, if any).
    pub closed: Option<Option<u16>>,
    /// A read error that ended the session early.
    pub error: Option<String>,
}

impl WatcherOutcome {
    /// Records the PRESENCE_UPDATE `d` read at `at_ns`.
    pub fn record(&mut self, d: &Value, actor: &str, at_ns: u64) {
        if d["user"]["id"].as_str() != Some(actor) {
            self.others += 1;
            return;
        }
        match change_index(d) {
            Some(index) => {
                let status = d["status"].as_str().unwrap_or_default().to_owned();
                self.updates.push(Update { index, status, at_ns });
            }
            None => self.unindexed += 1,
        }
    }
}

/// Reads `session` until it has an update showing `watch.last` or `watch.stop` turns true.
pub async fn read(mut session: GatewayClient, mut watch: Watch) -> WatcherOutcome {
    let mut outcome = WatcherOutcome::default();
    // Heartbeat a little before each interval ends, so the server never misses one.
    let interval = Duration::from_millis(session.heartbeat_interval.max(1000) * 9 / 10);
    let mut next_beat = tokio::time::Instant::now() + interval;
    // Bounded: every iteration reads a frame, times out for a heartbeat, or ends the loop.
    for _ in 0..watch.max_frames {
        if outcome.updates.last().is_some_and(|u| u.index == watch.last) || *watch.stop.borrow() {
            break;
        }
        let wait = next_beat.saturating_duration_since(tokio::time::Instant::now());
        let received = tokio::select! {
            _ = watch.stop.changed() => break,
            received = session.next(wait) => received,
        };
        match received {
            Ok(Received::Payload(frame)) if frame["op"] == 1 => next_beat = tokio::time::Instant::now(),
            Ok(Received::Payload(frame)) if frame["op"] == 0 => {
                watch.heard.fetch_add(1, Ordering::Relaxed);
                if frame["t"] == "PRESENCE_UPDATE" {
                    outcome.record(&frame["d"], &watch.actor, watch.clock.now_ns());
                }
            }
            Ok(Received::Payload(_)) | Err(GatewayError::Timeout(_)) => {}
            Ok(Received::Closed(code)) => {
                outcome.closed = Some(code);
                break;
            }
            Err(e) => {
                outcome.error = Some(e.to_string());
                break;
            }
        }
        if tokio::time::Instant::now() >= next_beat {
            if let Err(e) = session.heartbeat().await {
                outcome.error = Some(format!("heartbeat: {e}"));
                break;
            }
            next_beat = tokio::time::Instant::now() + interval;
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn updates_are_sorted_into_the_actors_changes_and_the_rest() {
        let mut outcome = WatcherOutcome::default();
        let about =
            |id: &str, activities: Value| json!({ "user": { "id": id }, "status": "dnd", "activities": activities });

        outcome.record(&about("7", json!([{ "name": "bench 4", "type": 0 }])), "7", 10);
        outcome.record(&about("7", json!([])), "7", 11);
        outcome.record(&about("8", json!([{ "name": "bench 5", "type": 0 }])), "7", 12);

        assert_eq!(outcome.updates, [Update { index: 4, status: "dnd".into(), at_ns: 10 }]);
        assert_eq!((outcome.unindexed, outcome.others), (1, 1));
    }
}
