//! A headless voice participant: the signalling WebSocket of `docs/voice-protocol.md` and a
//! full-ICE WebRTC session on `str0m` over a loopback UDP socket. It sends synthetic Opus
//! and VP8 frames (any bytes: the SFU never decodes them) and records what it receives, so
//! tests and the benchmark can check exactly which media reached whom.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use str0m::change::{SdpAnswer, SdpOffer};
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid, Simulcast, SimulcastLayer};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::net::{TcpStream, UdpSocket};
use tokio::sync::{Notify, mpsc};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    #[error("signalling socket: {0}")]
    Socket(#[from] tokio_tungstenite::tungstenite::Error),
    #[error("the server closed the connection with {0}")]
    Closed(u16),
    #[error("protocol: {0}")]
    Protocol(String),
    #[error("no media connection within the time allowed")]
    NotConnected,
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

/// What the participant sends: audio, and camera and screen tracks with simulcast layers
/// (lowest first; an empty list is a single layer).
#[derive(Debug, Clone, Default)]
pub struct Sends {
    pub audio: bool,
    pub camera: Option<Vec<String>>,
    pub screen: Option<Vec<String>>,
}

/// A frame received, with the participant and kind the server's track list named for it.
#[derive(Debug, Clone)]
pub struct Received {
    pub user_id: Option<String>,
    pub kind: Option<String>,
    pub data: Vec<u8>,
    pub at: Instant,
}

/// Everything observed so far.
#[derive(Debug, Default)]
pub struct Observed {
    /// Signalling messages after `ready`, as `{op, d}`.
    pub messages: Vec<Value>,
    pub received: Vec<Received>,
    /// The server's current track list: mid to `{user_id, kind}`.
    pub tracks: HashMap<String, Value>,
    pub connected: bool,
    /// The close code, once the server closed the signalling connection.
    pub closed: Option<u16>,
}

enum Command {
    Audio { payload: Vec<u8>, level: i8 },
    Video { screen: bool, rid: Option<String>, payload: Vec<u8> },
    Signal(Value),
    Close,
}

pub struct VoicePeer {
    commands: mpsc::UnboundedSender<Command>,
    observed: Arc<Mutex<Observed>>,
    changed: Arc<Notify>,
    /// The `ready` message's `d`.
    pub ready: Value,
}

impl VoicePeer {
    /// Connects to `url` (`ws://host:port/voice/ws?v=1`) with a voice token, offers `sends`
    /// and waits until media flows (ICE and DTLS done).
    pub async fn connect(url: &str, token: &str, sends: Sends) -> Result<Self, VoiceError> {
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await?;
        expect_op(&mut ws, "hello").await?;
        ws.send(Message::text(json!({"op": "identify", "d": {"token": token}}).to_string())).await?;
        let ready = expect_op(&mut ws, "ready").await?;
        let udp = UdpSocket::bind("127.0.0.1:0").await?;
        let local = udp.local_addr()?;
        let mut rtc = Rtc::builder().set_reordering_size_audio(0).build(Instant::now());
        rtc.add_local_candidate(Candidate::host(local, "udp").map_err(|e| VoiceError::Protocol(e.to_string()))?);
        let mut change = rtc.sdp_api();
        let mut declared = serde_json::Map::new();
        let mut mids = Mids::default();
        if sends.audio {
            let mid = change.add_media(MediaKind::Audio, Direction::SendOnly, Some("me".into()), None, None);
            declared.insert(mid.to_string(), json!("audio"));
            mids.audio = Some(mid);
        }
        for (layers, screen) in [(&sends.camera, false), (&sends.screen, true)] {
            let Some(layers) = layers else { continue };
            let simulcast = (!layers.is_empty()).then(|| {
                let mut s = Simulcast::new();
                layers.iter().for_each(|l| s.add_send_layer(SimulcastLayer::new(l)));
                s
            });
            let mid = change.add_media(MediaKind::Video, Direction::SendOnly, Some("me".into()), None, simulcast);
            declared.insert(mid.to_string(), json!(if screen { "screen" } else { "video" }));
            if screen { mids.screen = Some(mid) } else { mids.camera = Some(mid) }
        }
        if declared.is_empty() {
            // A listener sends nothing: one receive-only line opens the session, as a browser's would.
            change.add_media(MediaKind::Audio, Direction::RecvOnly, None, None, None);
        }
        let (offer, pending) = change.apply().ok_or_else(|| VoiceError::Protocol("nothing to offer".into()))?;
        let d = json!({"sdp": offer.to_sdp_string(), "tracks": declared});
        ws.send(Message::text(json!({"op": "offer", "d": d}).to_string())).await?;
        let answer = expect_op(&mut ws, "answer").await?;
        let sdp = answer["sdp"].as_str().unwrap_or_default();
        let answer = SdpAnswer::from_sdp_string(sdp).map_err(|e| VoiceError::Protocol(e.to_string()))?;
        rtc.sdp_api().accept_answer(pending, answer).map_err(|e| VoiceError::Protocol(e.to_string()))?;
        let observed = Arc::new(Mutex::new(Observed::default()));
        let changed = Arc::new(Notify::new());
        let (commands, receiver) = mpsc::unbounded_channel();
        let task = Task { rtc, udp, local, ws, mids, observed: observed.clone(), changed: changed.clone(), clock: 0 };
        tokio::spawn(task.run(receiver));
        let peer = Self { commands, observed, changed, ready };
        if !peer.wait_for(Duration::from_secs(10), |o| o.connected || o.closed.is_some()).await {
            return Err(VoiceError::NotConnected);
        }
        if let Some(code) = peer.observed().closed {
            return Err(VoiceError::Closed(code));
        }
        Ok(peer)
    }

    /// One Opus frame at `level` dBov (0 loudest, -127 silence).
    pub fn send_audio(&self, payload: &[u8], level: i8) {
        let _ = self.commands.send(Command::Audio { payload: payload.to_vec(), level });
    }

    /// One VP8 frame on the camera (or screen) track, on simulcast layer `rid`. A first byte
    /// with its lowest bit clear marks a keyframe.
    pub fn send_video(&self, screen: bool, rid: Option<&str>, payload: &[u8]) {
        let _ = self.commands.send(Command::Video { screen, rid: rid.map(str::to_owned), payload: payload.to_vec() });
    }

    /// Sends a signalling message.
    pub fn signal(&self, op: &str, d: Value) {
        let _ = self.commands.send(Command::Signal(json!({"op": op, "d": d})));
    }

    pub fn close(&self) {
        let _ = self.commands.send(Command::Close);
    }

    pub fn observed(&self) -> std::sync::MutexGuard<'_, Observed> {
        self.observed.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until `condition` holds on what was observed; false on timeout.
    pub async fn wait_for(&self, within: Duration, condition: impl Fn(&Observed) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let notified = self.changed.notified();
            if condition(&self.observed()) {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return condition(&self.observed());
            }
        }
    }

    /// The payloads received from `user_id` of `kind`, in order.
    pub fn payloads_from(&self, user_id: &str, kind: &str) -> Vec<Vec<u8>> {
        let observed = self.observed();
        let matches = |r: &&Received| r.user_id.as_deref() == Some(user_id) && r.kind.as_deref() == Some(kind);
        observed.received.iter().filter(matches).map(|r| r.data.clone()).collect()
    }
}

