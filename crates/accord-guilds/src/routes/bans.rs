//! Bans: `PUT/GET/DELETE /guilds/{g}/bans/{u}`, `GET /guilds/{g}/bans`, and
//! `POST /guilds/{g}/bulk-ban`, all with BAN_MEMBERS. A ban removes the member (whom the
//! moderator must outrank), may delete their recent messages, and keeps them from joining
//! again; each ban and unban is in the audit log.

use std::collections::HashMap;

use accord_core::time::now_ms;
use accord_core::{Permissions, Snowflake};
use accord_service::access::GuildAccess;
use accord_service::audience::Audience;
use accord_service::audit::{self, AuditReason, Entry, action};
use accord_service::extract::{Json, Path, Query, parse_json};
use accord_service::{ApiError, ApiResult, Caller, ServiceContext, render};
use accord_store::{BanOutcome, BanRecord, EventDraft};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{GuildError, invalid};
use crate::events;

/// The furthest back a ban deletes messages: seven days.
const MAX_DELETE_SECONDS: u64 = 604_800;
/// The most users one bulk ban takes.
const MAX_BULK: usize = 200;

#[derive(Debug, Default, Deserialize)]
pub struct BanBody {
    #[serde(default)]
    delete_message_seconds: Option<u64>,
    /// Deprecated by Discord, still sent by older libraries.
    #[serde(default)]
    delete_message_days: Option<u64>,
}

