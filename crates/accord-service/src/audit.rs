//! The audit log: what a guild's moderators and managers changed. A change records its entry
//! by writing [`entry`]'s event with its other events: the store keeps it in the guild's log
//! in the same transaction (see `accord_store::moderation`), and gateways deliver it as
//! GUILD_AUDIT_LOG_ENTRY_CREATE to those with VIEW_AUDIT_LOG. The reason comes from the
//! `X-Audit-Log-Reason` header ([`AuditReason`]).

use accord_core::Snowflake;
use accord_store::EventDraft;
use accord_store::moderation::AUDIT_LOG_EVENT;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::{ApiError, ServiceContext};

/// Discord's audit log action types.
pub mod action {
    pub const GUILD_UPDATE: u16 = 1;
    pub const CHANNEL_CREATE: u16 = 10;
    pub const CHANNEL_UPDATE: u16 = 11;
    pub const CHANNEL_DELETE: u16 = 12;
    pub const CHANNEL_OVERWRITE_CREATE: u16 = 13;
    pub const CHANNEL_OVERWRITE_UPDATE: u16 = 14;
    pub const CHANNEL_OVERWRITE_DELETE: u16 = 15;
    pub const MEMBER_KICK: u16 = 20;
    pub const MEMBER_BAN_ADD: u16 = 22;
    pub const MEMBER_BAN_REMOVE: u16 = 23;
    pub const MEMBER_UPDATE: u16 = 24;
    pub const MEMBER_ROLE_UPDATE: u16 = 25;
    pub const MEMBER_MOVE: u16 = 26;
    pub const MEMBER_DISCONNECT: u16 = 27;
    pub const BOT_ADD: u16 = 28;
    pub const ROLE_CREATE: u16 = 30;
    pub const ROLE_UPDATE: u16 = 31;
    pub const ROLE_DELETE: u16 = 32;
    pub const INVITE_CREATE: u16 = 40;
    pub const INVITE_DELETE: u16 = 42;
    pub const EMOJI_CREATE: u16 = 60;
    pub const EMOJI_UPDATE: u16 = 61;
    pub const EMOJI_DELETE: u16 = 62;
    pub const MESSAGE_DELETE: u16 = 72;
    pub const MESSAGE_BULK_DELETE: u16 = 73;
    pub const MESSAGE_PIN: u16 = 74;
    pub const MESSAGE_UNPIN: u16 = 75;
    pub const THREAD_CREATE: u16 = 110;
    pub const THREAD_UPDATE: u16 = 111;
    pub const THREAD_DELETE: u16 = 112;
}

/// The longest reason kept, in characters.
const MAX_REASON: usize = 512;

/// The `X-Audit-Log-Reason` header, percent-decoded (libraries encode it); none when absent.
#[derive(Debug, Clone, Default)]
pub struct AuditReason(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for AuditReason {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(header) = parts.headers.get("x-audit-log-reason") else { return Ok(Self(None)) };
        let bad = || ApiError::invalid_field("X-Audit-Log-Reason", "BASE_TYPE_BAD", "Not a valid reason.");
        let decoded = percent_encoding::percent_decode(header.as_bytes()).decode_utf8().map_err(|_| bad())?;
        let reason = decoded.trim();
        if reason.chars().count() > MAX_REASON {
            return Err(ApiError::invalid_field(
                "X-Audit-Log-Reason",
                "BASE_TYPE_MAX_LENGTH",
                "Must be at most 512 characters.",
            ));
        }
        Ok(Self((!reason.is_empty()).then(|| reason.to_owned())))
    }
}

/// One change of an entry: a field's value before and after (absent when there was none).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_value: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_value: Option<Value>,
}

/// What an entry records.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub guild_id: Snowflake,
    /// Who made the change.
    pub user_id: Snowflake,
    pub action_type: u16,
    /// What it changed (a channel, role, member, message author, ...).
    pub target_id: Option<Snowflake>,
    pub changes: Vec<Change>,
    /// Action-specific details (a channel id, a count, an overwrite's type).
    pub options: Option<Value>,
    pub reason: &'a AuditReason,
}

/// The event that records `entry` (its data is the audit log entry object with `guild_id`).
pub fn entry(ctx: &ServiceContext, entry: Entry<'_>) -> EventDraft {
    let id = ctx.next_id();
    let mut data = json!({
        "id": id,
        "guild_id": entry.guild_id,
        "user_id": entry.user_id,
        "target_id": entry.target_id,
        "action_type": entry.action_type,
        "changes": entry.changes,
    });
    if let Some(options) = entry.options {
        data["options"] = options;
    }
    if let Some(reason) = &entry.reason.0 {
        data["reason"] = json!(reason);
    }
    EventDraft {
        id,
        name: AUDIT_LOG_EVENT.to_owned(),
        guild_id: Some(entry.guild_id),
        channel_id: None,
        user_ids: Vec::new(),
        data: data.to_string(),
    }
}

/// The changes between two renderings of an object: each top-level field whose value differs.
pub fn changes(before: &impl Serialize, after: &impl Serialize) -> Vec<Change> {
    let (before, after) = (object(before), object(after));
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| Change { key: k.clone(), old_value: before.get(k).cloned(), new_value: after.get(k).cloned() })
        .collect()
}

/// Every field of a created (or deleted) object that has a value, as changes from (or to)
/// nothing.
pub fn created(after: &impl Serialize) -> Vec<Change> {
    changes(&Value::Null, after).into_iter().filter(|c| c.new_value.as_ref().is_some_and(|v| !v.is_null())).collect()
}

pub fn deleted(before: &impl Serialize) -> Vec<Change> {
    changes(before, &Value::Null).into_iter().filter(|c| c.old_value.as_ref().is_some_and(|v| !v.is_null())).collect()
}
/// A thread as its audit log entries compare it: the channel object with the thread's
/// settings (`archived`, `locked`, ...) as fields of their own, as Discord records them.
pub fn thread_fields(thread: &accord_store::ChannelRecord) -> Value {
    let mut fields = json!(crate::render::channel(thread));
    if let Some(Value::Object(metadata)) = fields.as_object_mut().and_then(|f| f.remove("thread_metadata")) {
        for key in ["archived", "auto_archive_duration", "locked", "invitable"] {
            if let Some(value) = metadata.get(key) {
                fields[key] = value.clone();
            }
        }
    }
    fields
}

fn object(value: &impl Serialize) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn changes_name_each_field_that_differs() {
        let before = json!({ "name": "a", "topic": null, "nsfw": false });
        let after = json!({ "name": "b", "topic": null, "position": 2 });
        let keys: Vec<_> = changes(&before, &after).into_iter().map(|c| c.key).collect();
        assert_eq!(keys, ["name", "nsfw", "position"]);
        assert_eq!(created(&json!({ "name": "x" }))[0].new_value, Some(json!("x")));
        assert_eq!(created(&json!({ "name": "x" }))[0].old_value, None);
    }
}