async fn expect_op(ws: &mut Socket, op: &str) -> Result<Value, VoiceError> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), ws.next()).await;
        let message = message.map_err(|_| VoiceError::Protocol(format!("no {op} in time")))?;
        match message {
            Some(Ok(Message::Text(text))) => {
                let frame: Value = serde_json::from_str(&text).map_err(|e| VoiceError::Protocol(e.to_string()))?;
                if frame["op"] == op {
                    return Ok(frame["d"].clone());
                }
                if frame["op"] == "error" {
                    return Err(VoiceError::Protocol(frame["d"].to_string()));
                }
            }
            Some(Ok(Message::Close(frame))) => return Err(VoiceError::Closed(frame.map_or(1005, |f| f.code.into()))),
            Some(Ok(_)) => {}
            Some(Err(error)) => return Err(error.into()),
            None => return Err(VoiceError::Closed(1006)),
        }
    }
}

#[derive(Default)]
struct Mids {
    audio: Option<Mid>,
    camera: Option<Mid>,
    screen: Option<Mid>,
}

struct Task {
    rtc: Rtc,
    udp: UdpSocket,
    local: SocketAddr,
    ws: Socket,
    mids: Mids,
    observed: Arc<Mutex<Observed>>,
    changed: Arc<Notify>,
    /// Frames sent, the media clock of the next one.
    clock: u64,
}

