//! Payloads of the guild-area events, built from records in hand so they can be written to
//! the outbox in the same transaction as the change.

use accord_api::guild::{GuildCreate, GuildMemberEvent};
use accord_core::Snowflake;
use accord_core::time::format_timestamp;
use accord_service::{ServiceContext, render};
use accord_store::{
    ChannelRecord, EventDraft, GuildRecord, InviteRecord, MemberRecord, RoleRecord, StoreResult, UserRecord,
};
use serde_json::json;

/// Members carried in a GUILD_CREATE; larger guilds send the rest on request (gateway op 8).
const GUILD_CREATE_MEMBERS: u32 = 1000;

/// A full GUILD_CREATE for `member`, from the stored state plus what is about to be written.
pub async fn guild_create(
    ctx: &ServiceContext,
    guild: &GuildRecord,
    roles: &[RoleRecord],
    channels: &[ChannelRecord],
    member: &MemberRecord,
    user: &UserRecord,
) -> StoreResult<GuildCreate> {
    let stored = ctx.store.members(guild.id, None, GUILD_CREATE_MEMBERS).await?;
    let mut members: Vec<MemberRecord> = stored.into_iter().filter(|m| m.user_id != member.user_id).collect();
    members.push(member.clone());
    let ids: Vec<Snowflake> = members.iter().map(|m| m.user_id).collect();
    let mut users = ctx.store.users(&ids).await?;
    users.retain(|u| u.id != user.id);
    users.push(user.clone());
    let member_count = ctx.store.member_count(guild.id).await?.max(members.len() as u64);
    Ok(GuildCreate {
        guild: render::guild(guild, roles),
        joined_at: format_timestamp(member.joined_ms),
        large: member_count > 250,
        unavailable: false,
        member_count,
        voice_states: Vec::new(),
        members: members.iter().map(|m| render::member(m, users.iter().find(|u| u.id == m.user_id))).collect(),
        channels: channels.iter().map(render::channel).collect(),
        threads: Vec::new(),
        presences: Vec::new(),
        stage_instances: Vec::new(),
        guild_scheduled_events: Vec::new(),
        soundboard_sounds: Vec::new(),
    })
}

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
