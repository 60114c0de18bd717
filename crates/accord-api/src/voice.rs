//! Voice: a member's voice state, the voice server a client connects its media to, and stage
//! instances.

use accord_core::Snowflake;
use serde::{Deserialize, Serialize};

use crate::guild::Member;

/// Where a user is connected to voice, and how (Discord's voice state object). Stored without
/// `member` in the shared state; events and GUILD_CREATE add it for guild channels.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VoiceState {
    /// Absent for DM and group-DM calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<Snowflake>,
    /// Null once the user left.
    pub channel_id: Option<Snowflake>,
    pub user_id: Snowflake,
    #[serde(default, skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub member: Option<Member>,
    pub session_id: String,
    /// Server deafened or muted by a moderator.
    pub deaf: bool,
    pub mute: bool,
    pub self_deaf: bool,
    pub self_mute: bool,
    #[serde(default)]
    pub self_stream: bool,
    pub self_video: bool,
    /// A stage's audience member, who may not speak.
    pub suppress: bool,
    pub request_to_speak_timestamp: Option<String>,
}

/// VOICE_SERVER_UPDATE: where to connect media, with what.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct VoiceServer {
    pub token: String,
    /// Null for DM and group-DM calls.
    pub guild_id: Option<Snowflake>,
    pub channel_id: Snowflake,
    /// `host:port` of the voice node's `/voice/ws`; null while no voice node runs.
    pub endpoint: Option<String>,
}

/// A live stage (Discord's stage instance object).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StageInstance {
    pub id: Snowflake,
    pub guild_id: Snowflake,
    pub channel_id: Snowflake,
    pub topic: String,
    /// 2: guild only (the only level Discord still allows).
    pub privacy_level: u8,
    pub discoverable_disabled: bool,
    pub guild_scheduled_event_id: Option<Snowflake>,
}
