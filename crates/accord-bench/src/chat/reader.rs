//! One chat session's reader: tallies the run's MESSAGE_CREATEs (duplicates, each writer's
//! order, send-to-receive latency), heartbeats, and — if it is one of the sessions picked to —
//! drops its connection once and resumes, until the run stops it.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use accord_client::gateway::{GatewayClient, GatewayError};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::clock::SendClock;
use crate::frame::{Frame, drop_and_resume, writer_and_seq};

/// What a reader needs to read, and to resume.
pub struct Session {
    pub client: GatewayClient,
    pub url: String,
    pub token: String,
    pub session_id: String,
    /// The writers' send times, by writer then sequence.
    pub clocks: Arc<Vec<SendClock>>,
    /// When to drop the connection and resume, if this session is one picked to.
    pub drop_at: Option<Instant>,
    /// Distinct messages received so far, for the run to see when every session has all.
    pub progress: Arc<AtomicU64>,
}

/// What one session saw.
#[derive(Debug, Default)]
pub struct Tally {
    /// Ids of the distinct messages received.
    pub ids: HashSet<u64>,
    /// MESSAGE_CREATEs received again.
    pub duplicates: u64,
    /// Messages that came after a later message of the same writer.
    pub reordered: u64,
    /// (milliseconds after the clock's base the message was sent, send-to-receive µs).
    pub latencies: Vec<(u32, u32)>,
    /// How long the resume took, from dropping the connection to RESUMED, in µs.
    pub resumed_us: Option<u64>,
    /// Set when a resume was refused or failed (with why).
    pub resume_failed: Option<String>,
    /// Set when the server closed the connection unasked (with its code, if any).
    pub closed: Option<Option<u16>>,
    /// A read error that ended the session early.
    pub error: Option<String>,
}

/// Reads `session` until `stop` turns true.
pub async fn read(mut session: Session, mut stop: watch::Receiver<bool>, max_frames: usize) -> Tally {
    let mut tally = Tally::default();
    let mut last_seq_by_writer = vec![None::<usize>; session.clocks.len()];
    let mut seq = None::<u64>;
    let interval = Duration::from_millis(session.client.heartbeat_interval.max(1000) * 9 / 10);
    let mut next_beat = Instant::now() + interval;
    // Bounded: every iteration reads a frame, times out for a heartbeat or a drop, or ends.
    for _ in 0..max_frames {
        if *stop.borrow() {
            break;
        }
        let wake = session.drop_at.map_or(next_beat, |at| at.min(next_beat));
        let wait = wake.saturating_duration_since(Instant::now());
        let received = tokio::select! {
            _ = stop.changed() => break,
            received = session.client.next_text(wait) => received,
        };
        match received {
            Ok(Ok(text)) => match Frame::parse(&text) {
                Ok(frame) => {
                    seq = frame.s.or(seq);
                    if frame.op == 1 {
                        next_beat = Instant::now();
                    } else if frame.event() == Some("MESSAGE_CREATE") {
                        count(&frame, (&session.clocks, &session.progress), &mut last_seq_by_writer, &mut tally);
                    }
                }
                Err(e) => {
                    tally.error = Some(format!("unreadable frame: {e}"));
                    break;
                }
            },
            Ok(Err(code)) => {
                tally.closed = Some(code);
                break;
            }
            Err(GatewayError::Timeout(_)) => {}
            Err(e) => {
                tally.error = Some(e.to_string());
                break;
            }
        }
        if session.drop_at.is_some_and(|at| Instant::now() >= at) {
            session.drop_at = None;
            match resume(&mut session, seq, &mut last_seq_by_writer, &mut tally).await {
                Ok(us) => tally.resumed_us = Some(us),
                Err(e) => {
                    tally.resume_failed = Some(e.to_string());
                    break;
                }
            }
            next_beat = Instant::now() + interval;
        }
        if Instant::now() >= next_beat {
            let beat = format!(r#"{{"op":1,"d":{}}}"#, seq.map_or("null".into(), |s| s.to_string()));
            if let Err(e) = session.client.send_text(beat).await {
                tally.error = Some(format!("heartbeat: {e}"));
                break;
            }
            next_beat = Instant::now() + interval;
        }
    }
    tally
}

/// Drops the connection without a close frame, reconnects and resumes from `seq`, counting
/// the replayed messages; returns how long it took in µs.
async fn resume(
    session: &mut Session,
    seq: Option<u64>,
    last_seq_by_writer: &mut [Option<usize>],
    tally: &mut Tally,
) -> anyhow::Result<u64> {
    let started = Instant::now();
    let ids = (session.url.as_str(), session.token.as_str(), session.session_id.as_str());
    let (clocks, progress) = (&session.clocks, &session.progress);
    drop_and_resume(&mut session.client, ids, seq.unwrap_or(0), usize::MAX, |frame| {
        if frame.event() == Some("MESSAGE_CREATE") {
            count(frame, (clocks, progress), last_seq_by_writer, tally);
        }
    })
    .await?;
    Ok(started.elapsed().as_micros() as u64)
}

/// Counts a received message against its writer's clock; `progress` counts the distinct ones.
fn count(
    frame: &Frame,
    (clocks, progress): (&[SendClock], &AtomicU64),
    last_seq_by_writer: &mut [Option<usize>],
    tally: &mut Tally,
) {
    let Some(d) = &frame.d else { return };
    let (Some(id), Some((writer, seq))) =
        (d.id.as_deref().and_then(|i| i.parse::<u64>().ok()), d.content.as_deref().and_then(writer_and_seq))
    else {
        return;
    };
    let Some(clock) = clocks.get(writer) else { return };
    if !tally.ids.insert(id) {
        tally.duplicates += 1;
        return;
    }
    progress.fetch_add(1, Ordering::Relaxed);
    let last = &mut last_seq_by_writer[writer];
    if last.is_some_and(|last| seq < last) {
        tally.reordered += 1;
    }
    *last = Some(last.map_or(seq, |l| l.max(seq)));
    if let Some(sent) = clock.sent_at(seq) {
        let latency_us = clock.now_ns().saturating_sub(sent) / 1000;
        tally.latencies.push(((sent / 1_000_000) as u32, latency_us.min(u64::from(u32::MAX)) as u32));
    }
}
