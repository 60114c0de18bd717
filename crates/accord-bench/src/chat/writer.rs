//! One chat writer: posts its messages one at a time at its share of the rate, each with a
//! nonce, and keeps what each POST answered.

use std::sync::Arc;
use std::time::Duration;

use accord_client::Client;
use serde_json::json;
use tokio::time::Instant;

use crate::clock::SendClock;
use crate::frame::content;

/// What one writer posted.
#[derive(Debug, Default)]
pub struct Posted {
    /// The ids of the messages the server accepted (200), by sequence.
    pub acked: Vec<(usize, u64)>,
    /// POSTs answered otherwise, or not at all.
    pub failed: u64,
    /// Each POST's latency in µs, accepted or not.
    pub latencies_us: Vec<u32>,
    /// The first failure's description.
    pub first_error: Option<String>,
}

/// Where and how fast one writer posts.
pub struct Plan {
    pub api: Client,
    pub channel: String,
    pub writer: usize,
    pub clock: Arc<Vec<SendClock>>,
    /// When its first message is due; the rest follow every `period`.
    pub start: Instant,
    pub period: Duration,
    /// No message is started after this.
    pub until: Instant,
}

/// Posts `chat {writer} {seq}` with nonce `{writer}-{seq}` for each sequence the clock has
/// room for, on schedule (or right away when behind), until `until`.
pub async fn post(plan: Plan) -> Posted {
    let clock = &plan.clock[plan.writer];
    let path = format!("/channels/{}/messages", plan.channel);
    let mut posted = Posted { latencies_us: Vec::with_capacity(clock.len()), ..Posted::default() };
    for seq in 0..clock.len() {
        let due = plan.start + plan.period * u32::try_from(seq).unwrap_or(u32::MAX);
        if due >= plan.until {
            break;
        }
        tokio::time::sleep_until(due).await;
        let body = json!({ "content": content(plan.writer, seq), "nonce": format!("{}-{seq}", plan.writer) });
        let started = Instant::now();
        clock.mark_sent(seq);
        let answer = plan.api.post(&path, body).await;
        posted.latencies_us.push(started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
        let id = match &answer {
            Ok(a) if a.status == 200 => a.body["id"].as_str().and_then(|id| id.parse().ok()),
            _ => None,
        };
        match id {
            Some(id) => posted.acked.push((seq, id)),
            None => {
                posted.failed += 1;
                if posted.first_error.is_none() {
                    posted.first_error = Some(match answer {
                        Ok(a) => format!("{} {}", a.status, a.text),
                        Err(e) => e.to_string(),
                    });
                }
            }
        }
    }
    posted
}
