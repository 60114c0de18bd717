//! Channel permission overwrites: `PUT` and `DELETE /channels/{id}/permissions/{overwrite_id}`.

use accord_core::{Permissions, Snowflake};
use accord_service::access::{ChannelAccess, GuildAccess};
use accord_service::extract::{Json, Path};
use accord_service::{ApiResult, Caller, ServiceContext};
use accord_store::{ChannelRecord, OverwriteRecord};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use crate::error::{GuildError, invalid};
use crate::events;

/// An overwrite as clients send it.
#[derive(Debug, Deserialize)]
pub struct OverwriteBody {
    /// In channel bodies; the path carries it for `PUT .../permissions/{id}`.
    #[serde(default)]
    pub id: Option<Snowflake>,
    #[serde(rename = "type")]
    pub kind: u8,
    #[serde(default)]
    pub allow: Option<Permissions>,
    #[serde(default)]
    pub deny: Option<Permissions>,
}

impl OverwriteBody {
    pub fn into_record(self, id: Snowflake) -> Result<OverwriteRecord, GuildError> {
        if self.kind > 1 {
            return Err(invalid("type", "Must be 0 (role) or 1 (member)."));
        }
        Ok(OverwriteRecord {
            id,
            kind: self.kind,
            allow: self.allow.unwrap_or_default().bits(),
            deny: self.deny.unwrap_or_default().bits(),
        })
    }
}

/// The target must exist (a role of the guild, or a member), and the caller may only allow or
/// deny permissions they hold (in the channel when it exists); holders of every permission
/// (owner, administrators) may set anything.
pub async fn check_grant(
    ctx: &ServiceContext,
    access: &GuildAccess,
    channel: Option<&ChannelRecord>,
    overwrite: &OverwriteRecord,
) -> Result<(), GuildError> {
    let guild_id = access.guild.id;
    if overwrite.kind == 0 && access.role(overwrite.id).is_none() {
        return Err(GuildError::UnknownRole);
    }
    if overwrite.kind == 1 && ctx.store.member(guild_id, overwrite.id).await?.is_none() {
        return Err(GuildError::UnknownMember);
    }
    let held = match channel {
        Some(c) => access.channel_permissions(c),
        None => access.permissions(),
    };
    if !access.permissions().contains(Permissions::MANAGE_ROLES) {
        return Err(GuildError::MissingPermissions);
    }
    let touched = Permissions::from_bits_truncate(overwrite.allow | overwrite.deny);
    if held != Permissions::all() && !held.contains(touched) {
        return Err(GuildError::MissingPermissions);
    }
    Ok(())
}

/// `PUT /channels/{channel.id}/permissions/{overwrite.id}` — MANAGE_ROLES.
pub async fn put(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((channel_id, overwrite_id)): Path<(Snowflake, Snowflake)>,
    Json(body): Json<OverwriteBody>,
) -> ApiResult<StatusCode> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    let guild = access.in_guild()?;
    access.require_permission(Permissions::MANAGE_ROLES)?;
    let record = body.into_record(overwrite_id)?;
    check_grant(&ctx, guild, Some(&access.channel), &record).await?;
    let mut channel = access.channel.clone();
    channel.overwrites.retain(|o| o.id != overwrite_id);
    channel.overwrites.push(record);
    let event = events::channel(&ctx, "CHANNEL_UPDATE", &channel);
    ctx.store.update_channel(&channel, &[event]).await?;
    ctx.events_committed();
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /channels/{channel.id}/permissions/{overwrite.id}` — MANAGE_ROLES.
pub async fn delete(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((channel_id, overwrite_id)): Path<(Snowflake, Snowflake)>,
) -> ApiResult<StatusCode> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    access.in_guild()?;
    access.require_permission(Permissions::MANAGE_ROLES)?;
    let mut channel = access.channel.clone();
    let before = channel.overwrites.len();
    channel.overwrites.retain(|o| o.id != overwrite_id);
    if channel.overwrites.len() == before {
        return Err(GuildError::UnknownOverwrite.into());
    }
    let event = events::channel(&ctx, "CHANNEL_UPDATE", &channel);
    ctx.store.update_channel(&channel, &[event]).await?;
    ctx.events_committed();
    Ok(StatusCode::NO_CONTENT)
}
