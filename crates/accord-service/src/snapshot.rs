//! Snapshots of state for clients that start following it: the full GUILD_CREATE a member
//! receives when they join, create, or (through the gateway) connect.

use accord_api::guild::GuildCreate;
use accord_core::Snowflake;
use accord_core::time::format_timestamp;
use accord_store::{ChannelRecord, GuildRecord, MemberRecord, RoleRecord, StoreResult, UserRecord};

use crate::{ServiceContext, render};

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
