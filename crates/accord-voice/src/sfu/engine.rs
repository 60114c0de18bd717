//! The SFU task: the UDP socket, every participant's session, and the commands from
//! signalling, in one loop. Each packet goes to the session that accepts it (looked up by
//! source address once known), and whatever that produces — packets to send, media to
//! forward, events — is handled before the next packet.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use accord_core::Snowflake;
use str0m::crypto::CryptoProvider;
use str0m::net::{Protocol, Receive};
use str0m::{Event, IceConnectionState, Input, Output};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use super::peer::Peer;
use super::room::{FinishedRecording, Room};
use super::{Command, PeerEvent, PeerId, close};

/// How often speaking indicators are checked for silence and dead sessions are swept.
const TICK: Duration = Duration::from_millis(50);
/// Commands waiting for the SFU task.
const COMMAND_QUEUE: usize = 1024;
/// Datagrams read per wake-up before timers and commands get a turn.
const READ_BATCH: usize = 64;

/// What the SFU has done, for metrics and the benchmark.
#[derive(Debug, Default)]
pub struct SfuStats {
    pub peers: AtomicU64,
    pub forwarded_packets: AtomicU64,
}

/// The handle signalling holds.
#[derive(Clone)]
pub struct Sfu {
    commands: mpsc::Sender<Command>,
    /// The address media is sent to (the ICE candidate).
    pub address: SocketAddr,
    pub stats: Arc<SfuStats>,
}

impl Sfu {
    /// Starts the task on `socket`. Media is announced at `public_ip` (default: the bound
    /// address). Stopped recordings go to `recordings`.
    pub fn start(
        socket: UdpSocket,
        public_ip: Option<IpAddr>,
        recordings: mpsc::Sender<FinishedRecording>,
    ) -> io::Result<Self> {
        let bound = socket.local_addr()?;
        let ip = match public_ip.unwrap_or(bound.ip()) {
            ip if ip.is_unspecified() => {
                tracing::warn!(
                    "voice.udp listens on every address: media is announced at 127.0.0.1 until voice.public_ip is set"
                );
                IpAddr::from([127, 0, 0, 1])
            }
            ip => ip,
        };
        let address = SocketAddr::new(ip, bound.port());
        let (commands, receiver) = mpsc::channel(COMMAND_QUEUE);
        let stats = Arc::new(SfuStats::default());
        let engine = Engine {
            socket,
            address,
            crypto: Arc::new(str0m::crypto::from_feature_flags()),
            peers: HashMap::new(),
            rooms: HashMap::new(),
            by_addr: HashMap::new(),
            queue: VecDeque::new(),
            next_id: 1,
            next_tick: Instant::now() + TICK,
            recordings,
            stats: stats.clone(),
        };
        tokio::spawn(engine.run(receiver));
        Ok(Self { commands, address, stats })
    }

    /// Sends a command; false when the SFU task is gone.
    pub async fn send(&self, command: Command) -> bool {
        self.commands.send(command).await.is_ok()
    }
}

pub(super) struct Engine {
    pub(super) socket: UdpSocket,
    pub(super) address: SocketAddr,
    pub(super) crypto: Arc<CryptoProvider>,
    pub(super) peers: HashMap<PeerId, Peer>,
    /// By channel id.
    pub(super) rooms: HashMap<Snowflake, Room>,
    pub(super) by_addr: HashMap<SocketAddr, PeerId>,
    /// Events drained from sessions, handled in order after each input.
    pub(super) queue: VecDeque<(PeerId, Event)>,
    pub(super) next_id: PeerId,
    pub(super) next_tick: Instant,
    pub(super) recordings: mpsc::Sender<FinishedRecording>,
    pub(super) stats: Arc<SfuStats>,
}

