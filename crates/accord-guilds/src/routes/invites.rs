//! Invites: create, list, read (anonymously too), accept to join, delete. Creating and
//! deleting are recorded in the audit log.

use accord_api::invite::Invite;
use accord_core::time::now_ms;
use accord_core::{Permissions, Snowflake};
use accord_service::access::{ChannelAccess, GuildAccess};
use accord_service::audit::{self, AuditReason, action};
use accord_service::extract::{Json, Path, Query};
use accord_service::presence::count_online;
use accord_service::{ApiResult, Caller, ServiceContext, render};
use accord_store::{AcceptInvite, InviteRecord, MemberRecord, StoreError};
use axum::extract::State;
use rand::Rng;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::GuildError;
use crate::events::AuditLog;
use crate::{events, validate};

const CODE_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// Codes are 10 characters of 62: about 59 bits, unguessable at any request rate we allow.
const CODE_LEN: usize = 10;

fn new_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LEN).map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char).collect()
}

/// A code as clients send it: anything else cannot name an invite.
fn valid_code(code: &str) -> bool {
    (1..=32).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Renders an invite with its guild, channel, inviter and member count.
async fn render_invite(ctx: &ServiceContext, invite: &InviteRecord) -> Result<Invite, GuildError> {
    let guild = ctx.store.guild(invite.guild_id).await?.ok_or(GuildError::UnknownInvite)?;
    let channel = ctx.store.channel(invite.channel_id).await?.ok_or(GuildError::UnknownInvite)?;
    let inviter = ctx.store.user(invite.inviter_id).await?;
    let count = ctx.store.member_count(invite.guild_id).await?;
    Ok(render::invite(invite, &guild, &channel, inviter.as_ref(), count))
}

/// An invite as its audit log entries record it.
fn fields(invite: &InviteRecord) -> Value {
    json!({
        "code": invite.code,
        "channel_id": invite.channel_id,
        "inviter_id": invite.inviter_id,
        "uses": invite.uses,
        "max_uses": invite.max_uses,
        "max_age": invite.max_age,
        "temporary": invite.temporary,
        "flags": 0,
    })
}

#[derive(Debug, Deserialize)]
pub struct CreateInvite {
    #[serde(default)]
    max_age: Option<u32>,
    #[serde(default)]
    max_uses: Option<u32>,
    #[serde(default)]
    temporary: Option<bool>,
    /// Unless true, an equal invite the caller made for the channel, still usable, is
    /// answered instead of a new one (as on Discord).
    #[serde(default)]
    unique: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
pub struct InviteQuery {
    /// Adds the guild's approximate member and online counts.
    #[serde(default)]
    with_counts: Option<bool>,
    /// Accepted for compatibility: `expires_at` is always given.
    #[serde(default, rename = "with_expiration")]
    _with_expiration: Option<bool>,
}

/// `POST /channels/{channel.id}/invites` — CREATE_INSTANT_INVITE in the channel.
pub async fn create(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
    reason: AuditReason,
    Json(body): Json<CreateInvite>,
) -> ApiResult<axum::Json<Invite>> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    let guild = &access.in_guild()?.guild;
    access.require_permission(Permissions::CREATE_INSTANT_INVITE)?;
    let mut invite = InviteRecord {
        code: new_code(),
        guild_id: guild.id,
        channel_id,
        inviter_id: caller.user_id,
        max_age: validate::in_range("max_age", body.max_age.unwrap_or(86_400), 0, 604_800)?,
        max_uses: validate::in_range("max_uses", body.max_uses.unwrap_or(0), 0, 100)?,
        uses: 0,
        temporary: body.temporary.unwrap_or(false),
        created_ms: now_ms(),
    };
    let inviter = ctx.store.user(caller.user_id).await?;
    if body.unique != Some(true) {
        let now = now_ms();
        let equal = ctx.store.guild_invites(guild.id).await?.into_iter().find(|i| {
            (i.channel_id, i.inviter_id, i.max_age, i.max_uses, i.temporary)
                == (channel_id, caller.user_id, invite.max_age, invite.max_uses, invite.temporary)
                && i.is_usable(now)
        });
        if let Some(equal) = equal {
            return Ok(axum::Json(render_invite(&ctx, &equal).await?));
        }
    }
    let log = AuditLog::new(&ctx, guild.id, caller.user_id, &reason);
    for _ in 0..5 {
        let event = events::invite_create(&ctx, &invite, inviter.as_ref());
        let entry = log.entry(action::INVITE_CREATE, None, audit::created(&fields(&invite)));
        match ctx.store.create_invite(&invite, &[event, entry]).await {
            Ok(()) => {
                ctx.events_committed();
                let count = ctx.store.member_count(invite.guild_id).await?;
                return Ok(axum::Json(render::invite(&invite, guild, &access.channel, inviter.as_ref(), count)));
            }
            Err(StoreError::Conflict(_)) => invite.code = new_code(),
            Err(e) => return Err(e.into()),
        }
    }
    Err(GuildError::Store(StoreError::Internal("no free invite code after 5 tries".into())).into())
}

/// `GET /channels/{channel.id}/invites` — MANAGE_CHANNELS in the channel.
pub async fn list_for_channel(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
) -> ApiResult<axum::Json<Vec<Invite>>> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    let guild_id = access.in_guild()?.guild.id;
    access.require_permission(Permissions::MANAGE_CHANNELS)?;
    let invites = ctx.store.guild_invites(guild_id).await?;
    let mut out = Vec::new();
    for invite in invites.iter().filter(|i| i.channel_id == channel_id) {
        out.push(render_invite(&ctx, invite).await?);
    }
    Ok(axum::Json(out))
}

