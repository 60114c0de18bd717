//! One WebSocket: Hello, then Identify or Resume within the deadline, then a loop that reads
//! client payloads (heartbeats, presence, member requests), writes the session's queued
//! frames in batches (one flush for everything waiting), watches heartbeats, and closes with
//! Discord's codes. A connection that drops without a normal close leaves its session
//! resumable.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures::SinkExt;
use serde_json::Value;

mod handshake;

use crate::compress::Compression;
use crate::metrics::GatewayMetrics;
use crate::protocol::{self, ClientFrame, Close, PresenceUpdate, op};
use crate::session::Session;
use crate::{Gateway, members, voice};
use accord_service::presence::{MAX_ACTIVITIES, STATUSES};

/// What the client asked for in the URL.
#[derive(Debug, Clone)]
pub struct ConnectParams {
    pub version: Option<String>,
    pub encoding: Option<String>,
    pub compress: Option<String>,
    pub resume_url: String,
}

/// Client payloads allowed per window (heartbeats excluded).
const EVENTS_PER_WINDOW: usize = 120;
const EVENT_WINDOW: Duration = Duration::from_secs(60);
/// A write that cannot finish in this time means the client stopped reading.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

enum Phase {
    Fresh { deadline: Instant },
    Active { session: Arc<Session>, generation: u64 },
}

/// Why the loop stops.
enum Exit {
    /// The socket is gone or superseded; nothing more to send.
    Gone,
    /// Close with this code.
    Close(Close),
    /// The client closed normally (1000/1001): its session ends.
    ClientEnded,
}

struct Connection {
    ws: WebSocket,
    gw: Gateway,
    params: ConnectParams,
    compression: Compression,
    phase: Phase,
    last_heartbeat: Instant,
    asked_heartbeat: bool,
    recent: std::collections::VecDeque<Instant>,
}

pub async fn serve(ws: WebSocket, gw: Gateway, params: ConnectParams) {
    GatewayMetrics::count(&gw.metrics.connections);
    let deadline = Instant::now() + Duration::from_secs(gw.config.identify_timeout_secs);
    let compression = Compression::from_query(params.compress.as_deref());
    let mut conn = Connection {
        ws,
        gw: gw.clone(),
        params,
        compression,
        phase: Phase::Fresh { deadline },
        last_heartbeat: Instant::now(),
        asked_heartbeat: false,
        recent: Default::default(),
    };
    let exit = conn.run().await;
    conn.finish(exit).await;
    gw.metrics.connections.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
}

impl Connection {
    async fn run(&mut self) -> Exit {
        if let Some(close) = self.check_params() {
            return Exit::Close(close);
        }
        let hello = protocol::hello(self.gw.config.heartbeat_interval_ms);
        if self.send_now(hello).await.is_err() {
            return Exit::Gone;
        }
        // A quarter of the interval is fine enough for the deadlines it checks (at most 5 s
        // late on the default 41 s interval); every tick wakes the connection's task, and ten
        // thousand connections ticking once a second were ten thousand wakeups a second.
        let tick = Duration::from_millis((self.gw.config.heartbeat_interval_ms / 4).clamp(50, 5000));
        let mut ticker = tokio::time::interval(tick);
        let mut closing = self.gw.closing.clone();
        loop {
            let session = match &self.phase {
                Phase::Active { session, .. } => Some(session.clone()),
                Phase::Fresh { .. } => None,
            };
            let outcome = tokio::select! {
                // Boxed: client frames are rare, and the connection's future should not carry
                // their handling's state between them.
                message = self.ws.recv() => Box::pin(self.on_message(message)).await,
                () = wait(session.as_deref()) => self.flush().await,
                _ = ticker.tick() => self.on_tick(),
                _ = closing.changed() => Err(Exit::Close(Close::UnknownError)),
            };
            if let Err(exit) = outcome {
                return exit;
            }
        }
    }

    fn check_params(&self) -> Option<Close> {
        let version_ok = self.params.version.as_deref().is_none_or(|v| matches!(v, "6" | "7" | "8" | "9" | "10"));
        if !version_ok {
            return Some(Close::InvalidApiVersion);
        }
        let encoding_ok = self.params.encoding.as_deref().is_none_or(|e| e == "json");
        (!encoding_ok).then_some(Close::DecodeError)
    }

