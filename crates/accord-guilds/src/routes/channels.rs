//! Guild channels: list, create, read, modify, delete. Forum settings are [`super::forums`];
//! modifying or deleting a thread is [`super::threads`], a DM or group DM
//! [`super::private_channels`].

use accord_api::channel::Channel;
use accord_core::{Permissions, Snowflake};
use accord_service::access::{ChannelAccess, GuildAccess};
use accord_service::audit::{self, AuditReason, action};
use accord_service::extract::{Json, Path, nullable};
use accord_service::{ApiResult, Caller, ServiceContext, render};
use accord_store::{ChannelRecord, OverwriteRecord};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::forums::ForumBody;
use super::overwrites::{OverwriteBody, check_grant};
use super::private_channels;
use super::threads::{self, ThreadBody};
use crate::error::{GuildError, invalid};
use crate::{events, validate};

/// Channels a guild may have.
const MAX_CHANNELS: usize = 500;

/// `GET /guilds/{guild.id}/channels` — the channels the caller can see.
pub async fn list(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
) -> ApiResult<axum::Json<Vec<Channel>>> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    let channels = ctx.store.guild_channels(guild_id).await?;
    let visible = channels
        .iter()
        .filter(|c| access.channel_permissions(c).contains(Permissions::VIEW_CHANNEL))
        .map(render::channel)
        .collect();
    Ok(axum::Json(visible))
}

#[derive(Debug, Deserialize)]
pub struct CreateChannel {
    name: String,
    #[serde(default, rename = "type")]
    kind: Option<u8>,
    #[serde(default)]
    topic: Option<String>,
    #[serde(default)]
    bitrate: Option<u32>,
    #[serde(default)]
    user_limit: Option<u32>,
    #[serde(default)]
    rate_limit_per_user: Option<u32>,
    #[serde(default)]
    position: Option<i32>,
    #[serde(default)]
    parent_id: Option<Snowflake>,
    #[serde(default)]
    nsfw: Option<bool>,
    #[serde(default)]
    permission_overwrites: Option<Vec<OverwriteBody>>,
    #[serde(flatten)]
    forum: ForumBody,
}

/// `POST /guilds/{guild.id}/channels` — MANAGE_CHANNELS (and MANAGE_ROLES to set overwrites).
pub async fn create(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
    reason: AuditReason,
    Json(body): Json<CreateChannel>,
) -> ApiResult<(StatusCode, axum::Json<Channel>)> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    access.require_permission(Permissions::MANAGE_CHANNELS)?;
    let existing = ctx.store.guild_channels(guild_id).await?;
    if existing.len() >= MAX_CHANNELS {
        return Err(GuildError::MaxChannels.into());
    }
    let kind = validate::channel_kind(body.kind.unwrap_or(0))?;
    let mut channel = ChannelRecord {
        id: ctx.next_id(),
        guild_id: Some(guild_id),
        kind,
        name: validate::name("name", &body.name, 1, 100)?,
        position: body.position.unwrap_or_else(|| existing.iter().map(|c| c.position + 1).max().unwrap_or(0)),
        parent_id: None,
        topic: body.topic.as_deref().map(|t| validate::topic(t, kind)).transpose()?,
        nsfw: body.nsfw.unwrap_or(false),
        rate_limit_per_user: validate::in_range(
            "rate_limit_per_user",
            body.rate_limit_per_user.unwrap_or(0),
            0,
            21_600,
        )?,
        bitrate: None,
        user_limit: None,
        last_message_id: None,
        overwrites: Vec::new(),
        thread: None,
        forum: (kind == 15).then(accord_store::ForumRecord::default),
    };
    apply_voice_fields(&mut channel, body.bitrate, body.user_limit)?;
    body.forum.apply(&ctx, &mut channel)?;
    channel.parent_id = checked_parent(&existing, &channel, body.parent_id)?;
    if let Some(overwrites) = body.permission_overwrites {
        channel.overwrites = checked_overwrites(&ctx, &access, None, overwrites).await?;
    }
    let rendered = render::channel(&channel);
    let entry = events::AuditLog::new(&ctx, guild_id, caller.user_id, &reason).entry(
        action::CHANNEL_CREATE,
        Some(channel.id),
        audit::created(&rendered),
    );
    let event = events::channel(&ctx, "CHANNEL_CREATE", &channel);
    ctx.store.create_channel(&channel, &[event, entry]).await?;
    ctx.events_committed();
    Ok((StatusCode::CREATED, axum::Json(rendered)))
}