impl Engine {
    async fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        let mut buf = vec![0u8; 2048];
        loop {
            let deadline = self.peers.values().map(|p| p.timeout).fold(self.next_tick, Instant::min);
            tokio::select! {
                received = self.socket.recv_from(&mut buf) => {
                    if let Ok((n, source)) = received {
                        self.on_datagram(&buf[..n], source);
                    }
                    for _ in 0..READ_BATCH {
                        match self.socket.try_recv_from(&mut buf) {
                            Ok((n, source)) => self.on_datagram(&buf[..n], source),
                            Err(_) => break,
                        }
                    }
                }
                command = commands.recv() => match command {
                    Some(command) => self.on_command(command),
                    None => return,
                },
                _ = tokio::time::sleep_until(deadline.into()) => self.on_timeout(Instant::now()),
            }
            self.handle_events();
        }
    }

    fn on_datagram(&mut self, data: &[u8], source: SocketAddr) {
        let Ok(contents) = data.try_into() else { return };
        let input = Input::Receive(
            Instant::now(),
            Receive { proto: Protocol::Udp, source, destination: self.address, contents },
        );
        let known =
            self.by_addr.get(&source).copied().filter(|id| self.peers.get(id).is_some_and(|p| p.rtc.accepts(&input)));
        let Some(id) = known.or_else(|| self.peers.values().find(|p| p.rtc.accepts(&input)).map(|p| p.id)) else {
            return;
        };
        self.by_addr.insert(source, id);
        if let Some(peer) = self.peers.get_mut(&id)
            && peer.rtc.handle_input(input).is_err()
        {
            peer.rtc.disconnect();
        }
        self.drain(id);
    }

    fn on_timeout(&mut self, now: Instant) {
        let due: Vec<PeerId> = self.peers.values().filter(|p| p.timeout <= now).map(|p| p.id).collect();
        for id in due {
            if let Some(peer) = self.peers.get_mut(&id)
                && peer.rtc.handle_input(Input::Timeout(now)).is_err()
            {
                peer.rtc.disconnect();
            }
            self.drain(id);
        }
        if now >= self.next_tick {
            self.next_tick = now + TICK;
            self.end_quiet_speakers(now);
            let dead: Vec<PeerId> = self.peers.values().filter(|p| !p.rtc.is_alive()).map(|p| p.id).collect();
            for id in dead {
                self.close(id, Some(close::DISCONNECTED));
            }
        }
    }

    /// Runs a session's output until it waits: sends its packets, queues its events.
    pub(super) fn drain(&mut self, id: PeerId) {
        let Some(peer) = self.peers.get_mut(&id) else { return };
        while peer.rtc.is_alive() {
            match peer.rtc.poll_output() {
                Ok(Output::Timeout(at)) => {
                    peer.timeout = at;
                    return;
                }
                Ok(Output::Transmit(t)) => {
                    // UDP: a full send buffer drops the packet, as the network would.
                    let _ = self.socket.try_send_to(&t.contents, t.destination);
                }
                Ok(Output::Event(event)) => self.queue.push_back((id, event)),
                Err(_) => peer.rtc.disconnect(),
            }
        }
        peer.timeout = Instant::now();
    }

    fn handle_events(&mut self) {
        while let Some((id, event)) = self.queue.pop_front() {
            match event {
                Event::MediaAdded(added) => self.on_media_added(id, added),
                Event::MediaData(data) => self.on_media(id, data),
                Event::KeyframeRequest(request) => self.on_keyframe_request(id, request),
                Event::EgressBitrateEstimate(str0m::bwe::BweKind::Twcc { estimate, .. }) => {
                    if let Some(peer) = self.peers.get_mut(&id) {
                        peer.bitrate = estimate;
                    }
                    self.retarget(id);
                }
                Event::IceConnectionStateChange(IceConnectionState::Disconnected) | Event::Closed => {
                    self.close(id, Some(close::DISCONNECTED));
                }
                _ => {}
            }
        }
    }

    /// Tells everyone in `channel` but `except`.
    pub(super) fn broadcast(&mut self, channel: Snowflake, except: Option<PeerId>, event: &PeerEvent) {
        let Some(room) = self.rooms.get(&channel) else { return };
        for id in room.peers.clone() {
            if Some(id) != except
                && let Some(peer) = self.peers.get_mut(&id)
            {
                peer.tell(event.clone());
            }
        }
    }

    fn end_quiet_speakers(&mut self, now: Instant) {
        let mut ended = Vec::new();
        for peer in self.peers.values_mut() {
            if peer.speaking.lapse(now, peer.flags.silenced()) {
                ended.push((peer.channel_id, peer.user_id));
            }
        }
        for (channel, user_id) in ended {
            self.broadcast(channel, None, &PeerEvent::Speaking { user_id, speaking: false });
        }
    }

    /// Ends a participant's session: the others stop receiving its tracks, and the room
    /// closes (finishing a recording) when it was the last.
    pub(super) fn close(&mut self, id: PeerId, code: Option<u16>) {
        let Some(mut peer) = self.peers.remove(&id) else { return };
        self.stats.peers.fetch_sub(1, Ordering::Relaxed);
        self.by_addr.retain(|_, p| *p != id);
        peer.rtc.disconnect();
        if let Some(code) = code {
            let _ = peer.events.try_send(PeerEvent::Closed(code));
        }
        let channel = peer.channel_id;
        let Some(room) = self.rooms.get_mut(&channel) else { return };
        room.peers.retain(|p| *p != id);
        if room.peers.is_empty() {
            let room = self.rooms.remove(&channel).expect("present");
            if let Some(recording) = room.recording {
                let _ = self.recordings.try_send(recording.finish(channel, peer.user_id));
            }
            return;
        }
        for other in room.peers.clone() {
            let Some(receiver) = self.peers.get_mut(&other) else { continue };
            for track in receiver.tracks_out.iter_mut().filter(|t| t.source == id) {
                track.gone = true;
            }
            receiver.watching.remove(&peer.user_id);
            receiver.tell(PeerEvent::PeerLeave(peer.user_id));
            super::negotiate::offer_changes(receiver);
            self.drain(other);
        }
        if peer.flags.self_stream {
            let ended = super::StreamInfo { user_id: peer.user_id, live: false, viewers: Vec::new() };
            self.broadcast(channel, None, &PeerEvent::Stream(ended));
        }
    }
}
