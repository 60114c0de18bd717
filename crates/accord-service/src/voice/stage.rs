//! Stage channels (type 13): a live stage is a stage instance with a topic, kept in the
//! shared state while it runs and ended when its last participant leaves. Its audience is
//! suppressed (the SFU drops their audio) until a stage moderator lets them speak.

use std::sync::Arc;
use std::time::Duration;

use accord_api::voice::StageInstance;
use accord_core::{Permissions, Snowflake, code};

use crate::access::ChannelAccess;
use crate::voice::state::STAGE;
use crate::{ApiError, ServiceContext};

/// Who moderates a stage (Discord's "stage moderator").
pub const MODERATOR: Permissions =
    Permissions::MANAGE_CHANNELS.union(Permissions::MUTE_MEMBERS).union(Permissions::MOVE_MEMBERS);
/// How long a stage instance lasts without a change: one left behind (its node died with the
/// last participant) ends on its own.
const KEEP: Duration = Duration::from_secs(7 * 24 * 3600);
/// Discord's only privacy level left: guild only.
const GUILD_ONLY: u8 = 2;

fn key(channel: Snowflake) -> String {
    format!("stage-instance:{channel}")
}

/// The live stage instance of `channel`.
pub async fn instance(ctx: &ServiceContext, channel: Snowflake) -> Result<Option<StageInstance>, ApiError> {
    let stored = ctx.kv.cache_get(&key(channel)).await?;
    Ok(stored.and_then(|s| serde_json::from_str(&s).ok()))
}

/// A stage channel the caller moderates: 400 (50024) for another type, 403 without the
/// moderator's permissions.
pub fn require_moderator(access: &ChannelAccess) -> Result<Snowflake, ApiError> {
    let guild = access.channel.guild_id.filter(|_| access.channel.kind == STAGE);
    let guild = guild.ok_or(ApiError::new(&code::WRONG_CHANNEL_TYPE))?;
    access.require_permission(MODERATOR)?;
    Ok(guild)
}

fn topic(topic: &str) -> Result<String, ApiError> {
    let topic = topic.trim();
    if topic.is_empty() || topic.chars().count() > 120 {
        return Err(ApiError::invalid_field("topic", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 120 in length."));
    }
    Ok(topic.to_owned())
}

/// Opens a stage: 400 (150006) when it is live already.
pub async fn start(ctx: &ServiceContext, access: &ChannelAccess, text: &str) -> Result<StageInstance, ApiError> {
    let guild_id = require_moderator(access)?;
    let stage = StageInstance {
        id: ctx.next_id(),
        guild_id,
        channel_id: access.channel.id,
        topic: topic(text)?,
        privacy_level: GUILD_ONLY,
        discoverable_disabled: true,
        guild_scheduled_event_id: None,
    };
    let value = serde_json::to_string(&stage).expect("stage instances serialise");
    if !ctx.kv.cache_set_if_absent(&key(stage.channel_id), &value, KEEP).await? {
        return Err(ApiError::new(&code::STAGE_ALREADY_OPEN));
    }
    announce(ctx, "STAGE_INSTANCE_CREATE", &stage).await;
    Ok(stage)
}

/// Changes a live stage's topic.
pub async fn retitle(ctx: &ServiceContext, access: &ChannelAccess, text: &str) -> Result<StageInstance, ApiError> {
    require_moderator(access)?;
    let mut stage = instance(ctx, access.channel.id).await?.ok_or(ApiError::new(&code::UNKNOWN_STAGE_INSTANCE))?;
    stage.topic = topic(text)?;
    let value = serde_json::to_string(&stage).expect("stage instances serialise");
    ctx.kv.cache_set(&key(stage.channel_id), &value, KEEP).await?;
    announce(ctx, "STAGE_INSTANCE_UPDATE", &stage).await;
    Ok(stage)
}

/// Ends a live stage; 404 (10067) when none runs.
pub async fn end(ctx: &ServiceContext, access: &ChannelAccess) -> Result<(), ApiError> {
    require_moderator(access)?;
    if !end_now(ctx, access.channel.id).await? {
        return Err(ApiError::new(&code::UNKNOWN_STAGE_INSTANCE));
    }
    Ok(())
}

/// Ends `channel`'s stage if one runs; true when this call ended it.
pub async fn end_now(ctx: &ServiceContext, channel: Snowflake) -> Result<bool, ApiError> {
    let Some(stage) = instance(ctx, channel).await? else { return Ok(false) };
    if !ctx.kv.cache_remove(&key(channel)).await? {
        return Ok(false);
    }
    announce(ctx, "STAGE_INSTANCE_DELETE", &stage).await;
    Ok(true)
}

async fn announce(ctx: &ServiceContext, name: &str, stage: &StageInstance) {
    let event = ctx.event(name, Some(stage.guild_id), Some(stage.channel_id), Vec::new(), stage);
    if let Err(error) = ctx.bus.publish(Arc::new(event)).await {
        tracing::warn!(%error, "stage instance event not published");
    }
}
