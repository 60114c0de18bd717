//! Guild roles: list, read, create, modify, reorder, delete — all bounded by the hierarchy:
//! nobody manages a role at or above their own highest, or grants what they lack. Each change
//! is recorded in the audit log.

use accord_api::guild::Role;
use accord_core::{Permissions, Snowflake};
use accord_service::access::GuildAccess;
use accord_service::audit::{self, AuditReason, action};
use accord_service::extract::{Json, Path};
use accord_service::{ApiResult, Caller, ServiceContext, render};
use accord_store::RoleRecord;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use crate::error::GuildError;
use crate::{events, validate};

/// Roles a guild may have, @everyone included.
const MAX_ROLES: usize = 250;

/// `GET /guilds/{guild.id}/roles`
pub async fn list(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
) -> ApiResult<axum::Json<Vec<Role>>> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    Ok(axum::Json(access.roles.iter().map(render::role).collect()))
}

/// `GET /guilds/{guild.id}/roles/{role.id}`
pub async fn get(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((guild_id, role_id)): Path<(Snowflake, Snowflake)>,
) -> ApiResult<axum::Json<Role>> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    Ok(axum::Json(render::role(access.role(role_id).ok_or(GuildError::UnknownRole)?)))
}

#[derive(Debug, Deserialize)]
pub struct RoleBody {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    permissions: Option<Permissions>,
    #[serde(default)]
    color: Option<u32>,
    #[serde(default)]
    hoist: Option<bool>,
    #[serde(default)]
    mentionable: Option<bool>,
}

/// Nobody grants a permission they lack, unless they hold them all.
fn check_grantable(access: &GuildAccess, permissions: Permissions) -> Result<(), GuildError> {
    let held = access.permissions();
    if held == Permissions::all() || held.contains(permissions) { Ok(()) } else { Err(GuildError::MissingPermissions) }
}

fn apply(role: &mut RoleRecord, body: RoleBody, access: &GuildAccess) -> Result<(), GuildError> {
    if let Some(name) = body.name {
        if role.id == role.guild_id {
            return Err(crate::error::invalid("name", "The @everyone role cannot be renamed."));
        }
        role.name = validate::name("name", &name, 1, 100)?;
    }
    if let Some(perms) = body.permissions {
        // Bits already on the role may stay even if the editor lacks them; only additions count.
        check_grantable(access, perms - Permissions::from_bits_truncate(role.permissions))?;
        role.permissions = perms.bits();
    }
    if let Some(color) = body.color {
        role.color = validate::color(color)?;
    }
    if let Some(hoist) = body.hoist {
        role.hoist = hoist;
    }
    if let Some(mentionable) = body.mentionable {
        role.mentionable = mentionable;
    }
    Ok(())
}

/// `POST /guilds/{guild.id}/roles` — MANAGE_ROLES; the new role sits just above @everyone.
pub async fn create(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
    reason: AuditReason,
    Json(body): Json<RoleBody>,
) -> ApiResult<(StatusCode, axum::Json<Role>)> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    access.require_permission(Permissions::MANAGE_ROLES)?;
    if access.roles.len() >= MAX_ROLES {
        return Err(GuildError::MaxRoles.into());
    }
    let mut role = RoleRecord {
        id: ctx.next_id(),
        guild_id,
        name: "new role".into(),
        color: 0,
        hoist: false,
        position: 1,
        permissions: 0,
        managed: false,
        mentionable: false,
    };
    apply(&mut role, body, &access)?;
    let rendered = render::role(&role);
    let entry = events::AuditLog::new(&ctx, guild_id, caller.user_id, &reason).entry(
        action::ROLE_CREATE,
        Some(role.id),
        audit::created(&rendered),
    );
    let event = events::role(&ctx, "GUILD_ROLE_CREATE", &role);
    ctx.store.create_role(&role, &[event, entry]).await?;
    ctx.events_committed();
    Ok((StatusCode::OK, axum::Json(rendered)))
}

