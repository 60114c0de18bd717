//! One participant's session on the SFU: its `str0m` peer connection (ICE-lite, Opus and
//! VP8, bandwidth estimation), the tracks it sends, and the tracks it receives from others.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use accord_core::Snowflake;
use str0m::bwe::Bitrate;
use str0m::change::SdpPendingOffer;
use str0m::crypto::CryptoProvider;
use str0m::media::{MediaTime, Mid, Rid};
use str0m::{Candidate, Rtc};
use tokio::sync::mpsc;

use super::arrival::LayerArrival;
use super::speaking::Speaking;
use super::{Flags, PeerEvent, PeerId, PeerInfo, Quality, Tier, TrackKind};

/// The estimate a receiver starts from, before feedback arrives: enough for every layer, so
/// a receiver gets what it asks for until the estimate says otherwise.
const INITIAL_ESTIMATE_KBPS: u64 = 5_000;

/// A track the participant sends.
#[derive(Debug)]
pub struct TrackIn {
    pub mid: Mid,
    pub kind: TrackKind,
    /// Simulcast layers, lowest first; empty when the track has one layer.
    pub layers: Vec<Rid>,
    /// Which of `layers` are arriving.
    pub arrival: LayerArrival,
    pub last_keyframe_request: Option<Instant>,
}

/// Where a track to this participant stands in negotiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutState {
    ToOpen,
    Negotiating(Mid),
    Open(Mid),
    ToStop(Mid),
    NegotiatingStop(Mid),
}

/// A track this participant receives: another participant's track, forwarded.
#[derive(Debug)]
pub struct TrackOut {
    pub source: PeerId,
    pub source_user: Snowflake,
    pub source_mid: Mid,
    pub kind: TrackKind,
    pub state: OutState,
    /// Set once the source left or the receiver stopped watching: stop it at the next offer.
    pub gone: bool,
    pub layer: LayerState,
}

impl TrackOut {
    pub fn mid(&self) -> Option<Mid> {
        match self.state {
            OutState::ToOpen => None,
            OutState::Negotiating(m) | OutState::Open(m) | OutState::ToStop(m) | OutState::NegotiatingStop(m) => {
                Some(m)
            }
        }
    }

    pub fn open_mid(&self) -> Option<Mid> {
        match self.state {
            OutState::Open(m) => Some(m),
            _ => None,
        }
    }
}

/// Which layer of a video source a receiver gets, and the time base it is written in.
#[derive(Debug, Default)]
pub struct LayerState {
    /// The layer being forwarded (None: nothing yet, or the source has one layer).
    pub current: Option<Rid>,
    /// The layer wanted; forwarding switches to it at its next keyframe.
    pub target: Option<Rid>,
    /// Nothing is forwarded until a keyframe (a new subscriber, or after a switch).
    pub waiting_keyframe: bool,
    /// Added to the source layer's RTP time so the receiver's timeline stays continuous
    /// across layer switches (layers need not share a time base).
    pub offset: i64,
    pub last_written: Option<MediaTime>,
}

/// One participant.
pub struct Peer {
    pub id: PeerId,
    pub user_id: Snowflake,
    pub scope: Snowflake,
    pub channel_id: Snowflake,
    pub rtc: Rtc,
    pub events: mpsc::Sender<PeerEvent>,
    pub flags: Flags,
    /// What the client declared its m-lines carry, by mid.
    pub declared: HashMap<String, TrackKind>,
    pub tracks_in: Vec<TrackIn>,
    pub tracks_out: Vec<TrackOut>,
    /// The server offer waiting for its answer.
    pub pending: Option<SdpPendingOffer>,
    /// Whether the client's first offer was answered (server offers wait for it).
    pub negotiated: bool,
    pub timeout: Instant,
    pub bitrate: Bitrate,
    /// Camera layer preferences, by source user.
    pub quality: HashMap<Snowflake, Quality>,
    /// Streams watched, by streaming user, with the tier.
    pub watching: HashMap<Snowflake, Tier>,
    pub speaking: Speaking,
}

impl Peer {
    /// A participant whose media reaches the SFU at `local` (the candidate announced).
    pub fn new(
        id: PeerId,
        joining: &super::Joining,
        crypto: &Arc<CryptoProvider>,
        local: SocketAddr,
        now: Instant,
    ) -> Result<Self, str0m::error::IceError> {
        let mut rtc = Rtc::builder()
            .set_crypto_provider(crypto.clone())
            .set_ice_lite(true)
            .clear_codecs()
            .enable_opus(true, false)
            .enable_vp8(true)
            .enable_bwe(Some(Bitrate::kbps(INITIAL_ESTIMATE_KBPS)))
            // Audio is forwarded as it arrives: waiting to reorder would add up to 300 ms.
            .set_reordering_size_audio(0)
            .set_stats_interval(Some(Duration::from_secs(5)))
            .build(now);
        let candidate = Candidate::host(local, "udp")?;
        rtc.add_local_candidate(candidate);
        Ok(Self {
            id,
            user_id: joining.user_id,
            scope: joining.scope,
            channel_id: joining.channel_id,
            rtc,
            events: joining.events.clone(),
            flags: joining.flags,
            declared: HashMap::new(),
            tracks_in: Vec::new(),
            tracks_out: Vec::new(),
            pending: None,
            negotiated: false,
            timeout: now,
            bitrate: Bitrate::kbps(INITIAL_ESTIMATE_KBPS),
            quality: HashMap::new(),
            watching: HashMap::new(),
            speaking: Speaking::default(),
        })
    }

    pub fn info(&self) -> PeerInfo {
        PeerInfo { user_id: self.user_id, flags: self.flags, speaking: self.speaking.active() }
    }

    /// Tells the signalling connection; a connection too slow to keep up is closed.
    pub fn tell(&mut self, event: PeerEvent) {
        if self.events.try_send(event).is_err() {
            self.rtc.disconnect();
        }
    }

    pub fn track_in(&self, mid: Mid) -> Option<&TrackIn> {
        self.tracks_in.iter().find(|t| t.mid == mid)
    }

    /// The kind of a track the client sends on `mid`: as declared, else by media kind.
    pub fn declared_kind(&self, mid: Mid, video: bool) -> TrackKind {
        match self.declared.get(&mid.to_string()) {
            Some(kind) => *kind,
            None if video => TrackKind::Video,
            None => TrackKind::Audio,
        }
    }
}
