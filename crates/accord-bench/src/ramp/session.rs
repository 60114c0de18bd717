//! One simulated user's gateway session: identify, read frames (counting MESSAGE_CREATEs and
//! following the sequence), heartbeat, and drop the connection to RESUME. Frames are read
//! only as far as their op, sequence and event name, so the clients' parsing takes little of
//! the cores the server shares with them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use accord_client::gateway::{GatewayClient, GatewayError};
use anyhow::{Context, bail};
use tokio::time::Instant;

use crate::frame::{Frame, drop_and_resume};
use crate::setup::identify;

/// GUILDS | GUILD_MESSAGES | GUILD_MESSAGE_REACTIONS | GUILD_MESSAGE_TYPING | MESSAGE_CONTENT:
/// what a chat client shows. No presences, which would make every join an N×N broadcast.
pub const INTENTS: u64 = (1 << 0) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 15);

/// How long an identify may take, connect to GUILD_CREATE (`identify` waits 10 s per event).
const IDENTIFY_WAIT: Duration = Duration::from_secs(30);

/// The most frames a resume may replay before RESUMED.
const MAX_REPLAYED: usize = 100_000;

/// A session that identified.
pub struct Session {
    client: GatewayClient,
    session_id: String,
    /// The last sequence read, for heartbeats and resumes.
    seq: Option<u64>,
    interval: Duration,
    /// When the next heartbeat is due.
    pub next_beat: Instant,
}

impl Session {
    /// Connects and identifies with `token`, up to the guild's GUILD_CREATE.
    pub async fn identify(url: &str, token: &str) -> anyhow::Result<Self> {
        let identified = tokio::time::timeout(IDENTIFY_WAIT, identify(url, token, INTENTS, None))
            .await
            .context("identify timed out")??;
        let session_id = identified.ready["session_id"].as_str().context("READY without session_id")?.to_owned();
        let interval = Duration::from_millis(identified.session.heartbeat_interval.max(1000) * 9 / 10);
        Ok(Self { client: identified.session, session_id, seq: None, interval, next_beat: Instant::now() + interval })
    }

    /// Reads frames until `until`, counting MESSAGE_CREATEs in `deliveries`; `Err` says why the
    /// session ended (the server closed or invalidated it, or the connection failed). Resumes
    /// when the server asks for a reconnect (op 7).
    pub async fn read_until(
        &mut self,
        until: Instant,
        url: &str,
        token: &str,
        deliveries: &AtomicU64,
    ) -> anyhow::Result<()> {
        let wait = until.saturating_duration_since(Instant::now());
        let text = match self.client.next_text(wait).await {
            Ok(Ok(text)) => text,
            Ok(Err(code)) => bail!("the server closed the session with {code:?}"),
            Err(GatewayError::Timeout(_)) => return Ok(()),
            Err(e) => return Err(e).context("reading the gateway"),
        };
        let frame = Frame::parse(&text).context("an unreadable frame")?;
        self.seq = frame.s.or(self.seq);
        match frame.op {
            0 if frame.event() == Some("MESSAGE_CREATE") => {
                deliveries.fetch_add(1, Ordering::Relaxed);
            }
            1 => self.next_beat = Instant::now(),
            7 => {
                self.resume(url, token, deliveries).await.context("resuming as the server asked")?;
            }
            9 => bail!("the server invalidated the session"),
            _ => {}
        }
        Ok(())
    }

    /// Sends a heartbeat if one is due.
    pub async fn beat_if_due(&mut self) -> anyhow::Result<()> {
        if Instant::now() < self.next_beat {
            return Ok(());
        }
        let beat = format!(r#"{{"op":1,"d":{}}}"#, self.seq.map_or("null".into(), |s| s.to_string()));
        self.client.send_text(beat).await.context("heartbeat")?;
        self.next_beat = Instant::now() + self.interval;
        Ok(())
    }

    /// Drops the TCP connection without a close frame, reconnects and resumes from the last
    /// sequence, counting replayed MESSAGE_CREATEs, up to RESUMED.
    pub async fn resume(&mut self, url: &str, token: &str, deliveries: &AtomicU64) -> anyhow::Result<()> {
        let seq = &mut self.seq;
        drop_and_resume(&mut self.client, (url, token, &self.session_id), seq.unwrap_or(0), MAX_REPLAYED, |frame| {
            *seq = frame.s.or(*seq);
            if frame.event() == Some("MESSAGE_CREATE") {
                deliveries.fetch_add(1, Ordering::Relaxed);
            }
        })
        .await?;
        self.next_beat = Instant::now() + self.interval;
        Ok(())
    }

    /// Drops the connection (the run is over).
    pub fn end(self) {
        self.client.drop_connection();
    }
}
