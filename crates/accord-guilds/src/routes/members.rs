//! Guild members: list, read, modify (nick, roles, voice mute/deafen, timeout), role
//! assignment, kick, leave, and adding a bot (the stand-in for OAuth2 bot authorization).
//! Every change but leaving is recorded in the audit log.

use accord_api::guild::Member;
use accord_core::time::now_ms;
use accord_core::{Permissions, Snowflake};
use accord_service::access::GuildAccess;
use accord_service::audit::{self, AuditReason, Change, action};
use accord_service::extract::{Json, Path, Query, nullable};
use accord_service::{ApiResult, Caller, ServiceContext, render, voice};
use accord_store::{EventDraft, MemberRecord, UserRecord};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{GuildError, invalid};
use crate::events::AuditLog;
use crate::thread_sync;
use crate::{events, validate};

/// The longest timeout Discord allows: 28 days.
const MAX_TIMEOUT_MS: u64 = 28 * 86_400 * 1000;
/// The member fields a MEMBER_UPDATE entry records (roles have MEMBER_ROLE_UPDATE).
const UPDATE_KEYS: [&str; 4] = ["nick", "mute", "deaf", "communication_disabled_until"];

#[derive(Debug, Deserialize)]
pub struct MemberPage {
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    after: Option<Snowflake>,
}

async fn user_of(ctx: &ServiceContext, id: Snowflake) -> Result<UserRecord, GuildError> {
    ctx.store.user(id).await?.ok_or(GuildError::UnknownUser)
}

/// `GET /guilds/{guild.id}/members?limit&after` — ascending by user id; limit 1..=1000, default 1.
pub async fn list(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
    Query(page): Query<MemberPage>,
) -> ApiResult<axum::Json<Vec<Member>>> {
    GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    let limit = validate::in_range("limit", page.limit.unwrap_or(1), 1, 1000)?;
    let members = ctx.store.members(guild_id, page.after, limit).await?;
    let ids: Vec<Snowflake> = members.iter().map(|m| m.user_id).collect();
    let users = ctx.store.users(&ids).await?;
    let out = members.iter().map(|m| render::member(m, users.iter().find(|u| u.id == m.user_id))).collect();
    Ok(axum::Json(out))
}

/// `GET /guilds/{guild.id}/members/{user.id}`
pub async fn get(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((guild_id, user_id)): Path<(Snowflake, Snowflake)>,
) -> ApiResult<axum::Json<Member>> {
    GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    let member = ctx.store.member(guild_id, user_id).await?.ok_or(GuildError::UnknownMember)?;
    let user = user_of(&ctx, user_id).await?;
    Ok(axum::Json(render::member(&member, Some(&user))))
}

#[derive(Debug, Deserialize)]
pub struct ModifyMember {
    #[serde(default, deserialize_with = "nullable")]
    nick: Option<Option<String>>,
    #[serde(default)]
    roles: Option<Vec<Snowflake>>,
    #[serde(default)]
    mute: Option<bool>,
    #[serde(default)]
    deaf: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    communication_disabled_until: Option<Option<String>>,
    /// Moves the member to another voice channel; null disconnects them.
    #[serde(default, deserialize_with = "nullable")]
    channel_id: Option<Option<Snowflake>>,
}

