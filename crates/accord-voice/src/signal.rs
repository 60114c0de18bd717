//! `/voice/ws`: one participant's signalling connection. It identifies with the voice token
//! of VOICE_SERVER_UPDATE, joins the SFU, relays SDP and candidates, and turns the client's
//! requests (mute, layers, streams, recording) into voice state changes and SFU commands.

pub mod protocol;

use std::time::{Duration, Instant};

use accord_api::voice::VoiceState;
use accord_core::Permissions;
use accord_service::access::ChannelAccess;
use accord_service::voice::grant::VoiceGrant;
use accord_service::voice::{placement, state};
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};

use crate::Voice;
use crate::node::Connection;
use crate::sfu::{Command, Flags, Joining, PeerEvent, PeerId, SignalError, close};
use protocol::{Frame, error, event_frame, frame};

/// Time to identify after the connection opens.
const IDENTIFY_WITHIN: Duration = Duration::from_secs(10);
/// The heartbeat interval sent in `hello`; two missed ones close the connection.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// Events queued for a connection before the SFU gives up on it.
const EVENT_QUEUE: usize = 256;

/// Close codes of the opening (docs/voice-protocol.md).
const BAD_OPENING: u16 = 4001;
const BAD_TOKEN: u16 = 4004;
const HEARTBEAT_TIMEOUT: u16 = 4009;

pub async fn upgrade(State(voice): State<Voice>, ws: WebSocketUpgrade) -> Response {
    ws.max_message_size(protocol::MAX_MESSAGE).on_upgrade(move |socket| run(voice, socket))
}

/// The voice state as the SFU's flags.
pub fn flags_of(state: &VoiceState) -> Flags {
    Flags {
        self_mute: state.self_mute,
        self_deaf: state.self_deaf,
        mute: state.mute,
        deaf: state.deaf,
        suppress: state.suppress,
        self_video: state.self_video,
        self_stream: state.self_stream,
    }
}

async fn run(voice: Voice, mut ws: WebSocket) {
    let hello = json!({ "version": protocol::VERSION, "heartbeat_interval": HEARTBEAT.as_millis() as u64 });
    if ws.send(Message::Text(frame("hello", hello).into())).await.is_err() {
        return;
    }
    let grant = match identify(&voice, &mut ws).await {
        Ok(grant) => grant,
        Err(code) => return close_with(ws, code).await,
    };
    let (events_tx, events) = mpsc::channel(EVENT_QUEUE);
    let joined = match admit(&voice, &grant, events_tx).await {
        Ok(joined) => joined,
        Err(code) => return close_with(ws, code).await,
    };
    let link = Link { voice, grant, peer: joined.0 };
    let session = Session { link, ws, events, last_heartbeat: Instant::now() };
    session.serve(joined.1).await;
}

/// Reads `identify` and checks its token.
async fn identify(voice: &Voice, ws: &mut WebSocket) -> Result<VoiceGrant, u16> {
    let first = tokio::time::timeout(IDENTIFY_WITHIN, ws.recv()).await.map_err(|_| BAD_OPENING)?;
    let Some(Ok(Message::Text(text))) = first else { return Err(BAD_OPENING) };
    let frame: Frame = serde_json::from_str(&text).map_err(|_| BAD_OPENING)?;
    if frame.op != "identify" {
        return Err(BAD_OPENING);
    }
    let identify: protocol::Identify = serde_json::from_value(frame.d).map_err(|_| BAD_OPENING)?;
    let now = accord_core::time::now_ms() / 1000;
    VoiceGrant::verify(&voice.ctx.tokens, &identify.token, now).map_err(|_| BAD_TOKEN)
}

/// Checks that the grant's voice state still stands and its channel lives on this node,
/// then joins the SFU. Returns the participant and its `ready`.
async fn admit(voice: &Voice, grant: &VoiceGrant, events: mpsc::Sender<PeerEvent>) -> Result<(PeerId, Value), u16> {
    let current = state::state_of(&voice.ctx, grant.scope, grant.user_id).await.map_err(|_| close::NOT_ALLOWED)?;
    let state = current
        .filter(|s| s.session_id == grant.session_id && s.channel_id == Some(grant.channel_id))
        .ok_or(close::NOT_ALLOWED)?;
    if !placement::claim(&voice.ctx.kv, grant.channel_id, &voice.node.id).await {
        return Err(close::NOT_ALLOWED);
    }
    let joining = Joining {
        user_id: grant.user_id,
        scope: grant.scope,
        channel_id: grant.channel_id,
        flags: flags_of(&state),
        events,
    };
    let (reply, welcome) = oneshot::channel();
    if !voice.sfu.send(Command::Join(joining, reply)).await {
        return Err(close::DISCONNECTED);
    }
    let welcome = welcome.await.map_err(|_| close::DISCONNECTED)?;
    voice.node.connected(welcome.peer, Connection::of(grant));
    let ready = json!({
        "session_id": grant.session_id,
        "user_id": grant.user_id,
        "guild_id": grant.guild_id,
        "channel_id": grant.channel_id,
        "peers": welcome.peers,
        "streams": welcome.streams,
        "recording": welcome.recording,
        "ice_servers": voice.ice_servers(grant.user_id).ice_servers,
    });
    Ok((welcome.peer, ready))
}

