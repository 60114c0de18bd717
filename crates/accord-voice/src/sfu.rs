//! The SFU: one task owns every participant's WebRTC session (`str0m`, sans-IO) and the one
//! UDP socket they all share, so forwarding a packet is a lookup and a few writes, with no
//! locks. Signalling connections talk to it with [`Command`]s and hear back [`PeerEvent`]s.
//!
//! Parts: [`engine`] (the task: socket, timers, commands), [`peer`] (one participant's
//! session and tracks), [`negotiate`] (server offers as remote tracks come and go),
//! [`forward`] (media to the others, layers, keyframes), [`layers`] (which simulcast layer
//! a receiver gets), [`speaking`], [`room`] (a channel's peers, streams and recording).

pub mod arrival;
mod commands;
pub mod engine;
pub mod forward;
pub mod layers;
pub mod negotiate;
pub mod peer;
pub mod room;
pub mod speaking;

use std::collections::HashMap;

use accord_core::Snowflake;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

pub use engine::Sfu;

/// A participant's session on this node.
pub type PeerId = u64;

/// What a sent track carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrackKind {
    Audio,
    Video,
    Screen,
}

/// A camera layer a receiver prefers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Quality {
    Low,
    Medium,
    #[default]
    High,
}

/// A Go Live viewer's quality tier (seed 001's stream tiers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tier {
    #[serde(rename = "1080p30")]
    Full,
    #[serde(rename = "720p30")]
    Half,
    #[serde(rename = "480p24")]
    Low,
}

impl Tier {
    /// The camera-style quality the tier picks among a stream's layers.
    pub fn quality(self) -> Quality {
        match self {
            Tier::Full => Quality::High,
            Tier::Half => Quality::Medium,
            Tier::Low => Quality::Low,
        }
    }
}

/// A participant's voice flags as the channel sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Flags {
    pub self_mute: bool,
    pub self_deaf: bool,
    /// Server mute and deafen by a moderator.
    pub mute: bool,
    pub deaf: bool,
    /// A stage's audience member.
    pub suppress: bool,
    pub self_video: bool,
    pub self_stream: bool,
}

impl Flags {
    /// Whether the SFU drops the participant's audio.
    pub fn silenced(&self) -> bool {
        self.mute || self.suppress
    }
}

/// A participant as `ready`, `peer_join` and `peer_update` describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerInfo {
    pub user_id: Snowflake,
    #[serde(flatten)]
    pub flags: Flags,
    pub speaking: bool,
}

/// A live Go Live stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamInfo {
    pub user_id: Snowflake,
    pub live: bool,
    pub viewers: Vec<Snowflake>,
}

/// An m-line the server sends on, and whose media it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentTrack {
    pub user_id: Snowflake,
    pub kind: TrackKind,
}

/// What the SFU tells a participant's signalling connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerEvent {
    /// A server offer to answer: the m-lines it sends on, by mid.
    Offer {
        sdp: String,
        tracks: HashMap<String, SentTrack>,
    },
    PeerJoin(PeerInfo),
    PeerUpdate(PeerInfo),
    PeerLeave(Snowflake),
    Speaking {
        user_id: Snowflake,
        speaking: bool,
    },
    Stream(StreamInfo),
    Recording {
        recording: bool,
        user_id: Snowflake,
    },
    /// The session ended on the SFU's side, with the close code for the client.
    Closed(u16),
}

/// The channel as a new participant finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Welcome {
    pub peer: PeerId,
    pub peers: Vec<PeerInfo>,
    pub streams: Vec<StreamInfo>,
    pub recording: bool,
}

/// Why the SFU refused a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignalError {
    #[error("a server offer is waiting for its answer; answer it, then offer again")]
    Glare,
    #[error("{0}")]
    BadRequest(String),
    #[error("no such participant or stream")]
    NotFound,
    #[error("the media session is gone")]
    Gone,
}

/// Close codes (docs/voice-protocol.md).
pub mod close {
    pub const REPLACED: u16 = 4006;
    pub const DISCONNECTED: u16 = 4014;
    pub const NOT_ALLOWED: u16 = 4003;
}

/// Who a new participant is.
#[derive(Debug, Clone)]
pub struct Joining {
    pub user_id: Snowflake,
    pub scope: Snowflake,
    pub channel_id: Snowflake,
    pub flags: Flags,
    pub events: mpsc::Sender<PeerEvent>,
}

/// What signalling asks of the SFU.
#[derive(Debug)]
pub enum Command {
    Join(Joining, oneshot::Sender<Welcome>),
    Offer {
        peer: PeerId,
        sdp: String,
        tracks: HashMap<String, TrackKind>,
        reply: oneshot::Sender<Result<String, SignalError>>,
    },
    Answer {
        peer: PeerId,
        sdp: String,
        reply: oneshot::Sender<Result<(), SignalError>>,
    },
    Candidate {
        peer: PeerId,
        candidate: String,
    },
    Layers {
        peer: PeerId,
        source: Snowflake,
        quality: Quality,
    },
    Stream {
        peer: PeerId,
        live: bool,
    },
    Watch {
        peer: PeerId,
        source: Snowflake,
        tier: Option<Tier>,
        reply: oneshot::Sender<Result<(), SignalError>>,
    },
    Recording {
        peer: PeerId,
        on: bool,
    },
    /// A voice state changed: new flags for the user in that channel.
    Flags {
        scope: Snowflake,
        user_id: Snowflake,
        flags: Flags,
    },
    /// The user's voice state left the channel (or moved, or was replaced): close with `code`.
    Kick {
        scope: Snowflake,
        user_id: Snowflake,
        code: u16,
    },
    Leave {
        peer: PeerId,
    },
}
