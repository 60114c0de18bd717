//! The gateway events chat writes with its changes. Guild events carry `guild_id`; the
//! channel's VIEW_CHANNEL gates each one at the gateway.

use accord_api::message::Message;
use accord_service::{ServiceContext, render};
use accord_store::{EventDraft, MemberRecord, MessageRecord};
use serde_json::json;

/// MESSAGE_CREATE or MESSAGE_UPDATE: the message with `guild_id` and the author's `member`.
pub fn message_event(
    ctx: &ServiceContext,
    name: &str,
    rendered: &Message,
    record: &MessageRecord,
    author_member: Option<&MemberRecord>,
) -> EventDraft {
    let mut payload = rendered.clone();
    payload.guild_id = record.guild_id;
    payload.member = author_member.map(|m| render::member(m, None));
    ctx.event(name, record.guild_id, Some(record.channel_id), vec![], &payload)
}

pub fn message_delete(ctx: &ServiceContext, record: &MessageRecord) -> EventDraft {
    let payload = json!({ "id": record.id, "channel_id": record.channel_id, "guild_id": record.guild_id });
    ctx.event("MESSAGE_DELETE", record.guild_id, Some(record.channel_id), vec![], &payload)
}

/// An event about a channel's messages, with `channel_id` and `guild_id` added to `data`.
pub fn channel_event(
    ctx: &ServiceContext,
    name: &str,
    channel: &accord_store::ChannelRecord,
    mut data: serde_json::Value,
) -> EventDraft {
    data["channel_id"] = json!(channel.id);
    if let Some(guild_id) = channel.guild_id {
        data["guild_id"] = json!(guild_id);
    }
    ctx.event(name, channel.guild_id, Some(channel.id), vec![], &data)
}
