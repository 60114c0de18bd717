//! A guild's custom emoji: `GET/POST /guilds/{g}/emojis`, `GET/PATCH/DELETE
//! /guilds/{g}/emojis/{id}`. Creating needs CREATE_GUILD_EXPRESSIONS (or
//! MANAGE_GUILD_EXPRESSIONS); changing and deleting others' needs MANAGE_GUILD_EXPRESSIONS.
//! Each change sends GUILD_EMOJIS_UPDATE with the whole list, as Discord does, and is recorded
//! in the audit log.

use accord_core::{Permissions, Snowflake};
use accord_service::access::GuildAccess;
use accord_service::audit::{self, AuditReason, action};
use accord_service::extract::{Json, Path};
use accord_service::{ApiResult, Caller, ServiceContext, render};
use accord_store::{EmojiRecord, EventDraft};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{GuildError, invalid};
use crate::events::AuditLog;

/// Custom emoji a guild may hold, of each kind (static, animated): Discord's base level.
const MAX_PER_KIND: usize = 50;
/// Emoji images are small: Discord's limit.
const MAX_EMOJI_BYTES: usize = 256 * 1024;

fn valid_name(name: &str) -> Result<String, GuildError> {
    if accord_core::names::is_emoji_name(name) {
        Ok(name.to_owned())
    } else {
        Err(invalid("name", "Must be 2-32 characters of letters, digits and '_'."))
    }
}

/// Role ids must be the guild's roles (not @everyone).
fn valid_roles(access: &GuildAccess, roles: Vec<Snowflake>) -> Result<Vec<Snowflake>, GuildError> {
    if roles.iter().any(|r| *r == access.guild.id || access.role(*r).is_none()) {
        return Err(invalid("roles", "Unknown role."));
    }
    let mut roles = roles;
    roles.dedup();
    Ok(roles)
}

/// GUILD_EMOJIS_UPDATE with the list as it will be after the change.
fn emojis_update(ctx: &ServiceContext, guild_id: Snowflake, emojis: &[EmojiRecord]) -> EventDraft {
    let list: Vec<Value> = emojis.iter().map(render::emoji).collect();
    ctx.event("GUILD_EMOJIS_UPDATE", Some(guild_id), None, vec![], &json!({ "guild_id": guild_id, "emojis": list }))
}

pub async fn list(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
) -> ApiResult<axum::Json<Vec<Value>>> {
    GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    let emojis = ctx.store.guild_emojis(guild_id).await?;
    Ok(axum::Json(emojis.iter().map(render::emoji).collect()))
}

pub async fn get(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((guild_id, emoji_id)): Path<(Snowflake, Snowflake)>,
) -> ApiResult<axum::Json<Value>> {
    GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    let emoji = ctx.store.emoji(guild_id, emoji_id).await?.ok_or(GuildError::UnknownEmoji)?;
    Ok(axum::Json(render::emoji(&emoji)))
}

#[derive(Debug, Deserialize)]
pub struct CreateEmoji {
    name: String,
    /// A data URI: PNG, JPEG, WebP or GIF (animated when the GIF is), at most 256 KiB.
    image: String,
    #[serde(default)]
    roles: Vec<Snowflake>,
}

pub async fn create(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
    reason: AuditReason,
    Json(body): Json<CreateEmoji>,
) -> ApiResult<(StatusCode, axum::Json<Value>)> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    if !access.permissions().intersects(Permissions::CREATE_GUILD_EXPRESSIONS | Permissions::MANAGE_GUILD_EXPRESSIONS) {
        return Err(GuildError::MissingPermissions.into());
    }
    let name = valid_name(&body.name)?;
    let roles = valid_roles(&access, body.roles)?;
    let bytes = accord_files::parse_image_data_uri(&body.image, MAX_EMOJI_BYTES).map_err(|e| e.in_field("image"))?;
    let animated = accord_files::sniff::sniff(&bytes, "") == "image/gif";
    let mut emojis = ctx.store.guild_emojis(guild_id).await?;
    if emojis.iter().filter(|e| e.animated == animated).count() >= MAX_PER_KIND {
        return Err(GuildError::MaxEmojis.into());
    }
    let emoji = EmojiRecord {
        id: ctx.next_id(),
        guild_id,
        name,
        creator_id: Some(caller.user_id),
        animated,
        available: true,
        roles,
    };
    accord_files::store_image(ctx.blobs.as_ref(), accord_files::keys::emoji(emoji.id), bytes)
        .await
        .map_err(|e| e.in_field("image"))?;
    emojis.push(emoji.clone());
    let rendered = render::emoji(&emoji);
    let entry = AuditLog::new(&ctx, guild_id, caller.user_id, &reason).entry(
        action::EMOJI_CREATE,
        Some(emoji.id),
        audit::created(&rendered),
    );
    let event = emojis_update(&ctx, guild_id, &emojis);
    ctx.store.create_emoji(&emoji, &[event, entry]).await?;
    ctx.events_committed();
    Ok((StatusCode::CREATED, axum::Json(rendered)))
}

