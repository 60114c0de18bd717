//! The clients of `limits ws`: each connects over loopback, then reads every frame, takes the
//! message index from its nonce, and records its send-to-receive latency and, shared by all
//! clients, when each message reached how many of them.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use anyhow::Context;
use futures::StreamExt;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{WebSocketStream, client_async_with_config};

use super::frame::nonce;
use crate::clock::SendClock;

/// Each client's read buffer: small, since the idle memory per connection counts the clients'
/// too, and large enough to take a few frames per read.
pub const CLIENT_READ_BUFFER: usize = 4 * 1024;

/// When each message was sent, and how many clients got it and when the last one did.
pub struct Deliveries {
    pub clock: SendClock,
    received: Vec<AtomicU32>,
    /// Nanoseconds after the clock's base of the latest receipt of each message.
    last_ns: Vec<AtomicU64>,
}

impl Deliveries {
    pub fn new(messages: usize) -> Self {
        Self {
            clock: SendClock::new(messages),
            received: (0..messages).map(|_| AtomicU32::new(0)).collect(),
            last_ns: (0..messages).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Clients that have received message `index`.
    pub fn received(&self, index: usize) -> u32 {
        self.received.get(index).map_or(0, |n| n.load(Ordering::Relaxed))
    }

    /// From message `index`'s send to its latest receipt, in nanoseconds.
    pub fn reach_ns(&self, index: usize) -> Option<u64> {
        let last = self.last_ns.get(index)?.load(Ordering::Relaxed);
        last.checked_sub(self.clock.sent_at(index)?)
    }

    /// Notes a client's first receipt of message `index` at `now_ns`.
    fn record(&self, index: usize, now_ns: u64) {
        self.received[index].fetch_add(1, Ordering::Relaxed);
        self.last_ns[index].fetch_max(now_ns, Ordering::Relaxed);
    }
}

/// What one client saw.
#[derive(Debug, Default)]
pub struct ClientOutcome {
    /// Frames of the fan-out's messages (the probe, index 0, apart), repeats included.
    pub frames: u64,
    /// Distinct fan-out messages received.
    pub unique: u64,
    /// Send-to-receive latency of each distinct message but the probe (index 0), microseconds.
    pub latencies_us: Vec<u64>,
    /// The server closed the connection or it failed before every message arrived.
    pub ended_early: Option<String>,
}

/// Connects to the server at `addr` and completes the WebSocket handshake.
pub async fn connect(addr: SocketAddr) -> anyhow::Result<WebSocketStream<TcpStream>> {
    let stream = TcpStream::connect(addr).await.context("connect")?;
    stream.set_nodelay(true)?;
    let config = WebSocketConfig::default().read_buffer_size(CLIENT_READ_BUFFER);
    let (ws, _) = client_async_with_config(format!("ws://{addr}/"), stream, Some(config)).await.context("handshake")?;
    Ok(ws)
}

/// Reads until every one of `deliveries`' messages arrived, `stop` turns true, or the
/// connection ends. Memory for the tally is taken at the first frame, so an idle client holds
/// none.
pub async fn read(
    mut ws: WebSocketStream<TcpStream>,
    deliveries: std::sync::Arc<Deliveries>,
    mut stop: watch::Receiver<bool>,
) -> ClientOutcome {
    let messages = deliveries.clock.len();
    let mut outcome = ClientOutcome::default();
    let mut seen: Vec<bool> = Vec::new();
    let mut distinct = 0;
    // Bounded: every iteration takes one frame, and a run sends each message once.
    for _ in 0..messages * 2 + 16 {
        if distinct == messages || *stop.borrow() {
            break;
        }
        let incoming = tokio::select! {
            _ = stop.changed() => break,
            incoming = ws.next() => incoming,
        };
        let text = match incoming {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(_))) | None => {
                outcome.ended_early = Some("closed by the server".into());
                break;
            }
            Some(Ok(_)) => continue,
            Some(Err(e)) => {
                outcome.ended_early = Some(e.to_string());
                break;
            }
        };
        let Some(index) = nonce(text.as_str()).filter(|&i| i < messages) else { continue };
        let now = deliveries.clock.now_ns();
        let fan_out = u64::from(index > 0);
        outcome.frames += fan_out;
        if seen.is_empty() {
            seen = vec![false; messages];
        }
        if std::mem::replace(&mut seen[index], true) {
            continue;
        }
        distinct += 1;
        outcome.unique += fan_out;
        deliveries.record(index, now);
        if let Some(sent) = deliveries.clock.sent_at(index).filter(|_| index > 0) {
            outcome.latencies_us.push(now.saturating_sub(sent) / 1000);
        }
    }
    outcome
}
