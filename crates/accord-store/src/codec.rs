//! Encodings every backend shares, so a row written by one reads the same in the other
//! (`accord migrate-store` copies these columns as they are).

use accord_core::Snowflake;
use serde::{Deserialize, Serialize};

use crate::{AttachmentRecord, ForumRecord, ForumTag};

/// An attachment as stored in a message's `attachments` JSON array.
#[derive(Serialize, Deserialize)]
struct StoredAttachment {
    id: Snowflake,
    filename: String,
    size: u64,
    content_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

/// A message's attachments as a JSON array.
pub fn attachments_to_json(attachments: &[AttachmentRecord]) -> String {
    let stored: Vec<StoredAttachment> = attachments
        .iter()
        .map(|a| StoredAttachment {
            id: a.id,
            filename: a.filename.clone(),
            size: a.size,
            content_type: a.content_type.clone(),
            width: a.width,
            height: a.height,
            description: a.description.clone(),
        })
        .collect();
    serde_json::to_string(&stored).expect("attachments always serialise")
}

/// Reads what [`attachments_to_json`] wrote.
pub fn attachments_from_json(text: &str) -> Result<Vec<AttachmentRecord>, serde_json::Error> {
    // Most messages have none; a page of history reads 50 of these.
    if text == "[]" {
        return Ok(Vec::new());
    }
    let stored: Vec<StoredAttachment> = serde_json::from_str(text)?;
    Ok(stored
        .into_iter()
        .map(|a| AttachmentRecord {
            id: a.id,
            filename: a.filename,
            size: a.size,
            content_type: a.content_type,
            width: a.width,
            height: a.height,
            description: a.description,
        })
        .collect())
}

/// A forum's settings as stored in its channel's `forum` JSON column.
#[derive(Serialize, Deserialize)]
struct StoredForum {
    tags: Vec<StoredTag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_sort_order: Option<u8>,
    #[serde(default)]
    default_layout: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_reaction_emoji: Option<(Option<Snowflake>, String)>,
    #[serde(default)]
    default_thread_rate_limit_per_user: u32,
}

#[derive(Serialize, Deserialize)]
struct StoredTag {
    id: Snowflake,
    name: String,
    #[serde(default)]
    moderated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    emoji_id: Option<Snowflake>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    emoji_name: Option<String>,
}

pub fn forum_to_json(forum: &ForumRecord) -> String {
    let stored = StoredForum {
        tags: forum
            .tags
            .iter()
            .map(|t| StoredTag {
                id: t.id,
                name: t.name.clone(),
                moderated: t.moderated,
                emoji_id: t.emoji_id,
                emoji_name: t.emoji_name.clone(),
            })
            .collect(),
        default_sort_order: forum.default_sort_order,
        default_layout: forum.default_layout,
        default_reaction_emoji: forum.default_reaction_emoji.as_ref().map(|e| (e.id, e.name.clone())),
        default_thread_rate_limit_per_user: forum.default_thread_rate_limit_per_user,
    };
    serde_json::to_string(&stored).expect("forum settings always serialise")
}

pub fn forum_from_json(text: &str) -> Result<ForumRecord, serde_json::Error> {
    let stored: StoredForum = serde_json::from_str(text)?;
    Ok(ForumRecord {
        tags: stored
            .tags
            .into_iter()
            .map(|t| ForumTag {
                id: t.id,
                name: t.name,
                moderated: t.moderated,
                emoji_id: t.emoji_id,
                emoji_name: t.emoji_name,
            })
            .collect(),
        default_sort_order: stored.default_sort_order,
        default_layout: stored.default_layout,
        default_reaction_emoji: stored.default_reaction_emoji.map(|(id, name)| crate::ReactionEmoji {
            id,
            name,
            animated: false,
        }),
        default_thread_rate_limit_per_user: stored.default_thread_rate_limit_per_user,
    })
}
