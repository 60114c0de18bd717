//! Stages and voice states by REST (Discord's routes): `GET/PATCH
//! /guilds/{g}/voice-states/@me` (request to speak, step down or, as a moderator, up),
//! `GET/PATCH /guilds/{g}/voice-states/{user}` (a moderator lets someone speak or moves them
//! back to the audience), and `/stage-instances` (open, retitle, end a stage).

use accord_api::voice::{StageInstance, VoiceState};
use accord_core::time::{format_timestamp, now_ms};
use accord_core::{Permissions, Snowflake, code};
use accord_service::access::ChannelAccess;
use accord_service::extract::{Json, Path, nullable};
use accord_service::voice::{stage, state};
use accord_service::{ApiError, ApiResult, Caller, render};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;

use crate::Voice;

pub fn router() -> Router<Voice> {
    Router::new()
        .route("/guilds/{guild_id}/voice-states/@me", get(own_state).patch(modify_own))
        .route("/guilds/{guild_id}/voice-states/{user_id}", get(member_state).patch(modify_member))
        .route("/stage-instances", post(open))
        .route("/stage-instances/{channel_id}", get(read).patch(retitle).delete(end))
}

/// A member's voice state in a guild they share with the caller, with the member.
async fn shown_state(voice: &Voice, caller: Snowflake, guild: Snowflake, user: Snowflake) -> ApiResult<VoiceState> {
    accord_service::access::GuildAccess::require(voice.ctx.store.as_ref(), guild, caller).await?;
    let mut shown = state::state_of(&voice.ctx, guild, user).await?.ok_or(ApiError::new(&code::UNKNOWN_VOICE_STATE))?;
    let member = voice.ctx.store.member(guild, user).await?;
    let record = voice.ctx.store.user(user).await?;
    shown.member = member.map(|m| render::member(&m, record.as_ref()));
    Ok(shown)
}

async fn own_state(
    State(voice): State<Voice>,
    Caller(caller): Caller,
    Path(guild): Path<Snowflake>,
) -> ApiResult<axum::Json<VoiceState>> {
    Ok(axum::Json(shown_state(&voice, caller.user_id, guild, caller.user_id).await?))
}