async fn close_with(mut ws: WebSocket, code: u16) {
    let reason = match code {
        BAD_TOKEN => "bad or expired voice token",
        close::NOT_ALLOWED => "not allowed to connect",
        close::REPLACED => "replaced by a newer connection",
        HEARTBEAT_TIMEOUT => "heartbeat timed out",
        close::DISCONNECTED => "disconnected",
        _ => "bad opening",
    };
    let _ = ws.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
}

/// What a connection acts with: shared, so it can be used while the socket is busy.
struct Link {
    voice: Voice,
    grant: VoiceGrant,
    peer: PeerId,
}

struct Session {
    link: Link,
    ws: WebSocket,
    events: mpsc::Receiver<PeerEvent>,
    last_heartbeat: Instant,
}

/// How a connection ended.
enum End {
    /// The client went away.
    Gone,
    /// The server closes it with a code.
    Close(u16),
}

impl Session {
    async fn serve(mut self, ready: Value) {
        let end = match self.send(frame("ready", ready)).await {
            Ok(()) => self.serve_loop().await,
            Err(end) => end,
        };
        let Link { voice, grant, peer } = &self.link;
        let _ = voice.sfu.send(Command::Leave { peer: *peer }).await;
        voice.node.disconnected(*peer);
        // A REST join has no gateway session to hold it: its media connection was its life,
        // unless a moderator moved it on (the client reconnects to the new channel).
        if grant.session_id.starts_with(state::REST_SESSION_PREFIX) {
            let now = state::state_of(&voice.ctx, grant.scope, grant.user_id).await.ok().flatten();
            if now.is_some_and(|s| s.channel_id == Some(grant.channel_id)) {
                let _ = state::leave(&voice.ctx, grant.scope, grant.user_id, Some(&grant.session_id)).await;
            }
        }
        if let End::Close(code) = end {
            close_with(self.ws, code).await;
        }
    }

    async fn serve_loop(&mut self) -> End {
        let mut tick = tokio::time::interval(HEARTBEAT / 2);
        loop {
            let step = tokio::select! {
                message = self.ws.recv() => match message {
                    Some(Ok(Message::Text(text))) => self.on_text(&text).await,
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => Err(End::Gone),
                    Some(Ok(_)) => Ok(()),
                },
                event = self.events.recv() => match event {
                    Some(PeerEvent::Closed(code)) => Err(End::Close(code)),
                    Some(event) => match event_frame(&event) {
                        Some(text) => self.send(text).await,
                        None => Ok(()),
                    },
                    None => Err(End::Close(close::DISCONNECTED)),
                },
                _ = tick.tick() => {
                    if self.last_heartbeat.elapsed() > HEARTBEAT * 2 { Err(End::Close(HEARTBEAT_TIMEOUT)) } else { Ok(()) }
                }
            };
            if let Err(end) = step {
                return end;
            }
        }
    }

    async fn send(&mut self, text: String) -> Result<(), End> {
        self.ws.send(Message::Text(text.into())).await.map_err(|_| End::Gone)
    }

    async fn on_text(&mut self, text: &str) -> Result<(), End> {
        let Ok(frame) = serde_json::from_str::<Frame>(text) else {
            return self.send(error("bad_request", "not a JSON frame")).await;
        };
        let answer = match self.on_frame(&frame.op, frame.d).await {
            Ok(answer) => answer,
            Err(failure) => Some(failure),
        };
        match answer {
            Some(text) => self.send(text).await,
            None => Ok(()),
        }
    }

    /// Handles one client message; what to send back, if anything.
    async fn on_frame(&mut self, op: &str, d: Value) -> Result<Option<String>, String> {
        if op == "heartbeat" {
            self.last_heartbeat = Instant::now();
            let beat: protocol::Heartbeat = parse(d)?;
            return Ok(Some(frame("heartbeat_ack", json!({ "nonce": beat.nonce }))));
        }
        self.link.on_frame(op, d).await
    }
}

