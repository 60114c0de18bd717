//! Guild create, read, modify and delete; the caller's guild list.

use accord_api::guild::{Guild, PartialGuild};
use accord_core::time::now_ms;
use accord_core::{Permissions, Snowflake};
use accord_files::keys;
use accord_service::access::GuildAccess;
use accord_service::audit::{self, AuditReason, action};
use accord_service::extract::{Json, Path, Query, nullable};
use accord_service::{ApiResult, Caller, ServiceContext, render};
use accord_store::guilds::NewGuild;
use accord_store::{ChannelRecord, GuildRecord, MemberRecord, RoleRecord};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use crate::error::{GuildError, invalid};
use crate::{events, validate};

/// Guilds a user may belong to.
const MAX_GUILDS_PER_USER: usize = 100;

#[derive(Debug, Deserialize)]
pub struct CreateGuild {
    name: String,
    #[serde(default)]
    description: Option<String>,
}

fn new_channel(ctx: &ServiceContext, guild_id: Snowflake, kind: u8, name: &str) -> ChannelRecord {
    ChannelRecord {
        id: ctx.next_id(),
        guild_id: Some(guild_id),
        kind,
        name: name.into(),
        position: 0,
        parent_id: None,
        topic: None,
        nsfw: false,
        rate_limit_per_user: 0,
        bitrate: (kind == 2).then_some(64_000),
        user_limit: (kind == 2).then_some(0),
        last_message_id: None,
        overwrites: Vec::new(),
        thread: None,
        forum: None,
    }
}

/// `POST /guilds` — the caller becomes owner; the guild starts with @everyone, a `general`
/// text channel and a `General` voice channel.
pub async fn create(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Json(body): Json<CreateGuild>,
) -> ApiResult<(StatusCode, axum::Json<Guild>)> {
    let name = validate::name("name", &body.name, 2, 100)?;
    let description = match body.description {
        Some(d) if d.chars().count() > 120 => {
            return Err(invalid("description", "Must be at most 120 characters.").into());
        }
        other => other,
    };
    let owner = ctx.store.user(caller.user_id).await?.ok_or(GuildError::UnknownUser)?;
    if ctx.store.guilds_of_user(owner.id, None, MAX_GUILDS_PER_USER as u32).await?.len() >= MAX_GUILDS_PER_USER {
        return Err(GuildError::MaxGuilds.into());
    }
    let id = ctx.next_id();
    let text = new_channel(&ctx, id, 0, "general");
    let voice = new_channel(&ctx, id, 2, "General");
    let guild = GuildRecord {
        id,
        name,
        icon: None,
        description,
        owner_id: owner.id,
        verification_level: 0,
        default_message_notifications: 0,
        explicit_content_filter: 0,
        afk_channel_id: None,
        afk_timeout: 300,
        system_channel_id: Some(text.id),
        preferred_locale: "en-US".into(),
    };
    let everyone = RoleRecord {
        id,
        guild_id: id,
        name: "@everyone".into(),
        color: 0,
        hoist: false,
        position: 0,
        permissions: Permissions::DEFAULT_EVERYONE.bits(),
        managed: false,
        mentionable: false,
    };
    let member = MemberRecord::joining(id, owner.id, now_ms());
    let new = NewGuild { guild, roles: vec![everyone], channels: vec![text, voice], owner: member };
    let payload = events::guild_create(&ctx, &new.guild, &new.roles, &new.channels, &new.owner, &owner, &[]).await?;
    let event = events::guild_create_for(&ctx, owner.id, &payload);
    ctx.store.create_guild(&new, &[event]).await?;
    ctx.events_committed();
    Ok((StatusCode::CREATED, axum::Json(render::guild(&new.guild, &new.roles))))
}

#[derive(Debug, Deserialize)]
pub struct WithCounts {
    #[serde(default)]
    with_counts: Option<bool>,
}