async fn member_state(
    State(voice): State<Voice>,
    Caller(caller): Caller,
    Path((guild, user)): Path<(Snowflake, Snowflake)>,
) -> ApiResult<axum::Json<VoiceState>> {
    Ok(axum::Json(shown_state(&voice, caller.user_id, guild, user).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnChange {
    channel_id: Snowflake,
    #[serde(default)]
    suppress: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    request_to_speak_timestamp: Option<Option<String>>,
}

/// The stage the caller's `target` is on, as the caller sees it: 400 (40032) when the target
/// is not in `channel`, 400 (50024) when it is not a stage.
async fn on_stage(
    voice: &Voice,
    caller: Snowflake,
    guild: Snowflake,
    channel: Snowflake,
    target: Snowflake,
) -> ApiResult<ChannelAccess> {
    let access = ChannelAccess::require(voice.ctx.store.as_ref(), channel, caller).await?;
    if access.channel.guild_id != Some(guild) {
        return Err(ApiError::new(&code::UNKNOWN_CHANNEL));
    }
    if access.channel.kind != state::STAGE {
        return Err(ApiError::new(&code::WRONG_CHANNEL_TYPE));
    }
    let current = state::state_of(&voice.ctx, guild, target).await?;
    if current.and_then(|s| s.channel_id) != Some(channel) {
        return Err(ApiError::new(&code::TARGET_NOT_IN_VOICE));
    }
    Ok(access)
}

/// The caller raises their hand (REQUEST_TO_SPEAK), lowers it, steps down to the audience,
/// or, as a stage moderator, steps up to speak.
async fn modify_own(
    State(voice): State<Voice>,
    Caller(caller): Caller,
    Path(guild): Path<Snowflake>,
    Json(body): Json<OwnChange>,
) -> ApiResult<StatusCode> {
    let me = caller.user_id;
    let access = on_stage(&voice, me, guild, body.channel_id, me).await?;
    if let Some(Some(_)) = &body.request_to_speak_timestamp {
        access.require_permission(Permissions::REQUEST_TO_SPEAK)?;
    }
    if body.suppress == Some(false) {
        access.require_permission(Permissions::MUTE_MEMBERS)?;
    }
    let raised = body.request_to_speak_timestamp.map(|t| t.map(|_| format_timestamp(now_ms())));
    state::modify(&voice.ctx, guild, me, None, |s| {
        if let Some(raised) = &raised {
            s.request_to_speak_timestamp.clone_from(raised);
        }
        if let Some(suppress) = body.suppress {
            s.suppress = suppress;
        }
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberChange {
    channel_id: Snowflake,
    #[serde(default)]
    suppress: Option<bool>,
}

/// A stage moderator (MUTE_MEMBERS) lets a member speak, or sends them back to the audience.
async fn modify_member(
    State(voice): State<Voice>,
    Caller(caller): Caller,
    Path((guild, user)): Path<(Snowflake, Snowflake)>,
    Json(body): Json<MemberChange>,
) -> ApiResult<StatusCode> {
    let access = on_stage(&voice, caller.user_id, guild, body.channel_id, user).await?;
    access.require_permission(Permissions::MUTE_MEMBERS)?;
    if let Some(suppress) = body.suppress {
        state::modify(&voice.ctx, guild, user, None, |s| {
            s.suppress = suppress;
            s.request_to_speak_timestamp = None;
        })
        .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub struct OpenStage {
    channel_id: Snowflake,
    topic: String,
    /// Accepted for Discord's shape; every stage is guild-only.
    #[serde(default)]
    #[allow(dead_code)]
    privacy_level: Option<u8>,
    #[serde(default)]
    #[allow(dead_code)]
    send_start_notification: Option<bool>,
}

async fn open(
    State(voice): State<Voice>,
    Caller(caller): Caller,
    Json(body): Json<OpenStage>,
) -> ApiResult<axum::Json<StageInstance>> {
    let access = ChannelAccess::require(voice.ctx.store.as_ref(), body.channel_id, caller.user_id).await?;
    Ok(axum::Json(stage::start(&voice.ctx, &access, &body.topic).await?))
}

async fn read(
    State(voice): State<Voice>,
    Caller(caller): Caller,
    Path(channel): Path<Snowflake>,
) -> ApiResult<axum::Json<StageInstance>> {
    ChannelAccess::require(voice.ctx.store.as_ref(), channel, caller.user_id).await?;
    let live = stage::instance(&voice.ctx, channel).await?;
    Ok(axum::Json(live.ok_or(ApiError::new(&code::UNKNOWN_STAGE_INSTANCE))?))
}

#[derive(Debug, Deserialize)]
pub struct Retitle {
    topic: String,
    #[serde(default)]
    #[allow(dead_code)]
    privacy_level: Option<u8>,
}

async fn retitle(
    State(voice): State<Voice>,
    Caller(caller): Caller,
    Path(channel): Path<Snowflake>,
    Json(body): Json<Retitle>,
) -> ApiResult<axum::Json<StageInstance>> {
    let access = ChannelAccess::require(voice.ctx.store.as_ref(), channel, caller.user_id).await?;
    Ok(axum::Json(stage::retitle(&voice.ctx, &access, &body.topic).await?))
}

async fn end(
    State(voice): State<Voice>,
    Caller(caller): Caller,
    Path(channel): Path<Snowflake>,
) -> ApiResult<StatusCode> {
    let access = ChannelAccess::require(voice.ctx.store.as_ref(), channel, caller.user_id).await?;
    stage::end(&voice.ctx, &access).await?;
    Ok(StatusCode::NO_CONTENT)
}
