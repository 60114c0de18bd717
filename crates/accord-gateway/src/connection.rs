//! One WebSocket: Hello, then Identify or Resume within the deadline, then a loop that reads
//! client payloads (heartbeats, presence, member requests), writes the session's queued
//! frames in batches (one flush for everything waiting), watches heartbeats, and closes with
//! Discord's codes. A connection that drops without a normal close leaves its session
//! resumable.

use std::sync::Arc;
use std::time::{Duration, Instant};

use accord_core::Snowflake;
use accord_service::principal::authenticate;
use accord_service::{Principal, PrincipalKind, ServiceContext};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures::SinkExt;
use rand::RngCore;
use serde_json::Value;

use crate::compress::Compression;
use crate::metrics::GatewayMetrics;
use crate::presence::{Presence, STATUSES};
use crate::protocol::{self, ClientFrame, Close, Identify, PresenceUpdate, Resume, op};
use crate::session::{Identity, Limits, ResumeError, Session};
use crate::{Gateway, intents, members, ready};

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
        let tick = Duration::from_millis((self.gw.config.heartbeat_interval_ms / 4).clamp(50, 1000));
        let mut ticker = tokio::time::interval(tick);
        let mut closing = self.gw.closing.clone();
        loop {
            let session = match &self.phase {
                Phase::Active { session, .. } => Some(session.clone()),
                Phase::Fresh { .. } => None,
            };
            let outcome = tokio::select! {
                message = self.ws.recv() => self.on_message(message).await,
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
        }
        match (frame.op, &self.phase) {
            (op::HEARTBEAT, _) => self.on_heartbeat(&frame.d).await,
            (op::IDENTIFY, Phase::Fresh { .. }) => self.identify(frame.d).await,
            (op::RESUME, Phase::Fresh { .. }) => self.resume(frame.d).await,
            (op::IDENTIFY | op::RESUME, Phase::Active { .. }) => Err(Exit::Close(Close::AlreadyAuthenticated)),
            (op::PRESENCE_UPDATE | op::REQUEST_GUILD_MEMBERS | op::VOICE_STATE_UPDATE, Phase::Fresh { .. }) => {
                Err(Exit::Close(Close::NotAuthenticated))
            }
            (op::PRESENCE_UPDATE, Phase::Active { .. }) => self.presence_update(frame.d).await,
            (op::REQUEST_GUILD_MEMBERS, Phase::Active { session, .. }) => {
                let session = session.clone();
                let request = serde_json::from_value(frame.d).map_err(|_| Exit::Close(Close::DecodeError))?;
                members::request(&self.gw.ctx, &self.gw.presence, &session, request).await.map_err(Exit::Close)?;
                self.flush().await
            }
            // Voice arrives with the voice issue; until then a voice state update is accepted and ignored.
            (op::VOICE_STATE_UPDATE, Phase::Active { .. }) => Ok(()),
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
}

/// A token as sent in Identify or Resume: `Bot x` is a bot token; a bare one is tried as a
/// bot token, then as a user's access token.
async fn principal_of(ctx: &ServiceContext, token: &str) -> Result<Principal, Exit> {
    let fail = |_| Exit::Close(Close::AuthenticationFailed);
    match protocol::bare_token(token) {
        (bare, true) => authenticate(ctx, &format!("Bot {bare}")).await.map_err(fail),
        (bare, false) => match authenticate(ctx, &format!("Bot {bare}")).await {
            Ok(principal) => Ok(principal),
            Err(_) => authenticate(ctx, bare).await.map_err(fail),
        },
    }
}

/// The user's guilds that belong to this session's shard.
async fn guild_ids(ctx: &ServiceContext, identity: &Identity) -> accord_store::StoreResult<Vec<Snowflake>> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = ctx.store.guilds_of_user(identity.user_id, after, 200).await?;
        after = page.last().map(|g| g.id);
        out.extend(page.iter().map(|g| g.id).filter(|id| identity.shard_has(*id)));
        if page.len() < 200 {
            return Ok(out);
        }
    }
}

/// The node's boot id, then 128 random bits: a restarted node knows none of its old ids.
fn new_session_id(boot: &str) -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let random: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{boot}{random}")
}

