//! Moderators acting on other members' voice: moving them to another channel, disconnecting
//! them (MOVE_MEMBERS), and applying server mute and deafen (set on the membership) to the
//! voice state the SFU enforces.

use std::sync::Arc;

use accord_core::{Permissions, Snowflake, code};
use accord_store::MemberRecord;

use crate::access::GuildAccess;
use crate::render::is_voice_kind;
use crate::voice::state::{self, STAGE, TOKEN_TTL_SECS};
use crate::voice::{grant::VoiceGrant, placement};
use crate::{ApiError, ServiceContext};

/// Moves `user` to `target`, or disconnects them (`None`). The mover needs MOVE_MEMBERS (and
/// CONNECT on the target); the member must be able to connect there themselves. 400 (40032)
/// when the member is not in voice in this guild. True when the member moved or left.
pub async fn move_member(
    ctx: &ServiceContext,
    mover: &GuildAccess,
    user: Snowflake,
    target: Option<Snowflake>,
) -> Result<bool, ApiError> {
    let guild = mover.guild.id;
    let current = state::state_of(ctx, guild, user).await?.ok_or(ApiError::new(&code::TARGET_NOT_IN_VOICE))?;
    let Some(target) = target else {
        mover.require_permission(Permissions::MOVE_MEMBERS)?;
        return Ok(state::leave(ctx, guild, user, None).await?.is_some());
    };
    let channel = ctx.store.channel(target).await?.filter(|c| c.guild_id == Some(guild) && is_voice_kind(c.kind));
    let channel = channel.ok_or(ApiError::new(&code::UNKNOWN_CHANNEL))?;
    mover.require_in_channel(&channel, Permissions::MOVE_MEMBERS | Permissions::CONNECT)?;
    let member = ctx.store.member(guild, user).await?.ok_or(ApiError::new(&code::UNKNOWN_MEMBER))?;
    mover.as_member(member).require_in_channel(&channel, Permissions::CONNECT)?;
    if current.channel_id == Some(target) {
        return Ok(false);
    }
    let session = current.session_id.clone();
    let moved = state::relocate(ctx, guild, user, &session, target, channel.kind == STAGE).await?;
    if moved {
        tell_new_server(ctx, guild, user, target, session).await;
    }
    Ok(moved)
}

/// A moved member's clients learn where the new channel's media runs.
async fn tell_new_server(ctx: &ServiceContext, guild: Snowflake, user: Snowflake, channel: Snowflake, session: String) {
    let grant = VoiceGrant {
        user_id: user,
        scope: guild,
        guild_id: Some(guild),
        channel_id: channel,
        session_id: session,
        expires: accord_core::time::now_ms() / 1000 + TOKEN_TTL_SECS,
    };
    let endpoint = placement::place(&ctx.kv, channel).await.map(|n| n.endpoint);
    let server = accord_api::voice::VoiceServer {
        token: grant.sign(&ctx.tokens),
        guild_id: Some(guild),
        channel_id: channel,
        endpoint,
    };
    let event = ctx.event("VOICE_SERVER_UPDATE", None, None, vec![user], &server);
    if let Err(error) = ctx.bus.publish(Arc::new(event)).await {
        tracing::warn!(%error, "voice server update not published");
    }
}

/// Carries a membership's server mute and deafen to its voice state, if it has one.
pub async fn apply_member_flags(ctx: &ServiceContext, member: &MemberRecord) -> Result<(), ApiError> {
    let (mute, deaf) = (member.mute, member.deaf);
    state::modify(ctx, member.guild_id, member.user_id, None, move |s| {
        s.mute = mute;
        s.deaf = deaf;
    })
    .await?;
    Ok(())
}
