//! Channel permission overwrites: `PUT` and `DELETE /channels/{id}/permissions/{overwrite_id}`,
//! each recorded in the audit log.

use accord_core::{Permissions, Snowflake};
use accord_service::access::{ChannelAccess, GuildAccess};
use accord_service::audit::{self, AuditReason, action};
use accord_service::extract::{Json, Path};
use accord_service::{ApiResult, Caller, ServiceContext};
use accord_store::{ChannelRecord, OverwriteRecord};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

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

/// An overwrite as its audit log entries record it: permissions as strings, as Discord's.
fn fields(overwrite: &OverwriteRecord) -> Value {
    json!({
        "id": overwrite.id,
        "type": overwrite.kind,
        "allow": overwrite.allow.to_string(),
        "deny": overwrite.deny.to_string(),
    })
}

/// An entry's options: the overwrite's id and type (and a role's name), as strings.
fn options(guild: &GuildAccess, overwrite: &OverwriteRecord) -> Value {
    let mut options = json!({ "id": overwrite.id, "type": overwrite.kind.to_string() });
    if let Some(role) = guild.role(overwrite.id).filter(|_| overwrite.kind == 0) {
        options["role_name"] = json!(role.name);
    }
    options
}

/// `PUT /channels/{channel.id}/permissions/{overwrite.id}` — MANAGE_ROLES.
pub async fn put(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((channel_id, overwrite_id)): Path<(Snowflake, Snowflake)>,
    reason: AuditReason,
    Json(body): Json<OverwriteBody>,
) -> ApiResult<StatusCode> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    let guild = access.in_guild()?;
    access.require_permission(Permissions::MANAGE_ROLES)?;
    let record = body.into_record(overwrite_id)?;
    check_grant(&ctx, guild, Some(&access.channel), &record).await?;
    let mut channel = access.channel.clone();
    let (action_type, changes) = match channel.overwrites.iter().find(|o| o.id == overwrite_id) {
        Some(old) => (action::CHANNEL_OVERWRITE_UPDATE, audit::changes(&fields(old), &fields(&record))),
        None => (action::CHANNEL_OVERWRITE_CREATE, audit::created(&fields(&record))),
    };
    let entry = events::AuditLog::new(&ctx, guild.guild.id, caller.user_id, &reason).entry_with(
        action_type,
        Some(channel_id),
        changes,
        Some(options(guild, &record)),
    );
    channel.overwrites.retain(|o| o.id != overwrite_id);
    channel.overwrites.push(record);
    let event = events::channel(&ctx, "CHANNEL_UPDATE", &channel);
    ctx.store.update_channel(&channel, &[event, entry]).await?;
    ctx.events_committed();
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /channels/{channel.id}/permissions/{overwrite.id}` — MANAGE_ROLES.
pub async fn delete(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((channel_id, overwrite_id)): Path<(Snowflake, Snowflake)>,
    reason: AuditReason,
) -> ApiResult<StatusCode> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    let guild = access.in_guild()?;
    access.require_permission(Permissions::MANAGE_ROLES)?;
    let mut channel = access.channel.clone();
    let old = channel.overwrites.iter().find(|o| o.id == overwrite_id).ok_or(GuildError::UnknownOverwrite)?;
    let entry = events::AuditLog::new(&ctx, guild.guild.id, caller.user_id, &reason).entry_with(
        action::CHANNEL_OVERWRITE_DELETE,
        Some(channel_id),
        audit::deleted(&fields(old)),
        Some(options(guild, old)),
    );
    channel.overwrites.retain(|o| o.id != overwrite_id);
    let event = events::channel(&ctx, "CHANNEL_UPDATE", &channel);
    ctx.store.update_channel(&channel, &[event, entry]).await?;
    ctx.events_committed();
    Ok(StatusCode::NO_CONTENT)
}