/// Applies a member edit, checking each part's permission and the hierarchy.
fn apply(access: &GuildAccess, target: &mut MemberRecord, body: ModifyMember, is_self: bool) -> Result<(), GuildError> {
    let perms = access.permissions();
    let need = |p: Permissions| if perms.contains(p) { Ok(()) } else { Err(GuildError::MissingPermissions) };
    let outranks = is_self || access.outranks(target);
    if let Some(nick) = body.nick {
        if is_self {
            need(Permissions::CHANGE_NICKNAME)?
        } else {
            need(Permissions::MANAGE_NICKNAMES)?
        }
        if !outranks {
            return Err(GuildError::MissingPermissions);
        }
        target.nick = nick.filter(|n| !n.is_empty()).map(|n| validate::name("nick", &n, 1, 32)).transpose()?;
    }
    if let Some(mut roles) = body.roles {
        need(Permissions::MANAGE_ROLES)?;
        roles.sort_unstable();
        roles.dedup();
        let changed = roles
            .iter()
            .filter(|r| !target.roles.contains(r))
            .chain(target.roles.iter().filter(|r| !roles.contains(r)));
        for role_id in changed {
            let role = access.role(*role_id).filter(|r| r.id != r.guild_id).ok_or(GuildError::UnknownRole)?;
            if !access.can_manage_role(role) || role.managed {
                return Err(GuildError::MissingPermissions);
            }
        }
        target.roles = roles;
    }
    if let Some(mute) = body.mute {
        need(Permissions::MUTE_MEMBERS)?;
        target.mute = mute;
    }
    if let Some(deaf) = body.deaf {
        need(Permissions::DEAFEN_MEMBERS)?;
        target.deaf = deaf;
    }
    if let Some(until) = body.communication_disabled_until {
        need(Permissions::MODERATE_MEMBERS)?;
        if is_self || !access.outranks(target) {
            return Err(GuildError::MissingPermissions);
        }
        target.communication_disabled_until_ms = match until {
            None => None,
            Some(s) => {
                let at = accord_core::time::parse_timestamp(&s)
                    .ok_or(invalid("communication_disabled_until", "Not an ISO 8601 timestamp."))?;
                if at > now_ms() + MAX_TIMEOUT_MS {
                    return Err(invalid("communication_disabled_until", "At most 28 days in the future."));
                }
                Some(at)
            }
        };
    }
    Ok(())
}

/// The audit log entries of a member edit: MEMBER_UPDATE for nick, voice and timeout changes,
/// MEMBER_ROLE_UPDATE for role changes.
fn entries(log: &AuditLog, access: &GuildAccess, before: &MemberRecord, after: &MemberRecord) -> Vec<EventDraft> {
    let mut updates = audit::changes(&render::member(before, None), &render::member(after, None));
    updates.retain(|c| UPDATE_KEYS.contains(&c.key.as_str()));
    let roles = role_changes(access, &before.roles, &after.roles);
    [(action::MEMBER_UPDATE, updates), (action::MEMBER_ROLE_UPDATE, roles)]
        .into_iter()
        .filter(|(_, changes)| !changes.is_empty())
        .map(|(action_type, changes)| log.entry(action_type, Some(after.user_id), changes))
        .collect()
}

/// Discord's `$add` and `$remove` changes: the roles gained and lost, each by id and name.
fn role_changes(access: &GuildAccess, before: &[Snowflake], after: &[Snowflake]) -> Vec<Change> {
    let named = |from: &[Snowflake], without: &[Snowflake]| -> Vec<Value> {
        let ids = from.iter().filter(|id| !without.contains(id));
        ids.map(|id| json!({ "id": id, "name": access.role(*id).map(|r| r.name.as_str()) })).collect()
    };
    [("$add", named(after, before)), ("$remove", named(before, after))]
        .into_iter()
        .filter(|(_, roles)| !roles.is_empty())
        .map(|(key, roles)| Change { key: key.to_owned(), old_value: None, new_value: Some(json!(roles)) })
        .collect()
}

