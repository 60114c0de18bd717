//! The gateway events chat writes with its changes. Guild events carry `guild_id`; each goes
//! to the channel's [`Audience`] (its viewers; a private thread's members). A moderator's
//! action in a guild channel also writes an audit log entry ([`AuditLog`]).

use accord_api::message::Message;
use accord_core::Snowflake;
use accord_service::access::ChannelAccess;
use accord_service::audience::Audience;
use accord_service::audit::{self, AuditReason, Change, Entry};
use accord_service::{ServiceContext, render};
use accord_store::{ChannelRecord, EventDraft, MemberRecord, MessageRecord, StoreResult};
use serde_json::{Value, json};

/// Who may see events about the channel of `access`.
pub async fn audience(ctx: &ServiceContext, access: &ChannelAccess) -> StoreResult<Audience> {
    match &access.private {
        // The recipients are already loaded.
        Some(private) => Ok(Audience::private(&private.recipients)),
        None => Audience::of(ctx.store.as_ref(), &access.channel).await,
    }
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
    channel: &ChannelRecord,
    mut data: serde_json::Value,
) -> EventDraft {
    data["channel_id"] = json!(channel.id);
    if let Some(guild_id) = channel.guild_id {
        data["guild_id"] = json!(guild_id);
    }
    audience.event(ctx, name, &data)
}

/// Audit log entries for one request in a guild channel: the guild, who acts, and the reason
/// they gave.
pub struct AuditLog<'a> {
    ctx: &'a ServiceContext,
    guild_id: Snowflake,
    actor: Snowflake,
    reason: &'a AuditReason,
}

impl<'a> AuditLog<'a> {
    /// The log of the channel's guild; none in DMs and group DMs, which keep no audit log.
    pub fn of(
        ctx: &'a ServiceContext,
        access: &ChannelAccess,
        actor: Snowflake,
        reason: &'a AuditReason,
    ) -> Option<Self> {
        let guild_id = access.guild.as_ref()?.guild.id;
        Some(Self { ctx, guild_id, actor, reason })
    }

    /// The entry of an `action_type` on `target_id`, with its `changes` and `options`.
    pub fn entry(
        &self,
        action_type: u16,
        target_id: Snowflake,
        changes: Vec<Change>,
        options: Option<Value>,
    ) -> EventDraft {
        let (guild_id, user_id, reason, target_id) = (self.guild_id, self.actor, self.reason, Some(target_id));
        audit::entry(self.ctx, Entry { guild_id, user_id, action_type, target_id, changes, options, reason })
    }
}