impl Task {
    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        let mut buf = vec![0u8; 2048];
        loop {
            let Some(deadline) = self.drain() else { return };
            let pause = deadline.saturating_duration_since(Instant::now());
            tokio::select! {
                received = self.udp.recv_from(&mut buf) => {
                    let Ok((n, source)) = received else { return };
                    let Ok(contents) = buf[..n].try_into() else { continue };
                    let input = Input::Receive(Instant::now(), Receive { proto: Protocol::Udp, source, destination: self.local, contents });
                    if self.rtc.handle_input(input).is_err() {
                        return;
                    }
                }
                message = self.ws.next() => {
                    if !self.on_message(message).await {
                        self.changed.notify_waiters();
                        return;
                    }
                }
                command = commands.recv() => match command {
                    Some(Command::Close) | None => {
                        let _ = self.ws.close(None).await;
                        return;
                    }
                    Some(command) => self.on_command(command).await,
                },
                _ = tokio::time::sleep(pause) => {
                    if self.rtc.handle_input(Input::Timeout(Instant::now())).is_err() {
                        return;
                    }
                }
            }
        }
    }

    /// Sends what the session has to send and records its events; when it next needs time.
    fn drain(&mut self) -> Option<Instant> {
        loop {
            match self.rtc.poll_output().ok()? {
                Output::Timeout(at) => return Some(at),
                Output::Transmit(t) => {
                    let _ = self.udp.try_send_to(&t.contents, t.destination);
                }
                Output::Event(event) => self.on_event(event),
            }
        }
    }

    fn on_event(&mut self, event: Event) {
        let mut observed = self.observed.lock().unwrap_or_else(|p| p.into_inner());
        match event {
            Event::Connected => observed.connected = true,
            Event::MediaData(data) => {
                let track = observed.tracks.get(&data.mid.to_string());
                let user_id = track.and_then(|t| t["user_id"].as_str()).map(str::to_owned);
                let kind = track.and_then(|t| t["kind"].as_str()).map(str::to_owned);
                observed.received.push(Received { user_id, kind, data: data.data.to_vec(), at: Instant::now() });
            }
            _ => return,
        }
        drop(observed);
        self.changed.notify_waiters();
    }

    async fn on_message(&mut self, message: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>) -> bool {
        let text = match message {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(frame))) => {
                self.observed.lock().unwrap_or_else(|p| p.into_inner()).closed =
                    Some(frame.map_or(1005, |f| f.code.into()));
                return false;
            }
            Some(Ok(_)) => return true,
            _ => {
                self.observed.lock().unwrap_or_else(|p| p.into_inner()).closed.get_or_insert(1006);
                return false;
            }
        };
        let Ok(frame) = serde_json::from_str::<Value>(&text) else { return true };
        if frame["op"] == "offer" {
            self.answer(&frame["d"]).await;
        }
        self.observed.lock().unwrap_or_else(|p| p.into_inner()).messages.push(frame);
        self.changed.notify_waiters();
        true
    }

    /// Answers a server offer and takes its track list.
    async fn answer(&mut self, d: &Value) {
        let Ok(offer) = SdpOffer::from_sdp_string(d["sdp"].as_str().unwrap_or_default()) else { return };
        let Ok(answer) = self.rtc.sdp_api().accept_offer(offer) else { return };
        let tracks = d["tracks"].as_object().cloned().unwrap_or_default();
        self.observed.lock().unwrap_or_else(|p| p.into_inner()).tracks = tracks.into_iter().collect();
        let reply = json!({"op": "answer", "d": {"sdp": answer.to_sdp_string()}});
        let _ = self.ws.send(Message::text(reply.to_string())).await;
    }

    async fn on_command(&mut self, command: Command) {
        self.clock += 1;
        let now = Instant::now();
        match command {
            Command::Audio { payload, level } => {
                let Some(mid) = self.mids.audio else { return };
                let Some(writer) = self.rtc.writer(mid) else { return };
                let Some(pt) = pt_of(&writer, Codec::Opus) else { return };
                let time = MediaTime::new(self.clock * 960, Frequency::FORTY_EIGHT_KHZ);
                let _ = writer.audio_level(level, level > -50).write(pt, now, time, payload);
            }
            Command::Video { screen, rid, payload } => {
                let Some(mid) = (if screen { self.mids.screen } else { self.mids.camera }) else { return };
                let Some(mut writer) = self.rtc.writer(mid) else { return };
                let Some(pt) = pt_of(&writer, Codec::Vp8) else { return };
                if let Some(rid) = rid {
                    writer = writer.rid(rid.as_str().into());
                }
                let time = MediaTime::new(self.clock * 3000, Frequency::NINETY_KHZ);
                let _ = writer.write(pt, now, time, payload);
            }
            Command::Signal(frame) => {
                let _ = self.ws.send(Message::text(frame.to_string())).await;
            }
            Command::Close => {}
        }
    }
}

fn pt_of(writer: &str0m::media::Writer, codec: Codec) -> Option<str0m::media::Pt> {
    writer.payload_params().find(|p| p.spec().codec == codec).map(|p| p.pt())
}