async fn modify_member(
    ctx: &ServiceContext,
    caller: Snowflake,
    guild_id: Snowflake,
    user_id: Snowflake,
    reason: &AuditReason,
    body: ModifyMember,
) -> ApiResult<axum::Json<Member>> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller).await?;
    let mut member = ctx.store.member(guild_id, user_id).await?.ok_or(GuildError::UnknownMember)?;
    let before = member.clone();
    let voice_move = body.channel_id;
    apply(&access, &mut member, body, user_id == caller)?;
    let log = AuditLog::new(ctx, guild_id, caller, reason);
    let mut events = Vec::new();
    if let Some(target) = voice_move
        && voice::moderate::move_member(ctx, &access, user_id, target).await?
    {
        events.push(match target {
            Some(channel) => {
                let options = json!({ "channel_id": channel, "count": "1" });
                log.entry_with(action::MEMBER_MOVE, None, Vec::new(), Some(options))
            }
            None => log.entry_with(action::MEMBER_DISCONNECT, None, Vec::new(), Some(json!({ "count": "1" }))),
        });
    }
    let user = user_of(ctx, user_id).await?;
    events.push(events::member(ctx, "GUILD_MEMBER_UPDATE", &member, &user));
    events.extend(entries(&log, &access, &before, &member));
    events.extend(thread_sync::on_roles_changed(ctx, &access, &before, &member).await?);
    ctx.store.update_member(&member, &events).await?;
    ctx.events_committed();
    if (member.mute, member.deaf) != (before.mute, before.deaf) {
        voice::moderate::apply_member_flags(ctx, &member).await?;
    }
    Ok(axum::Json(render::member(&member, Some(&user))))
}

/// `PATCH /guilds/{guild.id}/members/{user.id}`
pub async fn modify(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((guild_id, user_id)): Path<(Snowflake, Snowflake)>,
    reason: AuditReason,
    Json(body): Json<ModifyMember>,
) -> ApiResult<axum::Json<Member>> {
    modify_member(&ctx, caller.user_id, guild_id, user_id, &reason, body).await
}

#[derive(Debug, Deserialize)]
pub struct ModifyMe {
    #[serde(default, deserialize_with = "nullable")]
    nick: Option<Option<String>>,
}

/// `PATCH /guilds/{guild.id}/members/@me` — the caller's own nick (CHANGE_NICKNAME).
pub async fn modify_me(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
    reason: AuditReason,
    Json(body): Json<ModifyMe>,
) -> ApiResult<axum::Json<Member>> {
    let edit = ModifyMember {
        nick: body.nick,
        roles: None,
        mute: None,
        deaf: None,
        communication_disabled_until: None,
        channel_id: None,
    };
    modify_member(&ctx, caller.user_id, guild_id, caller.user_id, &reason, edit).await
}

async fn change_role(
    ctx: &ServiceContext,
    caller: Snowflake,
    ids: (Snowflake, Snowflake, Snowflake),
    reason: &AuditReason,
    add: bool,
) -> ApiResult<StatusCode> {
    let (guild_id, user_id, role_id) = ids;
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller).await?;
    access.require_permission(Permissions::MANAGE_ROLES)?;
    let role = access.role(role_id).filter(|r| r.id != guild_id).ok_or(GuildError::UnknownRole)?;
    if !access.can_manage_role(role) || role.managed {
        return Err(GuildError::MissingPermissions.into());
    }
    let mut member = ctx.store.member(guild_id, user_id).await?.ok_or(GuildError::UnknownMember)?;
    let before = member.clone();
    let had = member.roles.contains(&role_id);
    if had == add {
        return Ok(StatusCode::NO_CONTENT);
    }
    if add {
        member.roles.push(role_id);
    } else {
        member.roles.retain(|r| *r != role_id);
    }
    let user = user_of(ctx, user_id).await?;
    let mut events = vec![events::member(ctx, "GUILD_MEMBER_UPDATE", &member, &user)];
    events.extend(entries(&AuditLog::new(ctx, guild_id, caller, reason), &access, &before, &member));
    events.extend(thread_sync::on_roles_changed(ctx, &access, &before, &member).await?);
    ctx.store.update_member(&member, &events).await?;
    ctx.events_committed();
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /guilds/{guild.id}/members/{user.id}/roles/{role.id}`
pub async fn add_role(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(ids): Path<(Snowflake, Snowflake, Snowflake)>,
    reason: AuditReason,
) -> ApiResult<StatusCode> {
    change_role(&ctx, caller.user_id, ids, &reason, true).await
}

/// `DELETE /guilds/{guild.id}/members/{user.id}/roles/{role.id}`
pub async fn remove_role(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(ids): Path<(Snowflake, Snowflake, Snowflake)>,
    reason: AuditReason,
) -> ApiResult<StatusCode> {
    change_role(&ctx, caller.user_id, ids, &reason, false).await
}

/// Removes a member with GUILD_MEMBER_REMOVE to the guild and GUILD_DELETE to them, and a
/// kick's audit log entry.
async fn remove(
    ctx: &ServiceContext,
    guild_id: Snowflake,
    user_id: Snowflake,
    kick: Option<EventDraft>,
) -> ApiResult<StatusCode> {
    let user = user_of(ctx, user_id).await?;
    let mut events =
        vec![events::member_remove(ctx, guild_id, &user), events::guild_delete(ctx, guild_id, vec![user_id])];
    events.extend(kick);
    if !ctx.store.remove_member(guild_id, user_id, &events).await? {
        return Err(GuildError::UnknownMember.into());
    }
    ctx.events_committed();
    voice::state::left_guild(ctx, guild_id, user_id).await;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /guilds/{guild.id}/members/{user.id}` — kick: KICK_MEMBERS and outranking the member.