impl BanBody {
    fn delete_seconds(&self) -> Result<u64, GuildError> {
        let seconds = self.delete_message_seconds.or(self.delete_message_days.map(|d| d.saturating_mul(86_400)));
        match seconds.unwrap_or(0) {
            s if s > MAX_DELETE_SECONDS => Err(invalid("delete_message_seconds", "At most 604800 (seven days).")),
            s => Ok(s),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct BulkBan {
    user_ids: Vec<Snowflake>,
    #[serde(default)]
    delete_message_seconds: Option<u64>,
}

#[derive(Debug, Deserialize)]
pub struct BanPage {
    #[serde(default)]
    before: Option<Snowflake>,
    #[serde(default)]
    after: Option<Snowflake>,
    #[serde(default)]
    limit: Option<u32>,
}

/// `PUT /guilds/{g}/bans/{u}` — 204, also when they were banned already.
pub async fn ban(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((guild_id, user_id)): Path<(Snowflake, Snowflake)>,
    reason: AuditReason,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let body: BanBody = if body.is_empty() { BanBody::default() } else { parse_json(&body)? };
    let access = moderator(&ctx, guild_id, caller.user_id).await?;
    let seconds = body.delete_seconds()?;
    ban_one(&ctx, &access, caller.user_id, user_id, seconds, &reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /guilds/{g}/bulk-ban` — BAN_MEMBERS and MANAGE_GUILD; up to 200 users, each banned
/// as by one ban; answers who was banned and who was not (already banned, unknown, or not
/// outranked).
pub async fn bulk_ban(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
    reason: AuditReason,
    Json(body): Json<BulkBan>,
) -> ApiResult<axum::Json<Value>> {
    let access = moderator(&ctx, guild_id, caller.user_id).await?;
    access.require_permission(Permissions::MANAGE_GUILD)?;
    if body.user_ids.is_empty() || body.user_ids.len() > MAX_BULK {
        return Err(invalid("user_ids", "Give 1 to 200 users.").into());
    }
    let seconds =
        BanBody { delete_message_seconds: body.delete_message_seconds, delete_message_days: None }.delete_seconds()?;
    let (mut banned, mut failed) = (Vec::new(), Vec::new());
    for user_id in body.user_ids {
        match ban_one(&ctx, &access, caller.user_id, user_id, seconds, &reason).await {
            Ok(outcome) if !outcome.already_banned => banned.push(user_id),
            Ok(_) => failed.push(user_id),
            Err(error) if error.code.status < 500 => failed.push(user_id),
            Err(error) => return Err(error),
        }
    }
    Ok(axum::Json(json!({ "banned_users": banned, "failed_users": failed })))
}

/// `GET /guilds/{g}/bans` — `{reason, user}` by ascending user id, paged by `before`/`after`.
pub async fn list(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
    Query(page): Query<BanPage>,
) -> ApiResult<axum::Json<Vec<Value>>> {
    moderator(&ctx, guild_id, caller.user_id).await?;
    let limit = page.limit.unwrap_or(1000);
    if !(1..=1000).contains(&limit) {
        return Err(invalid("limit", "Must be between 1 and 1000.").into());
    }
    let bans = ctx.store.bans(guild_id, page.before, page.after, limit).await?;
    rendered(&ctx, &bans).await.map(axum::Json)
}

/// `GET /guilds/{g}/bans/{u}`
pub async fn get(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((guild_id, user_id)): Path<(Snowflake, Snowflake)>,
) -> ApiResult<axum::Json<Value>> {
    moderator(&ctx, guild_id, caller.user_id).await?;
    let ban = ctx.store.ban_of(guild_id, user_id).await?.ok_or(GuildError::UnknownBan)?;
    let mut one = rendered(&ctx, &[ban]).await?;
    one.pop().map(axum::Json).ok_or_else(|| GuildError::UnknownBan.into())
}

/// `DELETE /guilds/{g}/bans/{u}` — GUILD_BAN_REMOVE; 404 Unknown Ban when there was none.
pub async fn unban(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((guild_id, user_id)): Path<(Snowflake, Snowflake)>,
    reason: AuditReason,
) -> ApiResult<StatusCode> {
    moderator(&ctx, guild_id, caller.user_id).await?;
    let user = ctx.store.user(user_id).await?.ok_or(GuildError::UnknownBan)?;
    let data = json!({ "guild_id": guild_id, "user": render::user(&user) });
    let events = [
        ctx.event("GUILD_BAN_REMOVE", Some(guild_id), None, Vec::new(), &data),
        audit::entry(
            &ctx,
            Entry {
                guild_id,
                user_id: caller.user_id,
                action_type: action::MEMBER_BAN_REMOVE,
                target_id: Some(user_id),
                changes: Vec::new(),
                options: None,
                reason: &reason,
            },
        ),
    ];
    if !ctx.store.unban(guild_id, user_id, &events).await? {
        return Err(GuildError::UnknownBan.into());
    }
    ctx.events_committed();
    Ok(StatusCode::NO_CONTENT)
}

/// The guild of a caller with BAN_MEMBERS: 404 for non-members, 403 without it.
async fn moderator(ctx: &ServiceContext, guild_id: Snowflake, caller: Snowflake) -> Result<GuildAccess, ApiError> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller).await?;
    access.require_permission(Permissions::BAN_MEMBERS)?;
    Ok(access)
}

async fn rendered(ctx: &ServiceContext, bans: &[BanRecord]) -> ApiResult<Vec<Value>> {
    let ids: Vec<Snowflake> = bans.iter().map(|b| b.user_id).collect();
    let users = ctx.store.users(&ids).await?;
    Ok(bans
        .iter()
        .filter_map(|b| {
            let user = users.iter().find(|u| u.id == b.user_id)?;
            Some(json!({ "reason": b.reason, "user": render::user(user) }))
        })
        .collect())
}

/// Bans one user. The guild's owner, the moderator themself and members the moderator does
/// not outrank cannot be banned (403).
async fn ban_one(
    ctx: &ServiceContext,
    access: &GuildAccess,
    actor: Snowflake,
    user_id: Snowflake,
    delete_seconds: u64,
    reason: &AuditReason,
) -> Result<BanOutcome, ApiError> {
    let guild_id = access.guild.id;
    let user = ctx.store.user(user_id).await?.ok_or(GuildError::UnknownUser)?;
    if user_id == access.guild.owner_id || user_id == actor {
        return Err(GuildError::MissingPermissions.into());
    }
    if let Some(target) = ctx.store.member(guild_id, user_id).await?
        && !access.outranks(&target)
    {
        return Err(GuildError::MissingPermissions.into());
    }
    let now = now_ms();
    let delete_from = (delete_seconds > 0)
        .then(|| Snowflake::new(Snowflake::floor_at(now.saturating_sub(delete_seconds * 1000))))
        .flatten();
    let audiences = channel_audiences(ctx, guild_id).await?;
    let record = BanRecord { guild_id, user_id, reason: reason.0.clone(), created_ms: now };
    let events = |outcome: &BanOutcome| -> Vec<EventDraft> {
        let data = json!({ "guild_id": guild_id, "user": render::user(&user) });
        let mut events = vec![ctx.event("GUILD_BAN_ADD", Some(guild_id), None, Vec::new(), &data)];
        if outcome.was_member {
            events.push(events::member_remove(ctx, guild_id, &user));
            events.push(events::guild_delete(ctx, guild_id, vec![user_id]));
        }
        for (channel_id, ids) in &outcome.deleted {
            // Messages of threads no one has open (archived ones) need no live delete.
            let Some(audience) = audiences.get(channel_id) else { continue };
            let data = json!({ "ids": ids, "channel_id": channel_id, "guild_id": guild_id });
            events.push(audience.event(ctx, "MESSAGE_DELETE_BULK", &data));
        }
        let options = json!({ "delete_message_seconds": delete_seconds.to_string() });
        events.push(audit::entry(
            ctx,
            Entry {
                guild_id,
                user_id: actor,
                action_type: action::MEMBER_BAN_ADD,
                target_id: Some(user_id),
                changes: Vec::new(),
                options: Some(options),
                reason,
            },
        ));
        events
    };
    let outcome = ctx.store.ban(&record, delete_from, &events).await?;
    if !outcome.already_banned {
        ctx.events_committed();
    }
    if outcome.was_member {
        accord_service::voice::state::left_guild(ctx, guild_id, user_id).await;
    }
    Ok(outcome)
}

/// Who may see each of the guild's channels and active threads.
async fn channel_audiences(ctx: &ServiceContext, guild_id: Snowflake) -> ApiResult<HashMap<Snowflake, Audience>> {
    let store = ctx.store.as_ref();
    let mut audiences = HashMap::new();
    let channels = store.guild_channels(guild_id).await?.into_iter().chain(store.active_threads(guild_id).await?);
    for channel in channels {
        audiences.insert(channel.id, Audience::of(store, &channel).await?);
    }
    Ok(audiences)
}
