//! The gateway events chat writes with its changes. Guild events carry `guild_id`; each goes
//! to the channel's [`Audience`] (its viewers; a private thread's members).

use accord_api::message::Message;
use accord_service::access::ChannelAccess;
use accord_service::audience::Audience;
use accord_service::{ServiceContext, render};
use accord_store::{EventDraft, MemberRecord, MessageRecord, StoreResult};
use serde_json::json;

/// Who may see events about the channel of `access`.
pub async fn audience(ctx: &ServiceContext, access: &ChannelAccess) -> StoreResult<Audience> {
    Audience::of(ctx.store.as_ref(), &access.channel).await
}

/// MESSAGE_CREATE or MESSAGE_UPDATE: the message with `guild_id` and the author's `member`.
pub fn message_event(
    ctx: &ServiceContext,
    audience: &Audience,
    name: &str,
    rendered: &Message,
    record: &MessageRecord,
    author_member: Option<&MemberRecord>,
) -> EventDraft {
    let mut payload = rendered.clone();
    payload.guild_id = record.guild_id;
    payload.member = author_member.map(|m| render::member(m, None));
    audience.event(ctx, name, &payload)
}

pub fn message_delete(ctx: &ServiceContext, audience: &Audience, record: &MessageRecord) -> EventDraft {
    let payload = json!({ "id": record.id, "channel_id": record.channel_id, "guild_id": record.guild_id });
    audience.event(ctx, "MESSAGE_DELETE", &payload)
}

/// An event about a channel's messages, with `channel_id` and `guild_id` added to `data`.
pub fn channel_event(
    ctx: &ServiceContext,
    audience: &Audience,
    name: &str,
    channel: &accord_store::ChannelRecord,
    mut data: serde_json::Value,
) -> EventDraft {
    data["channel_id"] = json!(channel.id);
    if let Some(guild_id) = channel.guild_id {
        data["guild_id"] = json!(guild_id);
    }
    audience.event(ctx, name, &data)
}