pub async fn kick(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((guild_id, user_id)): Path<(Snowflake, Snowflake)>,
    reason: AuditReason,
) -> ApiResult<StatusCode> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    access.require_permission(Permissions::KICK_MEMBERS)?;
    let target = ctx.store.member(guild_id, user_id).await?.ok_or(GuildError::UnknownMember)?;
    if !access.outranks(&target) {
        return Err(GuildError::MissingPermissions.into());
    }
    let entry =
        AuditLog::new(&ctx, guild_id, caller.user_id, &reason).entry(action::MEMBER_KICK, Some(user_id), Vec::new());
    remove(&ctx, guild_id, user_id, Some(entry)).await
}

/// `DELETE /users/@me/guilds/{guild.id}` — leave; the owner must transfer or delete instead.
pub async fn leave(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
) -> ApiResult<StatusCode> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    if access.is_owner() {
        return Err(GuildError::OwnerCannotLeave.into());
    }
    remove(&ctx, guild_id, caller.user_id, None).await
}

/// `PUT /guilds/{guild.id}/members/{user.id}` — adds a bot (MANAGE_GUILD): 201 with the
/// member, or 204 when it is already a member. People join through invites.
pub async fn add_bot(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((guild_id, user_id)): Path<(Snowflake, Snowflake)>,
    reason: AuditReason,
) -> ApiResult<Response> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    access.require_permission(Permissions::MANAGE_GUILD)?;
    let bot = user_of(&ctx, user_id).await?;
    if !bot.bot {
        return Err(invalid("user_id", "Only bots can be added directly; people join through invites.").into());
    }
    if ctx.store.member(guild_id, user_id).await?.is_some() {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    if ctx.store.ban_of(guild_id, user_id).await?.is_some() {
        return Err(GuildError::Banned.into());
    }
    let member = MemberRecord::joining(guild_id, user_id, now_ms());
    let channels = ctx.store.guild_channels(guild_id).await?;
    let payload = events::guild_create(&ctx, &access.guild, &access.roles, &channels, &member, &bot, &[]).await?;
    let entry =
        AuditLog::new(&ctx, guild_id, caller.user_id, &reason).entry(action::BOT_ADD, Some(user_id), Vec::new());
    let mut events = vec![
        events::member(&ctx, "GUILD_MEMBER_ADD", &member, &bot),
        events::guild_create_for(&ctx, user_id, &payload),
        entry,
    ];
    events.extend(events::joined_presence(&ctx, guild_id, user_id).await);
    if !ctx.store.add_member(&member, &events).await? {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    ctx.events_committed();
    Ok((StatusCode::CREATED, axum::Json(render::member(&member, Some(&bot)))).into_response())
}