/// `GET /guilds/{guild.id}` — members only.
pub async fn get(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
    Query(query): Query<WithCounts>,
) -> ApiResult<axum::Json<Guild>> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    let mut guild = render::guild(&access.guild, &access.roles);
    guild.emojis = ctx.store.guild_emojis(guild_id).await?.iter().map(render::emoji).collect();
    if query.with_counts == Some(true) {
        guild.approximate_member_count = Some(ctx.store.member_count(guild_id).await?);
        guild.approximate_presence_count = Some(accord_service::presence::count_online(&ctx, guild_id).await?);
    }
    Ok(axum::Json(guild))
}

#[derive(Debug, Deserialize)]
pub struct ModifyGuild {
    #[serde(default)]
    name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    description: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    icon: Option<Option<String>>,
    #[serde(default)]
    verification_level: Option<u8>,
    #[serde(default)]
    default_message_notifications: Option<u8>,
    #[serde(default)]
    explicit_content_filter: Option<u8>,
    #[serde(default, deserialize_with = "nullable")]
    afk_channel_id: Option<Option<Snowflake>>,
    #[serde(default)]
    afk_timeout: Option<u32>,
    #[serde(default, deserialize_with = "nullable")]
    system_channel_id: Option<Option<Snowflake>>,
    #[serde(default)]
    preferred_locale: Option<String>,
    #[serde(default)]
    owner_id: Option<Snowflake>,
}

/// `PATCH /guilds/{guild.id}` — MANAGE_GUILD; ownership transfer by the owner only.
pub async fn modify(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
    reason: AuditReason,
    Json(body): Json<ModifyGuild>,
) -> ApiResult<axum::Json<Guild>> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    access.require_permission(Permissions::MANAGE_GUILD)?;
    let mut guild = access.guild.clone();
    if let Some(name) = &body.name {
        guild.name = validate::name("name", name, 2, 100)?;
    }
    if let Some(description) = body.description {
        if description.as_ref().is_some_and(|d| d.chars().count() > 120) {
            return Err(invalid("description", "Must be at most 120 characters.").into());
        }
        guild.description = description;
    }
    // Parsed before anything else is stored, stored after every other field checks out.
    let icon = match body.icon {
        Some(Some(uri)) => {
            let bytes = accord_files::parse_image_data_uri(&uri, accord_files::MAX_IMAGE_BYTES)
                .map_err(|e| e.in_field("icon"))?;
            Some(Some((accord_files::image_hash(&bytes), bytes)))
        }
        Some(None) => Some(None),
        None => None,
    };
    if let Some(v) = body.verification_level {
        guild.verification_level = validate::in_range("verification_level", v.into(), 0, 4)? as u8;
    }
    if let Some(v) = body.default_message_notifications {
        guild.default_message_notifications =
            validate::in_range("default_message_notifications", v.into(), 0, 1)? as u8;
    }
    if let Some(v) = body.explicit_content_filter {
        guild.explicit_content_filter = validate::in_range("explicit_content_filter", v.into(), 0, 2)? as u8;
    }
    if let Some(t) = body.afk_timeout {
        if ![60, 300, 900, 1800, 3600].contains(&t) {
            return Err(invalid("afk_timeout", "Must be one of 60, 300, 900, 1800, 3600.").into());
        }
        guild.afk_timeout = t;
    }
    if let Some(afk) = body.afk_channel_id {
        guild.afk_channel_id = guild_channel_of_kind(&ctx, guild_id, afk, &[2, 13], "afk_channel_id").await?;
    }
    if let Some(system) = body.system_channel_id {
        guild.system_channel_id = guild_channel_of_kind(&ctx, guild_id, system, &[0], "system_channel_id").await?;
    }
    if let Some(locale) = body.preferred_locale {
        let ok = (2..=10).contains(&locale.len()) && locale.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !ok {
            return Err(invalid("preferred_locale", "Not a locale.").into());
        }
        guild.preferred_locale = locale;
    }
    if let Some(owner) = body.owner_id {
        if !access.is_owner() {
            return Err(GuildError::MissingPermissions.into());
        }
        ctx.store.member(guild_id, owner).await?.ok_or(GuildError::UnknownMember)?;
        guild.owner_id = owner;
    }
    match icon {
        Some(Some((hash, bytes))) => {
            // The bytes go first: a guild must never name an icon that is not stored. A
            // failed update leaves an unreferenced blob, which is harmless.
            accord_files::store_image(ctx.blobs.as_ref(), keys::icon(guild_id, &hash), bytes)
                .await
                .map_err(|e| e.in_field("icon"))?;
            guild.icon = Some(hash);
        }
        Some(None) => guild.icon = None,
        None => {}
    }
    let (before, after) = (render::guild(&access.guild, &access.roles), render::guild(&guild, &access.roles));
    let entry = events::AuditLog::new(&ctx, guild_id, caller.user_id, &reason).entry(
        action::GUILD_UPDATE,
        Some(guild_id),
        audit::changes(&before, &after),
    );
    let event = events::guild_update(&ctx, &guild, &access.roles);
    ctx.store.update_guild(&guild, &[event, entry]).await?;
    ctx.events_committed();
    Ok(axum::Json(after))
}

