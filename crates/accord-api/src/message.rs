//! Messages.

use accord_core::Snowflake;
use serde::Serialize;

use crate::guild::Member;
use crate::user::User;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MessageReference {
    #[serde(rename = "type")]
    pub kind: u8,
    pub message_id: Snowflake,
    pub channel_id: Snowflake,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<Snowflake>,
}

/// A user mentioned in a message (with their member object in guilds, on events).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Mention {
    #[serde(flatten)]
    pub user: User,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<Member>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Message {
    pub id: Snowflake,
    pub channel_id: Snowflake,
    /// On gateway events only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guild_id: Option<Snowflake>,
    pub author: User,
    /// The author's member object, without `user`, on guild gateway events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<Member>,
    pub content: String,
    pub timestamp: String,
    pub edited_timestamp: Option<String>,
    pub tts: bool,
    pub mention_everyone: bool,
    pub mentions: Vec<Mention>,
    pub mention_roles: Vec<Snowflake>,
    pub attachments: Vec<Attachment>,
    /// As stored: validated by the chat service when sent.
    pub embeds: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<Reaction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    pub pinned: bool,
    #[serde(rename = "type")]
    pub kind: u8,
    pub flags: u64,
    pub components: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_reference: Option<MessageReference>,
    /// For replies: the message replied to, or null if it was deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referenced_message: Option<Option<Box<Message>>>,
    /// The thread started from this message, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread: Option<Box<crate::channel::Channel>>,
}

/// A file attached to a message.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Attachment {
    pub id: Snowflake,
    pub filename: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub content_type: String,
    pub size: u64,
    pub url: String,
    pub proxy_url: String,
    /// Images only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
}

/// An emoji as reactions carry it: `id` null for Unicode emoji.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PartialEmoji {
    pub id: Option<Snowflake>,
    pub name: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub animated: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReactionCountDetails {
    pub burst: u32,
    pub normal: u32,
}

/// One emoji's reactions on a message.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reaction {
    pub count: u32,
    pub count_details: ReactionCountDetails,
    pub me: bool,
    pub me_burst: bool,
    pub emoji: PartialEmoji,
    pub burst_colors: Vec<String>,
}
