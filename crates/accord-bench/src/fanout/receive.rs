//! One session's reader: counts the run's MESSAGE_CREATE frames, times each against its send,
//! and heartbeats, until it has every message, the run tells it to stop, or it is closed.

use std::sync::Arc;
use std::time::Duration;

use accord_client::gateway::{GatewayClient, GatewayError, Received};
use serde_json::Value;
use tokio::sync::watch;

use crate::clock::SendClock;

/// What one session saw.
#[derive(Debug, Default)]
pub struct SessionOutcome {
    /// MESSAGE_CREATE frames of this run, repeats included.
    pub frames: u64,
    /// Distinct messages received.
    pub unique: u64,
    /// Send-to-receive latency of each distinct message, in microseconds.
    pub latencies_us: Vec<u64>,
    /// Nanoseconds after the clock's base of the last MESSAGE_CREATE received.
    pub last_receive_ns: Option<u64>,
    /// Set when the server closed the connection (with its code, if any).
    pub closed: Option<Option<u16>>,
    /// A read error that ended the session early.
    pub error: Option<String>,
}

/// The message index a MESSAGE_CREATE carries: its nonce, or failing that its content `fanout {i}`.
pub fn message_index(d: &Value) -> Option<usize> {
    if let Some(nonce) = d["nonce"].as_str().and_then(|n| n.parse().ok()) {
        return Some(nonce);
    }
    d["content"].as_str()?.strip_prefix("fanout ")?.parse().ok()
}

/// Reads `session` until it has all of `clock.len()` messages or `stop` turns true.
pub async fn read_session(
    mut session: GatewayClient,
    clock: Arc<SendClock>,
    mut stop: watch::Receiver<bool>,
) -> SessionOutcome {
    let mut outcome = SessionOutcome { latencies_us: Vec::with_capacity(clock.len()), ..Default::default() };
    let mut seen = vec![false; clock.len()];
    // Heartbeat a little before each interval ends, so the server never misses one.
    let interval = Duration::from_millis(session.heartbeat_interval.max(1000) * 9 / 10);
    let mut next_beat = tokio::time::Instant::now() + interval;
    // Bounded: every iteration reads a frame, times out for a heartbeat, or ends the loop.
    let max_iterations = clock.len() * 4 + 100_000;
    for _ in 0..max_iterations {
        if outcome.unique as usize == clock.len() || *stop.borrow() {
            break;
        }
        let wait = next_beat.saturating_duration_since(tokio::time::Instant::now());
        let received = tokio::select! {
            _ = stop.changed() => break,
            received = session.next(wait) => received,
        };
        match received {
            Ok(Received::Payload(frame)) => {
                if frame["op"] == 1 {
                    next_beat = tokio::time::Instant::now();
                } else if frame["t"] == "MESSAGE_CREATE" {
                    count_message(&frame["d"], &clock, &mut seen, &mut outcome);
                }
            }
            Ok(Received::Closed(code)) => {
                outcome.closed = Some(code);
                break;
            }
            Err(GatewayError::Timeout(_)) => {}
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

fn count_message(d: &Value, clock: &SendClock, seen: &mut [bool], outcome: &mut SessionOutcome) {
    let Some(index) = message_index(d).filter(|&i| i < seen.len()) else { return };
    let now = clock.now_ns();
    outcome.frames += 1;
    outcome.last_receive_ns = Some(now);
    if std::mem::replace(&mut seen[index], true) {
        return;
    }
    outcome.unique += 1;
    if let Some(sent) = clock.sent_at(index) {
        outcome.latencies_us.push(now.saturating_sub(sent) / 1000);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_are_matched_by_nonce_then_by_content() {
        assert_eq!(message_index(&json!({ "nonce": "12", "content": "fanout 3" })), Some(12));
        assert_eq!(message_index(&json!({ "content": "fanout 3" })), Some(3));
        assert_eq!(message_index(&json!({ "content": "hello" })), None);
    }

    #[test]
    fn a_repeated_message_counts_as_a_frame_but_not_twice() {
        let clock = SendClock::new(2);
        clock.mark_sent(1);
        let (mut seen, mut outcome) = (vec![false; 2], SessionOutcome::default());
        for _ in 0..2 {
            count_message(&json!({ "nonce": "1" }), &clock, &mut seen, &mut outcome);
        }
        assert_eq!((outcome.frames, outcome.unique, outcome.latencies_us.len()), (2, 1, 1));
    }
}
