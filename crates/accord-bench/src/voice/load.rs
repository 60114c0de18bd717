//! The load: every participant sends one stamped audio frame per 20 ms tick of one shared
//! clock, for a bounded number of ticks and never past the run's deadline; heartbeats keep the
//! signalling connections open; then the receivers drain.

use std::time::{Duration, Instant};

use accord_client::voice::VoicePeer;
use serde_json::json;

use super::frame::{Stamp, encode};

/// One Opus frame per 20 ms: 50 packets a second per participant.
pub const PERIOD: Duration = Duration::from_millis(20);
/// The audio level the frames carry (dBov): louder than the -50 that makes a speaker.
const LEVEL: i8 = -30;
/// The slots a tick is split into unless `--aligned`: 2 ms apart.
pub const SLOTS: u32 = 10;
/// A heartbeat to every signalling connection every this many ticks (5 s, well inside the
/// node's 15 s interval).
const HEARTBEAT_TICKS: u32 = 250;
/// A slot that starts later than this behind the clock counts as late.
const LATE: Duration = Duration::from_millis(5);

/// What the senders did.
#[derive(Debug, Clone, Default)]
pub struct Sent {
    /// Frames each participant sent (every participant sends on every tick).
    pub frames: u32,
    /// Sends (slots) that started more than 5 ms behind the clock, and the latest start.
    pub late: u32,
    pub max_lateness: Duration,
    /// From the first tick to one period after the last: the load window.
    pub window: Duration,
}

/// Sends `frames` frames of `bytes` from every peer, one per tick, stamped with the time since
/// `t0`, the peer's index and the tick; stops early at `deadline`. Peer `i` sends in slot
/// `i % slots` of each tick, the period split evenly among `slots` (1: all at once, the
/// worst-case burst; real participants' clocks are not aligned).
pub async fn drive(
    peers: &[&VoicePeer],
    t0: Instant,
    frames: u32,
    bytes: usize,
    slots: u32,
    deadline: tokio::time::Instant,
) -> Sent {
    heartbeat(peers, 0);
    let mut sent = Sent::default();
    let start = tokio::time::Instant::now();
    let slots = slots.max(1);
    for tick in 0..frames {
        if start + PERIOD * (tick + 1) > deadline {
            break;
        }
        for slot in 0..slots {
            let due = start + PERIOD * tick + PERIOD * slot / slots;
            tokio::time::sleep_until(due).await;
            let lateness = due.elapsed();
            sent.late += u32::from(lateness > LATE);
            sent.max_lateness = sent.max_lateness.max(lateness);
            for (sender, peer) in (0u32..).zip(peers).skip(slot as usize).step_by(slots as usize) {
                let sent_ns = u64::try_from(t0.elapsed().as_nanos()).unwrap_or(u64::MAX);
                peer.send_audio(&encode(Stamp { sent_ns, sender, seq: tick }, bytes), LEVEL);
            }
        }
        sent.frames = tick + 1;
        if (tick + 1) % HEARTBEAT_TICKS == 0 {
            heartbeat(peers, tick + 1);
        }
    }
    // The last frames get their period too, so the window is frames x 20 ms.
    tokio::time::sleep_until(start + PERIOD * sent.frames).await;
    sent.window = start.elapsed();
    sent
}

/// Waits until every peer has received `each` frames, or `deadline`.
pub async fn drain(peers: &[&VoicePeer], each: usize, deadline: tokio::time::Instant) {
    let within = deadline.saturating_duration_since(tokio::time::Instant::now());
    let waits = peers.iter().map(|peer| peer.wait_for(within, |o| o.received.len() >= each));
    futures::future::join_all(waits).await;
}

/// A signalling heartbeat from every peer.
pub fn heartbeat(peers: &[&VoicePeer], nonce: u32) {
    for peer in peers {
        peer.signal("heartbeat", json!({ "nonce": nonce }));
    }
}