/// The role, if the caller has MANAGE_ROLES and ranks above it.
fn manageable(access: &GuildAccess, role_id: Snowflake) -> Result<RoleRecord, GuildError> {
    let role = access.role(role_id).ok_or(GuildError::UnknownRole)?;
    if !access.permissions().contains(Permissions::MANAGE_ROLES) || !access.can_manage_role(role) {
        return Err(GuildError::MissingPermissions);
    }
    Ok(role.clone())
}

/// `PATCH /guilds/{guild.id}/roles/{role.id}`
pub async fn modify(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((guild_id, role_id)): Path<(Snowflake, Snowflake)>,
    reason: AuditReason,
    Json(body): Json<RoleBody>,
) -> ApiResult<axum::Json<Role>> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    let mut role = manageable(&access, role_id)?;
    let before = render::role(&role);
    apply(&mut role, body, &access)?;
    let after = render::role(&role);
    let entry = events::AuditLog::new(&ctx, guild_id, caller.user_id, &reason).entry(
        action::ROLE_UPDATE,
        Some(role_id),
        audit::changes(&before, &after),
    );
    let event = events::role(&ctx, "GUILD_ROLE_UPDATE", &role);
    ctx.store.update_roles(std::slice::from_ref(&role), &[event, entry]).await?;
    ctx.events_committed();
    Ok(axum::Json(after))
}

#[derive(Debug, Deserialize)]
pub struct RolePosition {
    id: Snowflake,
    #[serde(default)]
    position: Option<i32>,
}

/// `PATCH /guilds/{guild.id}/roles` — moves roles; each must be manageable and stay below
/// the caller's highest role. Each role that moves gets a ROLE_UPDATE entry.
pub async fn reorder(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
    reason: AuditReason,
    Json(moves): Json<Vec<RolePosition>>,
) -> ApiResult<axum::Json<Vec<Role>>> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    access.require_permission(Permissions::MANAGE_ROLES)?;
    let mut changed = Vec::new();
    for m in moves {
        let Some(position) = m.position else { continue };
        if m.id == guild_id || position < 1 {
            return Err(GuildError::InvalidRole.into());
        }
        let mut role = manageable(&access, m.id)?;
        role.position = position;
        if !access.can_manage_role(&role) {
            return Err(GuildError::MissingPermissions.into());
        }
        changed.push(role);
    }
    let log = events::AuditLog::new(&ctx, guild_id, caller.user_id, &reason);
    let mut events: Vec<_> = changed.iter().map(|r| events::role(&ctx, "GUILD_ROLE_UPDATE", r)).collect();
    for role in &changed {
        let Some(before) = access.role(role.id).filter(|b| b.position != role.position) else { continue };
        let changes = audit::changes(&render::role(before), &render::role(role));
        events.push(log.entry(action::ROLE_UPDATE, Some(role.id), changes));
    }
    ctx.store.update_roles(&changed, &events).await?;
    ctx.events_committed();
    let roles = ctx.store.guild_roles(guild_id).await?;
    Ok(axum::Json(roles.iter().map(render::role).collect()))
}

/// `DELETE /guilds/{guild.id}/roles/{role.id}` — never @everyone.
pub async fn delete(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((guild_id, role_id)): Path<(Snowflake, Snowflake)>,
    reason: AuditReason,
) -> ApiResult<StatusCode> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    if role_id == guild_id {
        return Err(GuildError::InvalidRole.into());
    }
    let role = manageable(&access, role_id)?;
    let entry = events::AuditLog::new(&ctx, guild_id, caller.user_id, &reason).entry(
        action::ROLE_DELETE,
        Some(role_id),
        audit::deleted(&render::role(&role)),
    );
    let event = events::role_delete(&ctx, guild_id, role_id);
    if !ctx.store.delete_role(guild_id, role_id, &[event, entry]).await? {
        return Err(GuildError::UnknownRole.into());
    }
    ctx.events_committed();
    Ok(StatusCode::NO_CONTENT)
}