impl Connection {
    async fn identify(&mut self, d: Value) -> Result<(), Exit> {
        let identify: Identify = serde_json::from_value(d).map_err(|_| Exit::Close(Close::DecodeError))?;
        let principal = principal_of(&self.gw.ctx, &identify.token).await?;
        let intents =
            identify.intents.filter(|i| i & !intents::KNOWN == 0).ok_or(Exit::Close(Close::InvalidIntents))?;
        let ctx = self.gw.ctx.clone();
        let store_failed = |_| Exit::Close(Close::UnknownError);
        let bot = principal.kind == PrincipalKind::Bot;
        let application = if bot {
            let app = ctx.store.application_by_bot(principal.user_id).await.map_err(store_failed)?;
            let app = app.ok_or(Exit::Close(Close::AuthenticationFailed))?;
            if !intents::allowed_for_bot(intents, app.flags) {
                return Err(Exit::Close(Close::DisallowedIntents));
            }
            Some((app.id, app.flags))
        } else {
            None
        };
        let shard = identify.shard.unwrap_or([0, 1]);
        if shard[1] == 0 || shard[0] >= shard[1] {
            return Err(Exit::Close(Close::InvalidShard));
        }
        let user = ctx.store.user(principal.user_id).await.map_err(store_failed)?;
        let user = user.ok_or(Exit::Close(Close::AuthenticationFailed))?;
        let identity = Identity {
            session_id: new_session_id(&self.gw.boot),
            user_id: user.id,
            bot,
            intents,
            shard: (shard[0], shard[1]),
        };
        let guilds = guild_ids(&ctx, &identity).await.map_err(store_failed)?;
        let (session, generation) = Session::new(identity.clone(), Limits::from(self.gw.config.as_ref()));
        self.gw.hub.register(session.clone(), guilds.clone()).await.map_err(|_| Exit::Close(Close::UnknownError))?;
        self.phase = Phase::Active { session: session.clone(), generation };
        self.last_heartbeat = Instant::now();
        let ready = ready::ready(&identity, &user, &guilds, &self.params.resume_url, application, identify.shard);
        session.push_direct(Arc::from(protocol::dispatch_head("READY", &ready.to_string())));
        if identity.wants(intents::GUILDS) {
            let threshold = identify.large_threshold.unwrap_or(50).clamp(50, 250);
            for guild_id in &guilds {
                let payload = ready::guild_create(&ctx, &self.gw.presence, &identity, &user, *guild_id, threshold)
                    .await
                    .map_err(store_failed)?;
                if let Some(payload) = payload {
                    session.push_direct(Arc::from(protocol::dispatch_head("GUILD_CREATE", &payload)));
                }
            }
        }
        session.release();
        let initial = identify
            .presence
            .and_then(|p| to_presence(&p))
            .unwrap_or(Presence { status: "online".into(), activities: Vec::new() });
        self.gw.presence.set(&ctx, user.id, initial).await;
        self.flush().await
    }

    async fn resume(&mut self, d: Value) -> Result<(), Exit> {
        let resume: Resume = serde_json::from_value(d).map_err(|_| Exit::Close(Close::DecodeError))?;
        let principal = principal_of(&self.gw.ctx, &resume.token).await?;
        let found = if resume.session_id.starts_with(self.gw.boot.as_ref()) {
            self.gw.hub.find(resume.session_id.clone()).await
        } else {
            None
        };
        let session = found.filter(|s| s.identity.user_id == principal.user_id);
        let outcome = match &session {
            Some(s) => s.resume(resume.seq.unwrap_or(0)),
            None => Err(ResumeError::Gone),
        };
        match (outcome, session) {
            (Ok(generation), Some(session)) => {
                GatewayMetrics::count(&self.gw.metrics.resume_success);
                session.push_direct(Arc::from(protocol::dispatch_head("RESUMED", "{}")));
                self.phase = Phase::Active { session, generation };
                self.last_heartbeat = Instant::now();
                self.flush().await
            }
            (Err(ResumeError::SeqAhead), _) => {
                GatewayMetrics::count(&self.gw.metrics.resume_failure);
                Err(Exit::Close(Close::InvalidSeq))
            }
            _ => {
                GatewayMetrics::count(&self.gw.metrics.resume_failure);
                self.send_now(protocol::invalid_session(false)).await
            }
        }
    }

    async fn presence_update(&mut self, d: Value) -> Result<(), Exit> {
        let Phase::Active { session, .. } = &self.phase else { return Ok(()) };
        let user = session.identity.user_id;
        let update: PresenceUpdate = serde_json::from_value(d).map_err(|_| Exit::Close(Close::DecodeError))?;
        let presence = to_presence(&update).ok_or(Exit::Close(Close::DecodeError))?;
        self.gw.presence.set(&self.gw.ctx, user, presence).await;
        Ok(())
    }
}

fn to_presence(update: &PresenceUpdate) -> Option<Presence> {
    let status = update.status.clone().unwrap_or_else(|| "online".into());
    if !STATUSES.contains(&status.as_str()) {
        return None;
    }
    let activities = update.activities.clone().unwrap_or_default().into_iter().take(10).collect();
    Some(Presence { status, activities })
}

/// Waits for the session to have something to write; forever without a session.
async fn wait(session: Option<&Session>) {
    match session {
        Some(session) => session.wait().await,
        None => std::future::pending().await,
    }
}
