//! Snapshots of state for clients that start following it: the full GUILD_CREATE a member
//! receives when they join, create, or (through the gateway) connect.

use accord_api::channel::{Channel, ThreadMember};
use accord_api::guild::GuildCreate;
use accord_core::time::format_timestamp;
use accord_store::{ChannelRecord, GuildRecord, MemberRecord, RoleRecord, StoreResult, UserRecord};

use crate::access::GuildAccess;
use crate::{ServiceContext, render};

/// A GUILD_CREATE for `member`. As on Discord, its `members` are the member themselves plus
/// `others` (the gateway passes the online members when presences were asked for); the rest
/// of the list is fetched on request (gateway op 8), so the payload stays small in big guilds.
pub async fn guild_create(
    ctx: &ServiceContext,
    guild: &GuildRecord,
    roles: &[RoleRecord],
    channels: &[ChannelRecord],
    member: &MemberRecord,
    user: &UserRecord,
    others: &[(MemberRecord, UserRecord)],
) -> StoreResult<GuildCreate> {
    let member_count = ctx.store.member_count(guild.id).await?.max(1);
    let threads = visible_threads(ctx, guild, roles, channels, member).await?;
    let mut rendered = render::guild(guild, roles);
    rendered.emojis = ctx.store.guild_emojis(guild.id).await?.iter().map(render::emoji).collect();
    let voice_states = voice_states(ctx, guild, roles, channels, member).await;
    let members = std::iter::once(render::member(member, Some(user)))
        .chain(others.iter().filter(|(m, _)| m.user_id != member.user_id).map(|(m, u)| render::member(m, Some(u))))
        .collect();
    Ok(GuildCreate {
        guild: rendered,
        joined_at: format_timestamp(member.joined_ms),
        large: member_count > 250,
        unavailable: false,
        member_count,
        voice_states,
        members,
        channels: channels.iter().map(render::channel).collect(),
        threads,
        presences: Vec::new(),
        stage_instances: stage_instances(ctx, channels).await,
        guild_scheduled_events: Vec::new(),
        soundboard_sounds: Vec::new(),
    })
}

/// The guild's live stages (shared state: unreadable, the guild arrives without them).
async fn stage_instances(ctx: &ServiceContext, channels: &[ChannelRecord]) -> Vec<serde_json::Value> {
    let mut live = Vec::new();
    for stage in channels.iter().filter(|c| c.kind == crate::voice::state::STAGE) {
        if let Ok(Some(instance)) = crate::voice::stage::instance(ctx, stage.id).await {
            live.push(serde_json::to_value(instance).expect("stage instances serialise"));
        }
    }
    live
}

/// Who is in the guild's voice channels that the member can see, without `guild_id` (as in
/// Discord's GUILD_CREATE). Voice states are shared ephemeral state: when it cannot be read,
/// the guild arrives without them rather than not at all.
async fn voice_states(
    ctx: &ServiceContext,
    guild: &GuildRecord,
    roles: &[RoleRecord],
    channels: &[ChannelRecord],
    member: &MemberRecord,
) -> Vec<serde_json::Value> {
    let Ok(states) = crate::voice::state::states_in(ctx, guild.id).await else { return Vec::new() };
    let access = GuildAccess::from_parts(guild.clone(), roles.to_vec(), Some(member.clone()));
    let visible = |id| {
        let channel = channels.iter().find(|c| Some(c.id) == id);
        channel.is_some_and(|c| access.channel_permissions(c).contains(accord_core::Permissions::VIEW_CHANNEL))
    };
    states
        .into_iter()
        .filter(|s| visible(s.channel_id))
        .map(|mut s| {
            s.guild_id = None;
            serde_json::to_value(s).expect("voice states serialise")
        })
        .collect()
}

/// The guild's active threads the member can see, each with the member's thread membership
/// (without `id` and `user_id`, as in Discord's GUILD_CREATE).
async fn visible_threads(
    ctx: &ServiceContext,
    guild: &GuildRecord,
    roles: &[RoleRecord],
    channels: &[ChannelRecord],
    member: &MemberRecord,
) -> StoreResult<Vec<Channel>> {
    let threads = ctx.store.active_threads(guild.id).await?;
    if threads.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<_> = threads.iter().map(|t| t.id).collect();
    let mine = ctx.store.memberships(member.user_id, &ids).await?;
    let access = GuildAccess::from_parts(guild.clone(), roles.to_vec(), Some(member.clone()));
    Ok(threads
        .iter()
        .filter_map(|thread| {
            let parent = channels.iter().find(|c| Some(c.id) == thread.parent_id)?;
            let membership = mine.iter().find(|m| m.thread_id == thread.id);
            access.can_see_thread(parent, thread, membership.is_some()).then(|| {
                let mut rendered = render::channel(thread);
                rendered.member = membership.map(|m| ThreadMember {
                    id: None,
                    user_id: None,
                    join_timestamp: format_timestamp(m.joined_ms),
                    flags: m.flags,
                });
                rendered
            })
        })
        .collect())
}