impl Link {
    async fn on_frame(&self, op: &str, d: Value) -> Result<Option<String>, String> {
        let peer = self.peer;
        match op {
            "offer" => {
                let offer: protocol::Offer = parse(d)?;
                let (reply, answer) = oneshot::channel();
                self.command(Command::Offer { peer, sdp: offer.sdp, tracks: offer.tracks, reply }).await?;
                let sdp = answer.await.map_err(|_| gone())?.map_err(|e| failure(&e))?;
                Ok(Some(frame("answer", json!({ "sdp": sdp }))))
            }
            "answer" => {
                let answer: protocol::Answer = parse(d)?;
                let (reply, done) = oneshot::channel();
                self.command(Command::Answer { peer, sdp: answer.sdp, reply }).await?;
                done.await.map_err(|_| gone())?.map_err(|e| failure(&e))?;
                Ok(None)
            }
            "candidate" => {
                let candidate: protocol::IceCandidate = parse(d)?;
                self.command(Command::Candidate { peer, candidate: candidate.candidate }).await?;
                Ok(None)
            }
            "state" => {
                let change: protocol::SelfState = parse(d)?;
                self.change_state(move |s| {
                    s.self_mute = change.self_mute.unwrap_or(s.self_mute);
                    s.self_deaf = change.self_deaf.unwrap_or(s.self_deaf);
                    s.self_video = change.self_video.unwrap_or(s.self_video);
                })
                .await?;
                Ok(None)
            }
            "layers" => {
                let layers: protocol::Layers = parse(d)?;
                self.command(Command::Layers { peer, source: layers.user_id, quality: layers.quality }).await?;
                Ok(None)
            }
            "stream_start" | "stream_stop" => {
                let live = op == "stream_start";
                if live {
                    self.require(Permissions::STREAM).await?;
                }
                self.change_state(move |s| s.self_stream = live).await?;
                self.command(Command::Stream { peer, live }).await?;
                Ok(None)
            }
            "watch" | "unwatch" => {
                let (source, tier) = match op {
                    "watch" => parse::<protocol::Watch>(d).map(|w| (w.user_id, Some(w.tier)))?,
                    _ => parse::<protocol::Unwatch>(d).map(|w| (w.user_id, None))?,
                };
                let (reply, done) = oneshot::channel();
                self.command(Command::Watch { peer, source, tier, reply }).await?;
                done.await.map_err(|_| gone())?.map_err(|e| failure(&e))?;
                Ok(None)
            }
            "recording" => {
                let recording: protocol::Recording = parse(d)?;
                self.require(Permissions::MANAGE_CHANNELS).await?;
                self.command(Command::Recording { peer, on: recording.recording }).await?;
                Ok(None)
            }
            _ => Err(error("bad_request", &format!("unknown op {op:?}"))),
        }
    }

    async fn command(&self, command: Command) -> Result<(), String> {
        if self.voice.sfu.send(command).await { Ok(()) } else { Err(gone()) }
    }

    /// Changes the caller's voice state (announced to the guild) and tells the SFU at once.
    async fn change_state(&self, change: impl Fn(&mut VoiceState)) -> Result<(), String> {
        let grant = &self.grant;
        let changed = state::modify(&self.voice.ctx, grant.scope, grant.user_id, Some(&grant.session_id), change)
            .await
            .map_err(|_| error("unavailable", "the voice state could not be changed"))?;
        let Some(state) = changed else { return Err(error("not_found", "the voice state is gone")) };
        let flags = flags_of(&state);
        self.command(Command::Flags { scope: grant.scope, user_id: grant.user_id, flags }).await
    }

    /// 403-style refusal unless the caller has `needed` in the channel now.
    async fn require(&self, needed: Permissions) -> Result<(), String> {
        let forbidden = || error("forbidden", "missing permissions");
        let access = ChannelAccess::require(self.voice.ctx.store.as_ref(), self.grant.channel_id, self.grant.user_id)
            .await
            .map_err(|_| forbidden())?;
        if access.permissions.contains(needed) { Ok(()) } else { Err(forbidden()) }
    }
}

fn parse<T: DeserializeOwned>(d: Value) -> Result<T, String> {
    serde_json::from_value(d).map_err(|e| error("bad_request", &e.to_string()))
}

fn failure(e: &SignalError) -> String {
    let code = match e {
        SignalError::Glare => "glare",
        SignalError::BadRequest(_) => "bad_request",
        SignalError::NotFound => "not_found",
        SignalError::Gone => "gone",
    };
    error(code, &e.to_string())
}

fn gone() -> String {
    error("gone", "the media session is gone")
}
