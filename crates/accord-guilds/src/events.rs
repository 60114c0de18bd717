//! Payloads of the guild-area events, built from records in hand so they can be written to
//! the outbox in the same transaction as the change, and the audit log entries ([`AuditLog`])
//! written with them.

use accord_api::guild::{GuildCreate, GuildMemberEvent};
use accord_core::Snowflake;
use accord_core::time::format_timestamp;
use accord_service::audience::Audience;
use accord_service::audit::{self, AuditReason, Change, Entry};
pub use accord_service::snapshot::guild_create;
use accord_service::{ServiceContext, render};
use accord_store::{ChannelRecord, EventDraft, GuildRecord, InviteRecord, MemberRecord, RoleRecord, UserRecord};
use serde_json::{Value, json};

/// GUILD_CREATE sent to the one user who just joined or created the guild.
pub fn guild_create_for(ctx: &ServiceContext, user: Snowflake, payload: &GuildCreate) -> EventDraft {
    ctx.event("GUILD_CREATE", None, None, vec![user], payload)
}

pub fn guild_update(ctx: &ServiceContext, guild: &GuildRecord, roles: &[RoleRecord]) -> EventDraft {
    ctx.event("GUILD_UPDATE", Some(guild.id), None, vec![], &render::guild(guild, roles))
}

/// GUILD_DELETE goes to each member by user, since the guild's member list is gone afterwards.
pub fn guild_delete(ctx: &ServiceContext, guild_id: Snowflake, members: Vec<Snowflake>) -> EventDraft {
    ctx.event("GUILD_DELETE", None, None, members, &json!({ "id": guild_id }))
}

pub fn channel(ctx: &ServiceContext, name: &str, channel: &ChannelRecord) -> EventDraft {
    ctx.event(name, channel.guild_id, Some(channel.id), vec![], &render::channel(channel))
}

/// THREAD_UPDATE: the thread as a channel object, for whoever may see it.
pub fn thread_update(ctx: &ServiceContext, audience: &Audience, thread: &ChannelRecord) -> EventDraft {
    audience.event(ctx, "THREAD_UPDATE", &render::channel(thread))
}

/// THREAD_DELETE names the thread and its parent; the audience is computed before deleting.
pub fn thread_delete(ctx: &ServiceContext, audience: &Audience, thread: &ChannelRecord) -> EventDraft {
    let payload =
        json!({ "id": thread.id, "guild_id": thread.guild_id, "parent_id": thread.parent_id, "type": thread.kind });
    audience.event(ctx, "THREAD_DELETE", &payload)
}

pub fn role(ctx: &ServiceContext, name: &str, role: &RoleRecord) -> EventDraft {
    ctx.event(
        name,
        Some(role.guild_id),
        None,
        vec![],
        &json!({ "guild_id": role.guild_id, "role": render::role(role) }),
    )
}

pub fn role_delete(ctx: &ServiceContext, guild_id: Snowflake, role_id: Snowflake) -> EventDraft {
    ctx.event("GUILD_ROLE_DELETE", Some(guild_id), None, vec![], &json!({ "guild_id": guild_id, "role_id": role_id }))
}

/// GUILD_MEMBER_ADD or GUILD_MEMBER_UPDATE.
pub fn member(ctx: &ServiceContext, name: &str, member: &MemberRecord, user: &UserRecord) -> EventDraft {
    let payload = GuildMemberEvent { member: render::member(member, Some(user)), guild_id: member.guild_id };
    ctx.event(name, Some(member.guild_id), None, vec![member.user_id], &payload)
}

/// PRESENCE_UPDATE in `guild_id` of a user joining it while they show as online: their
/// presence was published before they were a member, and nothing else tells the guild until
/// it changes. Committed with the join, so it follows GUILD_MEMBER_ADD in the log. None when
/// they show as offline (or presence is unavailable): members start out offline.
pub async fn joined_presence(ctx: &ServiceContext, guild_id: Snowflake, user_id: Snowflake) -> Option<EventDraft> {
    let presence = accord_service::presence::read(ctx, &[user_id]).await.remove(&user_id)?;
    (presence.shown_status() != "offline")
        .then(|| ctx.event("PRESENCE_UPDATE", Some(guild_id), None, Vec::new(), &presence.payload(user_id)))
}

pub fn member_remove(ctx: &ServiceContext, guild_id: Snowflake, user: &UserRecord) -> EventDraft {
    let payload = json!({ "guild_id": guild_id, "user": render::user(user) });
    ctx.event("GUILD_MEMBER_REMOVE", Some(guild_id), None, vec![user.id], &payload)
}

pub fn invite_create(ctx: &ServiceContext, invite: &InviteRecord, inviter: Option<&UserRecord>) -> EventDraft {
    let payload = json!({
        "channel_id": invite.channel_id,
        "code": invite.code,
        "created_at": format_timestamp(invite.created_ms),
        "guild_id": invite.guild_id,
        "inviter": inviter.map(render::user),
        "max_age": invite.max_age,
        "max_uses": invite.max_uses,
        "temporary": invite.temporary,
        "uses": invite.uses,
    });
    ctx.event("INVITE_CREATE", Some(invite.guild_id), Some(invite.channel_id), vec![], &payload)
}

pub fn invite_delete(ctx: &ServiceContext, invite: &InviteRecord) -> EventDraft {
    let payload = accord_api::invite::InviteDelete {
        channel_id: invite.channel_id,
        guild_id: invite.guild_id,
        code: invite.code.clone(),
    };
    ctx.event("INVITE_DELETE", Some(invite.guild_id), Some(invite.channel_id), vec![], &payload)
}

/// Audit log entries for one request: its guild, who acts, and the reason they gave.
pub struct AuditLog<'a> {
    ctx: &'a ServiceContext,
    guild_id: Snowflake,
    actor: Snowflake,
    reason: &'a AuditReason,
}

impl<'a> AuditLog<'a> {
    pub fn new(ctx: &'a ServiceContext, guild_id: Snowflake, actor: Snowflake, reason: &'a AuditReason) -> Self {
        Self { ctx, guild_id, actor, reason }
    }

    /// The entry of an `action_type` on `target_id` that made `changes`.
    pub fn entry(&self, action_type: u16, target_id: Option<Snowflake>, changes: Vec<Change>) -> EventDraft {
        self.entry_with(action_type, target_id, changes, None)
    }

    /// An entry with action-specific `options` (an overwrite's id and type, a count).
    pub fn entry_with(
        &self,
        action_type: u16,
        target_id: Option<Snowflake>,
        changes: Vec<Change>,
        options: Option<Value>,
    ) -> EventDraft {
        let (guild_id, user_id, reason) = (self.guild_id, self.actor, self.reason);
        audit::entry(self.ctx, Entry { guild_id, user_id, action_type, target_id, changes, options, reason })
    }
}