    /// Sends the close (if any) and leaves the session as the exit requires.
    async fn finish(&mut self, exit: Exit) {
        let session = match &self.phase {
            Phase::Active { session, generation } => Some((session.clone(), *generation)),
            Phase::Fresh { .. } => None,
        };
        match exit {
            Exit::Close(close) => {
                let frame = CloseFrame { code: close.code(), reason: close.reason().into() };
                let _ = tokio::time::timeout(WRITE_TIMEOUT, self.ws.send(Message::Close(Some(frame)))).await;
                if let Some((session, generation)) = session {
                    if close.keeps_session() { session.detach(generation) } else { session.end() }
                }
            }
            Exit::ClientEnded => {
                if let Some((session, _)) = session {
                    session.end();
                    // Others see the user without this session at once, not at the hub's next sweep.
                    let identity = &session.identity;
                    Box::pin(self.gw.presence.session_ended(identity.user_id, &identity.session_id)).await;
                    Box::pin(self.gw.voice.session_ended(&self.gw.ctx, identity.user_id, &identity.session_id)).await;
                }
            }
            Exit::Gone => {
                if let Some((session, generation)) = session {
                    session.detach(generation);
                }
            }
        }
    }

    async fn send_now(&mut self, frame: String) -> Result<(), Exit> {
        let message = self.compression.encode(frame).map_err(|_| Exit::Gone)?;
        match tokio::time::timeout(WRITE_TIMEOUT, self.ws.send(message)).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(Exit::Gone),
        }
    }

    /// Writes everything the session has queued, then flushes once.
    async fn flush(&mut self) -> Result<(), Exit> {
        let Phase::Active { session, generation } = &self.phase else { return Ok(()) };
        let out = session.take(*generation);
        if out.superseded {
            return Err(Exit::Close(Close::UnknownError));
        }
        let write = async {
            for frame in out.frames {
                let message = self.compression.encode(frame).map_err(|_| Exit::Gone)?;
                self.ws.feed(message).await.map_err(|_| Exit::Gone)?;
            }
            self.ws.flush().await.map_err(|_| Exit::Gone)
        };
        match tokio::time::timeout(WRITE_TIMEOUT, write).await {
            Ok(result) => result?,
            Err(_) => return Err(Exit::Gone),
        }
        out.close.map_or(Ok(()), |close| Err(Exit::Close(close)))
    }

    fn on_tick(&mut self) -> Result<(), Exit> {
        let interval = Duration::from_millis(self.gw.config.heartbeat_interval_ms);
        match &self.phase {
            Phase::Fresh { deadline } if Instant::now() > *deadline => Err(Exit::Close(Close::SessionTimedOut)),
            Phase::Fresh { .. } => Ok(()),
            Phase::Active { session, .. } => {
                let silent = self.last_heartbeat.elapsed();
                if silent > interval * 2 {
                    return Err(Exit::Close(Close::SessionTimedOut));
                }
                if silent > interval + interval / 4 && !self.asked_heartbeat {
                    self.asked_heartbeat = true;
                    session.push_control(protocol::heartbeat_request());
                }
                Ok(())
            }
        }
    }

    async fn on_message(&mut self, message: Option<Result<Message, axum::Error>>) -> Result<(), Exit> {
        let text = match message {
            None | Some(Err(_)) => return Err(Exit::Gone),
            Some(Ok(Message::Close(frame))) => {
                let normal = frame.is_some_and(|f| matches!(f.code, 1000 | 1001));
                return Err(if normal { Exit::ClientEnded } else { Exit::Gone });
            }
            Some(Ok(Message::Text(text))) => text.to_string(),
            Some(Ok(Message::Binary(bytes))) => {
                String::from_utf8(bytes.to_vec()).map_err(|_| Exit::Close(Close::DecodeError))?
            }
            Some(Ok(_)) => return Ok(()),
        };
        if text.len() > protocol::MAX_CLIENT_PAYLOAD {
            return Err(Exit::Close(Close::DecodeError));
        }
        let frame: ClientFrame = serde_json::from_str(&text).map_err(|_| Exit::Close(Close::DecodeError))?;
        if frame.op != op::HEARTBEAT {
            self.count_event()?;
            if let Phase::Active { session, .. } = &self.phase {
                let identity = &session.identity;
                Box::pin(self.gw.presence.session_active(identity.user_id, &identity.session_id)).await;
            }
        }
        // The once-per-connection and rare steps are boxed: inline, their state would size
        // the future every idle connection keeps for its whole life.
        match (frame.op, &self.phase) {
            (op::HEARTBEAT, _) => self.on_heartbeat(&frame.d).await,
            (op::IDENTIFY, Phase::Fresh { .. }) => Box::pin(self.identify(frame.d)).await,
            (op::RESUME, Phase::Fresh { .. }) => Box::pin(self.resume(frame.d)).await,
            (op::IDENTIFY | op::RESUME, Phase::Active { .. }) => Err(Exit::Close(Close::AlreadyAuthenticated)),
            (op::PRESENCE_UPDATE | op::REQUEST_GUILD_MEMBERS | op::VOICE_STATE_UPDATE, Phase::Fresh { .. }) => {
                Err(Exit::Close(Close::NotAuthenticated))
            }
            (op::PRESENCE_UPDATE, Phase::Active { .. }) => Box::pin(self.presence_update(frame.d)).await,
            (op::REQUEST_GUILD_MEMBERS, Phase::Active { session, .. }) => {
                let session = session.clone();
                let request = serde_json::from_value(frame.d).map_err(|_| Exit::Close(Close::DecodeError))?;
                let frames = Box::pin(members::request(&self.gw.ctx, &self.gw.presence, &session, request))
                    .await
                    .map_err(Exit::Close)?;
                self.gw.hub.push_local(session, frames).await;
                self.flush().await
            }
            (op::VOICE_STATE_UPDATE, Phase::Active { session, .. }) => {
                let session = session.clone();
                let frames = Box::pin(voice::update(&self.gw.ctx, &self.gw.voice, &session, frame.d))
                    .await
                    .map_err(Exit::Close)?;
                if !frames.is_empty() {
                    self.gw.hub.push_local(session, frames).await;
                }
                self.flush().await
            }
            _ => Err(Exit::Close(Close::UnknownOpcode)),
        }
    }

    fn count_event(&mut self) -> Result<(), Exit> {
        let now = Instant::now();
        while self.recent.front().is_some_and(|t| now.duration_since(*t) >= EVENT_WINDOW) {
            self.recent.pop_front();
        }
        if self.recent.len() >= EVENTS_PER_WINDOW {
            return Err(Exit::Close(Close::RateLimited));
        }
        self.recent.push_back(now);
        Ok(())
    }

    async fn on_heartbeat(&mut self, d: &Value) -> Result<(), Exit> {
        self.last_heartbeat = Instant::now();
        self.asked_heartbeat = false;
        match &self.phase {
            Phase::Active { session, .. } => {
                if let Some(seq) = d.as_u64() {
                    session.acknowledge(seq);
                }
                session.push_control(protocol::heartbeat_ack());
                self.flush().await
            }
            Phase::Fresh { .. } => self.send_now(protocol::heartbeat_ack()).await,
        }
    }

    async fn presence_update(&mut self, d: Value) -> Result<(), Exit> {
        let Phase::Active { session, .. } = &self.phase else { return Ok(()) };
        let identity = &session.identity;
        let update: PresenceUpdate = serde_json::from_value(d).map_err(|_| Exit::Close(Close::DecodeError))?;
        let (status, activities) = to_presence(&update).ok_or(Exit::Close(Close::DecodeError))?;
        self.gw.presence.session_updated(identity.user_id, &identity.session_id, status, activities).await;
        Ok(())
    }
}

/// The status and activities of an op 3 (or identify's `presence`); `afk` means idle.
pub(super) fn to_presence(update: &PresenceUpdate) -> Option<(String, Vec<Value>)> {
    let mut status = update.status.clone().unwrap_or_else(|| "online".into());
    if !STATUSES.contains(&status.as_str()) {
        return None;
    }
    if update.afk == Some(true) && status == "online" {
        status = "idle".into();
    }
    let activities = update.activities.clone().unwrap_or_default().into_iter().take(MAX_ACTIVITIES).collect();
    Some((status, activities))
}

/// Waits for the session to have something to write; forever without a session.
async fn wait(session: Option<&Session>) {
    match session {
        Some(session) => session.wait().await,
        None => std::future::pending().await,
    }
}
