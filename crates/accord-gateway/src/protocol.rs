//! The wire protocol: opcodes, close codes, the frames the server writes, and the payloads
//! clients send — parsed leniently, as real libraries need (unknown keys, `presence: null`,
//! `since` of any type, tokens with or without `Bot `).

use accord_core::Snowflake;
use serde::Deserialize;
use serde_json::Value;

/// Gateway opcodes.
pub mod op {
    pub const DISPATCH: u64 = 0;
    pub const HEARTBEAT: u64 = 1;
    pub const IDENTIFY: u64 = 2;
    pub const PRESENCE_UPDATE: u64 = 3;
    pub const VOICE_STATE_UPDATE: u64 = 4;
    pub const RESUME: u64 = 6;
    pub const RECONNECT: u64 = 7;
    pub const REQUEST_GUILD_MEMBERS: u64 = 8;
    pub const INVALID_SESSION: u64 = 9;
    pub const HELLO: u64 = 10;
    pub const HEARTBEAT_ACK: u64 = 11;
}

/// Close codes the server sends. Those after 4009 tell clients not to reconnect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Close {
    /// 4000: something went wrong, or the server is shutting down; reconnect and resume.
    UnknownError,
    UnknownOpcode,
    DecodeError,
    NotAuthenticated,
    AuthenticationFailed,
    AlreadyAuthenticated,
    InvalidSeq,
    RateLimited,
    SessionTimedOut,
    InvalidShard,
    InvalidApiVersion,
    InvalidIntents,
    DisallowedIntents,
    /// 4000 as well, with its own reason: the client read too slowly; resume to catch up.
    SlowConsumer,
}

impl Close {
    pub fn code(self) -> u16 {
        match self {
            Self::UnknownError | Self::SlowConsumer => 4000,
            Self::UnknownOpcode => 4001,
            Self::DecodeError => 4002,
            Self::NotAuthenticated => 4003,
            Self::AuthenticationFailed => 4004,
            Self::AlreadyAuthenticated => 4005,
            Self::InvalidSeq => 4007,
            Self::RateLimited => 4008,
            Self::SessionTimedOut => 4009,
            Self::InvalidShard => 4010,
            Self::InvalidApiVersion => 4012,
            Self::InvalidIntents => 4013,
            Self::DisallowedIntents => 4014,
        }
    }

    pub fn reason(self) -> &'static str {
        match self {
            Self::UnknownError => "Unknown error.",
            Self::UnknownOpcode => "Unknown opcode.",
            Self::DecodeError => "Error while decoding payload.",
            Self::NotAuthenticated => "Not authenticated.",
            Self::AuthenticationFailed => "Authentication failed.",
            Self::AlreadyAuthenticated => "Already authenticated.",
            Self::InvalidSeq => "Invalid seq.",
            Self::RateLimited => "Rate limited.",
            Self::SessionTimedOut => "Session timed out.",
            Self::InvalidShard => "Invalid shard.",
            Self::InvalidApiVersion => "Invalid API version.",
            Self::InvalidIntents => "Invalid intent(s).",
            Self::DisallowedIntents => "Disallowed intent(s).",
            Self::SlowConsumer => "Slow consumer: resume to catch up.",
        }
    }

    /// Whether the session survives this close (the client may resume).
    pub fn keeps_session(self) -> bool {
        matches!(self, Self::UnknownError | Self::SlowConsumer | Self::SessionTimedOut | Self::RateLimited)
    }
}

/// Largest client payload accepted.
pub const MAX_CLIENT_PAYLOAD: usize = 4096;

