//! Invites.

use accord_core::Snowflake;
use serde::Serialize;

use crate::user::User;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InviteGuild {
    pub id: Snowflake,
    pub name: String,
    pub icon: Option<String>,
    pub splash: Option<String>,
    pub banner: Option<String>,
    pub description: Option<String>,
    pub features: Vec<String>,
    pub verification_level: u8,
    pub nsfw_level: u8,
    pub vanity_url_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InviteChannel {
    pub id: Snowflake,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: u8,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Invite {
    /// 0: guild invite.
    #[serde(rename = "type")]
    pub kind: u8,
    pub code: String,
    pub guild_id: Snowflake,
    pub guild: InviteGuild,
    pub channel: InviteChannel,
    pub inviter: Option<User>,
    pub expires_at: Option<String>,
    /// With `with_counts` (and where invites are created or listed): members, and those online.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approximate_member_count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approximate_presence_count: Option<u64>,
    pub uses: u32,
    pub max_uses: u32,
    pub max_age: u32,
    pub temporary: bool,
    pub created_at: String,
}

/// INVITE_DELETE payload.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InviteDelete {
    pub channel_id: Snowflake,
    pub guild_id: Snowflake,
    pub code: String,
}