fn apply_voice_fields(
    channel: &mut ChannelRecord,
    bitrate: Option<u32>,
    user_limit: Option<u32>,
) -> Result<(), GuildError> {
    if render::is_voice_kind(channel.kind) {
        let current_bitrate = channel.bitrate.unwrap_or(64_000);
        channel.bitrate = Some(validate::in_range("bitrate", bitrate.unwrap_or(current_bitrate), 8_000, 384_000)?);
        let current_limit = channel.user_limit.unwrap_or(0);
        channel.user_limit = Some(validate::in_range("user_limit", user_limit.unwrap_or(current_limit), 0, 99)?);
    }
    Ok(())
}

/// A parent must be a category of the same guild, and categories have no parent.
fn checked_parent(
    channels: &[ChannelRecord],
    channel: &ChannelRecord,
    parent: Option<Snowflake>,
) -> Result<Option<Snowflake>, GuildError> {
    let Some(parent) = parent else { return Ok(None) };
    let is_category = channels.iter().any(|c| c.id == parent && c.kind == 4);
    if channel.kind == 4 || !is_category || parent == channel.id {
        return Err(invalid("parent_id", "Must be a category of this guild."));
    }
    Ok(Some(parent))
}

/// Validates overwrites from a body: targets exist, and the caller only grants or denies
/// what they hold themselves (MANAGE_ROLES required).
async fn checked_overwrites(
    ctx: &ServiceContext,
    access: &GuildAccess,
    channel: Option<&ChannelRecord>,
    bodies: Vec<OverwriteBody>,
) -> Result<Vec<OverwriteRecord>, accord_service::ApiError> {
    if bodies.len() > 100 {
        return Err(invalid("permission_overwrites", "At most 100 overwrites.").into());
    }
    let mut out: Vec<OverwriteRecord> = Vec::with_capacity(bodies.len());
    for body in bodies {
        let id = body.id.ok_or(invalid("permission_overwrites", "Each overwrite needs an id."))?;
        let record = body.into_record(id)?;
        check_grant(ctx, access, channel, &record).await?;
        out.retain(|o| o.id != record.id || o.kind != record.kind);
        out.push(record);
    }
    Ok(out)
}

/// `GET /channels/{channel.id}`
pub async fn get(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
) -> ApiResult<Response> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    if let Some(private) = &access.private {
        let view = accord_service::private::view(ctx.store.as_ref(), private, caller.user_id).await?;
        return Ok(axum::Json(view).into_response());
    }
    Ok(axum::Json(render::channel(&access.channel)).into_response())
}

/// The body of `PATCH /channels/{channel.id}`, for channels and threads alike: the fields
/// one kind does not have are form errors on the other.
#[derive(Debug, Deserialize)]
pub struct ModifyChannel {
    #[serde(default)]
    pub(super) name: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<u8>,
    #[serde(default)]
    position: Option<i32>,
    #[serde(default, deserialize_with = "nullable")]
    topic: Option<Option<String>>,
    #[serde(default)]
    nsfw: Option<bool>,
    #[serde(default)]
    pub(super) rate_limit_per_user: Option<u32>,
    #[serde(default)]
    bitrate: Option<u32>,
    #[serde(default)]
    user_limit: Option<u32>,
    #[serde(default, deserialize_with = "nullable")]
    parent_id: Option<Option<Snowflake>>,
    #[serde(default)]
    permission_overwrites: Option<Vec<OverwriteBody>>,
    /// Group DMs only: a `data:image/...;base64,` URI, or null to clear it.
    #[serde(default, deserialize_with = "nullable")]
    pub(super) icon: Option<Option<String>>,
    #[serde(flatten)]
    forum: ForumBody,
    #[serde(flatten)]
    pub(super) thread: ThreadBody,
}

impl ModifyChannel {
    /// The first field given that threads do not have, if any.
    pub(super) fn channel_only_field(&self) -> Option<&'static str> {
        [
            ("type", self.kind.is_some()),
            ("position", self.position.is_some()),
            ("topic", self.topic.is_some()),
            ("nsfw", self.nsfw.is_some()),
            ("bitrate", self.bitrate.is_some()),
            ("user_limit", self.user_limit.is_some()),
            ("parent_id", self.parent_id.is_some()),
            ("permission_overwrites", self.permission_overwrites.is_some()),
        ]
        .into_iter()
        .find_map(|(field, given)| given.then_some(field))
        .or_else(|| self.forum.first_given())
    }
}

