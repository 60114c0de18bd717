//! Guilds, roles and members.

use accord_core::{Permissions, Snowflake};
use serde::Serialize;

use crate::Null;
use crate::channel::Channel;
use crate::user::User;

/// A guild object as REST returns it (GUILD_CREATE adds the gateway-only fields).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Guild {
    pub id: Snowflake,
    pub name: String,
    pub icon: Option<String>,
    pub icon_hash: Option<String>,
    pub splash: Option<String>,
    pub discovery_splash: Option<String>,
    pub owner_id: Snowflake,
    /// Present in `GET /users/@me/guilds`-style answers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<bool>,
    /// The caller's permissions, where Discord includes them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Permissions>,
    pub afk_channel_id: Option<Snowflake>,
    pub afk_timeout: u32,
    pub widget_enabled: bool,
    pub widget_channel_id: Option<Snowflake>,
    pub verification_level: u8,
    pub default_message_notifications: u8,
    pub explicit_content_filter: u8,
    pub roles: Vec<Role>,
    pub emojis: Vec<serde_json::Value>,
    pub stickers: Vec<serde_json::Value>,
    pub features: Vec<String>,
    pub mfa_level: u8,
    pub application_id: Option<Snowflake>,
    pub system_channel_id: Option<Snowflake>,
    pub system_channel_flags: u64,
    pub rules_channel_id: Option<Snowflake>,
    pub max_presences: Option<u32>,
    pub max_members: u32,
    pub vanity_url_code: Option<String>,
    pub description: Option<String>,
    pub banner: Option<String>,
    pub premium_tier: u8,
    pub premium_subscription_count: u32,
    pub preferred_locale: String,
    pub public_updates_channel_id: Option<Snowflake>,
    pub max_video_channel_users: u32,
    pub approximate_member_count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approximate_presence_count: Option<u64>,
    pub nsfw: bool,
    pub nsfw_level: u8,
    pub premium_progress_bar_enabled: bool,
    pub safety_alerts_channel_id: Option<Snowflake>,
    pub incidents_data: Null,
}

/// The extra fields GUILD_CREATE carries beside the guild object.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GuildCreate {
    #[serde(flatten)]
    pub guild: Guild,
    pub joined_at: String,
    pub large: bool,
    pub unavailable: bool,
    pub member_count: u64,
    pub voice_states: Vec<serde_json::Value>,
    pub members: Vec<Member>,
    pub channels: Vec<Channel>,
    pub threads: Vec<Channel>,
    pub presences: Vec<serde_json::Value>,
    pub stage_instances: Vec<serde_json::Value>,
    pub guild_scheduled_events: Vec<serde_json::Value>,
    pub soundboard_sounds: Vec<serde_json::Value>,
}

/// A partial guild, as in `GET /users/@me/guilds`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PartialGuild {
    pub id: Snowflake,
    pub name: String,
    pub icon: Option<String>,
    pub banner: Option<String>,
    pub owner: bool,
    pub permissions: Permissions,
    pub features: Vec<String>,
}

/// Role colours (Discord's gradient-capable form; `color` is the legacy single value).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RoleColors {
    pub primary_color: u32,
    pub secondary_color: Option<u32>,
    pub tertiary_color: Option<u32>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Role {
    pub id: Snowflake,
    pub name: String,
    pub color: u32,
    pub colors: RoleColors,
    pub hoist: bool,
    pub icon: Option<String>,
    pub unicode_emoji: Option<String>,
    pub position: i32,
    pub permissions: Permissions,
    pub managed: bool,
    pub mentionable: bool,
    pub flags: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Member {
    /// Absent only inside MESSAGE_CREATE's `member`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    pub nick: Option<String>,
    pub avatar: Option<String>,
    pub banner: Option<String>,
    pub roles: Vec<Snowflake>,
    pub joined_at: String,
    pub premium_since: Option<String>,
    pub deaf: bool,
    pub mute: bool,
    pub flags: u64,
    pub pending: bool,
    pub communication_disabled_until: Option<String>,
}

/// GUILD_MEMBER_ADD / GUILD_MEMBER_UPDATE payload: the member plus its guild.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GuildMemberEvent {
    #[serde(flatten)]
    pub member: Member,
    pub guild_id: Snowflake,
}