pub fn hello(heartbeat_interval_ms: u64) -> String {
    format!(r#"{{"op":10,"d":{{"heartbeat_interval":{heartbeat_interval_ms}}},"s":null,"t":null}}"#)
}

pub fn heartbeat_ack() -> String {
    r#"{"op":11,"d":null,"s":null,"t":null}"#.to_owned()
}

/// Asks the client to heartbeat now.
pub fn heartbeat_request() -> String {
    r#"{"op":1,"d":null,"s":null,"t":null}"#.to_owned()
}

pub fn invalid_session(resumable: bool) -> String {
    format!(r#"{{"op":9,"d":{resumable},"s":null,"t":null}}"#)
}

/// The part of a dispatch frame every session shares; each appends its own sequence number
/// with [`finish_dispatch`], so an event is serialised once, not once per session.
pub fn dispatch_head(name: &str, data: &str) -> String {
    format!(r#"{{"op":0,"t":"{name}","d":{data},"s":"#)
}

pub fn finish_dispatch(head: &str, seq: u64) -> String {
    let mut frame = String::with_capacity(head.len() + 21);
    frame.push_str(head);
    frame.push_str(&seq.to_string());
    frame.push('}');
    frame
}

/// A client payload's envelope.
#[derive(Debug, Deserialize)]
pub struct ClientFrame {
    pub op: u64,
    #[serde(default)]
    pub d: Value,
}

/// Op 2. Unknown keys are ignored.
#[derive(Debug, Deserialize)]
pub struct Identify {
    pub token: String,
    /// `os`, `browser`, `device`: which platform the session is on.
    #[serde(default)]
    pub properties: Option<Value>,
    #[serde(default)]
    pub intents: Option<u64>,
    #[serde(default)]
    pub large_threshold: Option<u64>,
    #[serde(default)]
    pub shard: Option<[u64; 2]>,
    #[serde(default)]
    pub presence: Option<PresenceUpdate>,
}

/// Op 6.
#[derive(Debug, Deserialize)]
pub struct Resume {
    pub token: String,
    pub session_id: String,
    #[serde(default)]
    pub seq: Option<u64>,
}

/// Op 3 (and Identify's `presence`). `since` may be anything: serenity sends an object.
#[derive(Debug, Clone, Deserialize)]
pub struct PresenceUpdate {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub activities: Option<Vec<Value>>,
    #[serde(default)]
    pub afk: Option<bool>,
}

/// One id or a list of them, as op 8 allows.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(Snowflake),
    Many(Vec<Snowflake>),
}

impl OneOrMany {
    pub fn into_vec(self) -> Vec<Snowflake> {
        match self {
            Self::One(id) => vec![id],
            Self::Many(ids) => ids,
        }
    }
}

/// Op 8.
#[derive(Debug, Deserialize)]
pub struct RequestGuildMembers {
    pub guild_id: OneOrMany,
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub limit: Option<u64>,
    #[serde(default)]
    pub presences: Option<bool>,
    #[serde(default)]
    pub user_ids: Option<OneOrMany>,
    #[serde(default)]
    pub nonce: Option<String>,
}

/// Removes a leading `Bot ` (serenity and twilight send it; discord.py and discord.js do not).
pub fn bare_token(token: &str) -> (&str, bool) {
    match token.strip_prefix("Bot ") {
        Some(rest) => (rest.trim(), true),
        None => (token.trim(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatch_frames_are_valid_json_with_integer_seq() {
        let head = dispatch_head("MESSAGE_CREATE", r#"{"id":"1"}"#);
        let frame: Value = serde_json::from_str(&finish_dispatch(&head, 42)).unwrap();
        assert_eq!(frame["op"], 0);
        assert_eq!(frame["s"], 42);
        assert_eq!(frame["t"], "MESSAGE_CREATE");
        assert_eq!(frame["d"]["id"], "1");
        for fixed in [hello(41250), heartbeat_ack(), heartbeat_request(), invalid_session(false)] {
            let v: Value = serde_json::from_str(&fixed).unwrap();
            assert!(v["s"].is_null() && v["t"].is_null());
        }
    }

    #[test]
    fn identify_accepts_what_real_libraries_send() {
        let serenity = r#"{"token":"Bot abc","intents":513,"compress":true,"large_threshold":250,"shard":[0,1],
            "properties":{"os":"linux","browser":"serenity","device":"serenity"},
            "presence":{"afk":false,"status":"online","since":{"secs_since_epoch":1,"nanos_since_epoch":2},"activities":[]}}"#;
        let twilight = r#"{"capabilities":0,"compress":false,"intents":33281,"large_threshold":50,"presence":null,
            "properties":{"browser":"twilight.rs","device":"twilight.rs","os":"linux"},"shard":[0,1],"token":"Bot x"}"#;
        let discord_py = r#"{"token":"abc","properties":{"os":"linux","browser":"discord.py","device":"discord.py"},"compress":true,"large_threshold":250,"intents":53608189}"#;
        for raw in [serenity, twilight, discord_py] {
            let identify: Identify = serde_json::from_str(raw).unwrap();
            assert!(identify.intents.is_some());
        }
        assert_eq!(bare_token("Bot abc"), ("abc", true));
        assert_eq!(bare_token("abc"), ("abc", false));
    }
}
