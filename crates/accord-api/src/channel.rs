//! Channels and permission overwrites.

use accord_core::{Permissions, Snowflake};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Overwrite {
    pub id: Snowflake,
    /// 0 role, 1 member.
    #[serde(rename = "type")]
    pub kind: u8,
    pub allow: Permissions,
    pub deny: Permissions,
}

/// A channel. Voice-only fields are omitted on other types.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Channel {
    pub id: Snowflake,
    #[serde(rename = "type")]
    pub kind: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<Snowflake>,
    pub position: i32,
    pub permission_overwrites: Vec<Overwrite>,
    pub name: String,
    pub topic: Option<String>,
    pub nsfw: bool,
    pub last_message_id: Option<Snowflake>,
    pub rate_limit_per_user: u32,
    pub parent_id: Option<Snowflake>,
    pub flags: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bitrate: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_limit: Option<u32>,
    /// Always null on voice channels: automatic region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rtc_region: Option<crate::Null>,
    /// The caller's permissions in the channel, where Discord includes them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Permissions>,
}