/// `PATCH /channels/{channel.id}` — MANAGE_CHANNELS in the channel; threads go to
/// [`threads::modify`], group DMs to [`private_channels::modify`].
pub async fn modify(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
    reason: AuditReason,
    Json(body): Json<ModifyChannel>,
) -> ApiResult<Response> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    if let Some(private) = access.private {
        return Ok(axum::Json(private_channels::modify(&ctx, caller.user_id, private, body).await?).into_response());
    }
    if access.channel.is_thread() {
        return Ok(threads::modify(&ctx, caller.user_id, &reason, access, body).await?.into_response());
    }
    access.require_permission(Permissions::MANAGE_CHANNELS)?;
    if let Some(field) = body.thread.first_given() {
        return Err(invalid(field, "Only threads have this field.").into());
    }
    if body.icon.is_some() {
        return Err(invalid("icon", "Only group DMs have this field.").into());
    }
    let guild = access.in_guild()?;
    let mut channel = access.channel.clone();
    if let Some(name) = &body.name {
        channel.name = validate::name("name", name, 1, 100)?;
    }
    if let Some(kind) = body.kind {
        let switch = matches!((channel.kind, kind), (0, 5) | (5, 0));
        if kind != channel.kind && !switch {
            return Err(invalid("type", "Only text and announcement channels can be converted.").into());
        }
        channel.kind = kind;
    }
    if let Some(position) = body.position {
        channel.position = position;
    }
    if let Some(topic) = body.topic {
        channel.topic = topic.as_deref().map(|t| validate::topic(t, channel.kind)).transpose()?;
    }
    if let Some(nsfw) = body.nsfw {
        channel.nsfw = nsfw;
    }
    if let Some(rate) = body.rate_limit_per_user {
        channel.rate_limit_per_user = validate::in_range("rate_limit_per_user", rate, 0, 21_600)?;
    }
    apply_voice_fields(&mut channel, body.bitrate, body.user_limit)?;
    body.forum.apply(&ctx, &mut channel)?;
    if let Some(parent) = body.parent_id {
        let siblings = ctx.store.guild_channels(guild.guild.id).await?;
        channel.parent_id = checked_parent(&siblings, &channel, parent)?;
    }
    if let Some(overwrites) = body.permission_overwrites {
        access.require_permission(Permissions::MANAGE_ROLES)?;
        channel.overwrites = checked_overwrites(&ctx, guild, Some(&access.channel), overwrites).await?;
    }
    let (before, after) = (render::channel(&access.channel), render::channel(&channel));
    let entry = events::AuditLog::new(&ctx, guild.guild.id, caller.user_id, &reason).entry(
        action::CHANNEL_UPDATE,
        Some(channel_id),
        audit::changes(&before, &after),
    );
    let event = events::channel(&ctx, "CHANNEL_UPDATE", &channel);
    ctx.store.update_channel(&channel, &[event, entry]).await?;
    ctx.events_committed();
    Ok(axum::Json(after).into_response())
}

/// `DELETE /channels/{channel.id}` — MANAGE_CHANNELS in the channel; answers the deleted channel
/// (whose threads go with it). Threads go to [`threads::delete`], DMs and group DMs to
/// [`private_channels::delete`].
pub async fn delete(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
    reason: AuditReason,
) -> ApiResult<Response> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    if let Some(private) = access.private {
        return Ok(axum::Json(private_channels::delete(&ctx, caller.user_id, private).await?).into_response());
    }
    if access.channel.is_thread() {
        return Ok(threads::delete(&ctx, caller.user_id, &reason, access).await?.into_response());
    }
    access.require_permission(Permissions::MANAGE_CHANNELS)?;
    let guild_id = access.in_guild()?.guild.id;
    let with_threads = crate::files::with_threads(&ctx, &access.channel).await?;
    let rendered = render::channel(&access.channel);
    let entry = events::AuditLog::new(&ctx, guild_id, caller.user_id, &reason).entry(
        action::CHANNEL_DELETE,
        Some(channel_id),
        audit::deleted(&rendered),
    );
    let event = events::channel(&ctx, "CHANNEL_DELETE", &access.channel);
    let voice = render::is_voice_kind(access.channel.kind);
    // Everyone leaves while the channel still exists, so the gateways can still tell who may
    // see the leave; a join racing the deletion is swept up after it.
    if voice {
        accord_service::voice::state::channel_deleted(&ctx, guild_id, channel_id).await;
    }
    if !ctx.store.delete_channel(channel_id, &[event, entry]).await? {
        return Err(GuildError::UnknownChannel.into());
    }
    ctx.events_committed();
    crate::files::remove_later(&ctx, with_threads, None, Vec::new());
    if voice {
        accord_service::voice::state::channel_deleted(&ctx, guild_id, channel_id).await;
    }
    Ok(axum::Json(rendered).into_response())
}
