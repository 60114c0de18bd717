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
    /// Threads: who started it, its counts and state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<Snowflake>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_message_sent: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread_metadata: Option<ThreadMetadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_tags: Option<Vec<Snowflake>>,
    /// The caller's thread member object, where Discord includes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<ThreadMember>,
    /// Forums: their tags and defaults.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_tags: Option<Vec<ForumTag>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_sort_order: Option<Option<u8>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_forum_layout: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_reaction_emoji: Option<Option<DefaultReaction>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_thread_rate_limit_per_user: Option<u32>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ThreadMetadata {
    pub archived: bool,
    pub auto_archive_duration: u32,
    pub archive_timestamp: String,
    pub locked: bool,
    /// Private threads only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitable: Option<bool>,
    pub create_timestamp: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ThreadMember {
    /// Omitted inside GUILD_CREATE's threads, as on Discord; present elsewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Snowflake>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<Snowflake>,
    pub join_timestamp: String,
    pub flags: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ForumTag {
    pub id: Snowflake,
    pub name: String,
    pub moderated: bool,
    pub emoji_id: Option<Snowflake>,
    pub emoji_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DefaultReaction {
    pub emoji_id: Option<Snowflake>,
    pub emoji_name: Option<String>,
}

/// A DM (type 1) or group DM (type 3) as one of its recipients sees it: `recipients` are the
/// others.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PrivateChannel {
    pub id: Snowflake,
    #[serde(rename = "type")]
    pub kind: u8,
    pub last_message_id: Option<Snowflake>,
    pub flags: u64,
    pub recipients: Vec<crate::user::User>,
    /// Group DMs: their name (null when unnamed), icon hash and owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<Snowflake>,
}