/// Checks that an optional channel id names a channel of one of `kinds` in the guild.
async fn guild_channel_of_kind(
    ctx: &ServiceContext,
    guild_id: Snowflake,
    id: Option<Snowflake>,
    kinds: &[u8],
    field: &'static str,
) -> Result<Option<Snowflake>, GuildError> {
    let Some(id) = id else { return Ok(None) };
    match ctx.store.channel(id).await? {
        Some(c) if c.guild_id == Some(guild_id) && kinds.contains(&c.kind) => Ok(Some(id)),
        _ => Err(invalid(field, "Not a suitable channel of this guild.")),
    }
}

/// `DELETE /guilds/{guild.id}` — the owner only.
pub async fn delete(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
) -> ApiResult<StatusCode> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    if !access.is_owner() {
        return Err(GuildError::MissingPermissions.into());
    }
    let mut members = Vec::new();
    let mut after = None;
    loop {
        let page = ctx.store.members(guild_id, after, 1000).await?;
        after = page.last().map(|m| m.user_id);
        members.extend(page.iter().map(|m| m.user_id));
        if page.len() < 1000 {
            break;
        }
    }
    let mut channels = Vec::new();
    for channel in ctx.store.guild_channels(guild_id).await? {
        channels.extend(crate::files::with_threads(&ctx, &channel).await?);
    }
    let emojis = ctx.store.guild_emojis(guild_id).await?.iter().map(|e| e.id).collect();
    let event = events::guild_delete(&ctx, guild_id, members);
    ctx.store.delete_guild(guild_id, &[event]).await?;
    ctx.events_committed();
    crate::files::remove_later(&ctx, channels, Some(guild_id), emojis);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub struct GuildPage {
    #[serde(default)]
    after: Option<Snowflake>,
    #[serde(default)]
    limit: Option<u32>,
}

/// `GET /users/@me/guilds` — the caller's guilds with their permissions, ascending by id.
pub async fn list_mine(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Query(page): Query<GuildPage>,
) -> ApiResult<axum::Json<Vec<PartialGuild>>> {
    let limit = validate::in_range("limit", page.limit.unwrap_or(200), 1, 200)?;
    let guilds = ctx.store.guilds_of_user(caller.user_id, page.after, limit).await?;
    let mut out = Vec::with_capacity(guilds.len());
    for g in guilds {
        let Some(access) = GuildAccess::load(ctx.store.as_ref(), g.id, caller.user_id).await? else { continue };
        out.push(PartialGuild {
            id: g.id,
            name: g.name.clone(),
            icon: g.icon.clone(),
            banner: None,
            owner: access.is_owner(),
            permissions: access.permissions(),
            features: Vec::new(),
        });
    }
    Ok(axum::Json(out))
}