/// Changing or deleting an emoji: MANAGE_GUILD_EXPRESSIONS, or its creator with
/// CREATE_GUILD_EXPRESSIONS.
fn may_manage(access: &GuildAccess, emoji: &EmojiRecord, caller: Snowflake) -> Result<(), GuildError> {
    let permissions = access.permissions();
    let creator = emoji.creator_id == Some(caller) && permissions.contains(Permissions::CREATE_GUILD_EXPRESSIONS);
    if creator || permissions.contains(Permissions::MANAGE_GUILD_EXPRESSIONS) {
        Ok(())
    } else {
        Err(GuildError::MissingPermissions)
    }
}

#[derive(Debug, Deserialize)]
pub struct ModifyEmoji {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    roles: Option<Vec<Snowflake>>,
}

pub async fn modify(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((guild_id, emoji_id)): Path<(Snowflake, Snowflake)>,
    reason: AuditReason,
    Json(body): Json<ModifyEmoji>,
) -> ApiResult<axum::Json<Value>> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    let mut emojis = ctx.store.guild_emojis(guild_id).await?;
    let emoji = emojis.iter_mut().find(|e| e.id == emoji_id).ok_or(GuildError::UnknownEmoji)?;
    may_manage(&access, emoji, caller.user_id)?;
    let before = render::emoji(emoji);
    if let Some(name) = body.name {
        emoji.name = valid_name(&name)?;
    }
    if let Some(roles) = body.roles {
        emoji.roles = valid_roles(&access, roles)?;
    }
    let emoji = emoji.clone();
    let after = render::emoji(&emoji);
    let entry = AuditLog::new(&ctx, guild_id, caller.user_id, &reason).entry(
        action::EMOJI_UPDATE,
        Some(emoji_id),
        audit::changes(&before, &after),
    );
    let event = emojis_update(&ctx, guild_id, &emojis);
    if !ctx.store.update_emoji(&emoji, &[event, entry]).await? {
        return Err(GuildError::UnknownEmoji.into());
    }
    ctx.events_committed();
    Ok(axum::Json(after))
}

pub async fn delete(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((guild_id, emoji_id)): Path<(Snowflake, Snowflake)>,
    reason: AuditReason,
) -> ApiResult<StatusCode> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    let mut emojis = ctx.store.guild_emojis(guild_id).await?;
    let emoji = emojis.iter().find(|e| e.id == emoji_id).cloned().ok_or(GuildError::UnknownEmoji)?;
    may_manage(&access, &emoji, caller.user_id)?;
    emojis.retain(|e| e.id != emoji_id);
    let entry = AuditLog::new(&ctx, guild_id, caller.user_id, &reason).entry(
        action::EMOJI_DELETE,
        Some(emoji_id),
        audit::deleted(&render::emoji(&emoji)),
    );
    let event = emojis_update(&ctx, guild_id, &emojis);
    if !ctx.store.delete_emoji(guild_id, emoji_id, &[event, entry]).await? {
        return Err(GuildError::UnknownEmoji.into());
    }
    ctx.events_committed();
    if let Err(error) = ctx.blobs.delete(&accord_files::keys::emoji(emoji_id)).await {
        tracing::warn!(%error, emoji_id = %emoji_id, "could not delete an emoji's image");
    }
    Ok(StatusCode::NO_CONTENT)
}