/// `GET /guilds/{guild.id}/invites` — MANAGE_GUILD.
pub async fn list_for_guild(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
) -> ApiResult<axum::Json<Vec<Invite>>> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    access.require_permission(Permissions::MANAGE_GUILD)?;
    let mut out = Vec::new();
    for invite in ctx.store.guild_invites(guild_id).await? {
        out.push(render_invite(&ctx, &invite).await?);
    }
    Ok(axum::Json(out))
}

/// A usable invite by code, or 404.
async fn usable(ctx: &ServiceContext, code: &str) -> Result<InviteRecord, GuildError> {
    if !valid_code(code) {
        return Err(GuildError::UnknownInvite);
    }
    let invite = ctx.store.invite(code).await?.ok_or(GuildError::UnknownInvite)?;
    if invite.is_usable(now_ms()) { Ok(invite) } else { Err(GuildError::UnknownInvite) }
}

/// `GET /invites/{invite.code}` — anyone, signed in or not, may look an invite up;
/// `with_counts` adds the guild's member and online counts.
pub async fn get(
    State(ctx): State<ServiceContext>,
    Path(code): Path<String>,
    Query(query): Query<InviteQuery>,
) -> ApiResult<axum::Json<Invite>> {
    let invite = usable(&ctx, &code).await?;
    let mut rendered = render_invite(&ctx, &invite).await?;
    if query.with_counts == Some(true) {
        rendered.approximate_presence_count = Some(count_online(&ctx, invite.guild_id).await?);
    } else {
        rendered.approximate_member_count = None;
    }
    Ok(axum::Json(rendered))
}

/// `POST /invites/{invite.code}` — joins the invite's guild (people only; bots are added by
/// a manager with `PUT /guilds/{id}/members/{bot}`).
pub async fn accept(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(code): Path<String>,
) -> ApiResult<axum::Json<Invite>> {
    if caller.is_bot() {
        return Err(GuildError::BotsCannotUse.into());
    }
    let invite = usable(&ctx, &code).await?;
    let user = ctx.store.user(caller.user_id).await?.ok_or(GuildError::UnknownUser)?;
    let guild = ctx.store.guild(invite.guild_id).await?.ok_or(GuildError::UnknownInvite)?;
    let member = MemberRecord::joining(guild.id, user.id, now_ms());
    let roles = ctx.store.guild_roles(guild.id).await?;
    let channels = ctx.store.guild_channels(guild.id).await?;
    let payload = events::guild_create(&ctx, &guild, &roles, &channels, &member, &user, &[]).await?;
    let mut events = vec![
        events::member(&ctx, "GUILD_MEMBER_ADD", &member, &user),
        events::guild_create_for(&ctx, user.id, &payload),
    ];
    events.extend(events::joined_presence(&ctx, guild.id, user.id).await);
    let joined = match ctx.store.accept_invite(&code, &member, now_ms(), &events).await? {
        AcceptInvite::Joined(i) => {
            ctx.events_committed();
            i
        }
        AcceptInvite::AlreadyMember(i) => i,
        AcceptInvite::Invalid => return Err(GuildError::UnknownInvite.into()),
        AcceptInvite::Banned => return Err(GuildError::Banned.into()),
    };
    Ok(axum::Json(render_invite(&ctx, &joined).await?))
}

/// `DELETE /invites/{invite.code}` — MANAGE_CHANNELS in its channel, or MANAGE_GUILD.
pub async fn delete(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(code): Path<String>,
    reason: AuditReason,
) -> ApiResult<axum::Json<Invite>> {
    if !valid_code(&code) {
        return Err(GuildError::UnknownInvite.into());
    }
    let invite = ctx.store.invite(&code).await?.ok_or(GuildError::UnknownInvite)?;
    let access = GuildAccess::load(ctx.store.as_ref(), invite.guild_id, caller.user_id).await?;
    let access = access.filter(|a| a.member.is_some()).ok_or(GuildError::UnknownInvite)?;
    let channel = ctx.store.channel(invite.channel_id).await?.ok_or(GuildError::UnknownInvite)?;
    let allowed = access.permissions().contains(Permissions::MANAGE_GUILD)
        || access.channel_permissions(&channel).contains(Permissions::MANAGE_CHANNELS);
    if !allowed {
        return Err(GuildError::MissingPermissions.into());
    }
    let rendered = render_invite(&ctx, &invite).await?;
    let entry = AuditLog::new(&ctx, invite.guild_id, caller.user_id, &reason).entry(
        action::INVITE_DELETE,
        None,
        audit::deleted(&fields(&invite)),
    );
    let event = events::invite_delete(&ctx, &invite);
    if !ctx.store.delete_invite(&code, &[event, entry]).await? {
        return Err(GuildError::UnknownInvite.into());
    }
    ctx.events_committed();
    Ok(axum::Json(rendered))
}
