//! Signalling messages (docs/voice-protocol.md): `{"op": name, "d": {...}}` both ways.

use std::collections::HashMap;

use accord_core::Snowflake;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::sfu::{PeerEvent, Quality, Tier, TrackKind};

/// The protocol version this server speaks.
pub const VERSION: u32 = 1;
/// Largest client message: SDP offers with simulcast run to a few KiB.
pub const MAX_MESSAGE: usize = 64 * 1024;

#[derive(Debug, Deserialize)]
pub struct Frame {
    pub op: String,
    #[serde(default)]
    pub d: Value,
}

#[derive(Debug, Deserialize)]
pub struct Identify {
    pub token: String,
}

#[derive(Debug, Deserialize)]
pub struct Offer {
    pub sdp: String,
    #[serde(default)]
    pub tracks: HashMap<String, TrackKind>,
}

#[derive(Debug, Deserialize)]
pub struct Answer {
    pub sdp: String,
}

#[derive(Debug, Deserialize)]
pub struct IceCandidate {
    pub candidate: String,
}

#[derive(Debug, Deserialize)]
pub struct SelfState {
    pub self_mute: Option<bool>,
    pub self_deaf: Option<bool>,
    pub self_video: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub struct Layers {
    pub user_id: Snowflake,
    pub quality: Quality,
}

#[derive(Debug, Deserialize)]
pub struct Watch {
    pub user_id: Snowflake,
    pub tier: Tier,
}

#[derive(Debug, Deserialize)]
pub struct Unwatch {
    pub user_id: Snowflake,
}

#[derive(Debug, Deserialize)]
pub struct Recording {
    pub recording: bool,
}

#[derive(Debug, Deserialize)]
pub struct Heartbeat {
    #[serde(default)]
    pub nonce: Value,
}

/// A frame as sent.
pub fn frame(op: &str, d: Value) -> String {
    json!({ "op": op, "d": d }).to_string()
}

pub fn error(code: &str, message: &str) -> String {
    frame("error", json!({ "code": code, "message": message }))
}

/// The frame an SFU event becomes; none for the close, which ends the connection.
pub fn event_frame(event: &PeerEvent) -> Option<String> {
    Some(match event {
        PeerEvent::Offer { sdp, tracks } => frame("offer", json!({ "sdp": sdp, "tracks": tracks })),
        PeerEvent::PeerJoin(info) => frame("peer_join", json!(info)),
        PeerEvent::PeerUpdate(info) => frame("peer_update", json!(info)),
        PeerEvent::PeerLeave(user_id) => frame("peer_leave", json!({ "user_id": user_id })),
        PeerEvent::Speaking { user_id, speaking } => {
            frame("speaking", json!({ "user_id": user_id, "speaking": speaking }))
        }
        PeerEvent::Stream(info) => frame("stream", json!(info)),
        PeerEvent::Recording { recording, user_id } => {
            frame("recording", json!({ "recording": recording, "user_id": user_id }))
        }
        PeerEvent::Closed(_) => return None,
    })
}
