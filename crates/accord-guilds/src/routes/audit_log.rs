//! `GET /guilds/{g}/audit-logs` — VIEW_AUDIT_LOG: the guild's audit log, newest first,
//! filtered by `user_id` and `action_type`, paged by `before`/`after`, with the users named.

use accord_core::{Permissions, Snowflake};
use accord_service::access::GuildAccess;
use accord_service::extract::{Path, Query};
use accord_service::{ApiResult, Caller, ServiceContext, render};
use accord_store::AuditLogQuery;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{GuildError, invalid};

#[derive(Debug, Deserialize)]
pub struct AuditLogParams {
    #[serde(default)]
    user_id: Option<Snowflake>,
    #[serde(default)]
    action_type: Option<u16>,
    #[serde(default)]
    before: Option<Snowflake>,
    #[serde(default)]
    after: Option<Snowflake>,
    #[serde(default)]
    limit: Option<u32>,
}

pub async fn list(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
    Query(params): Query<AuditLogParams>,
) -> ApiResult<axum::Json<Value>> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    access.require_permission(Permissions::VIEW_AUDIT_LOG)?;
    let limit = params.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(invalid("limit", "Must be between 1 and 100.").into());
    }
    let query = AuditLogQuery {
        user_id: params.user_id,
        action_type: params.action_type,
        before: params.before,
        after: params.after,
        limit,
    };
    let entries: Vec<Value> = ctx
        .store
        .audit_log(guild_id, &query)
        .await?
        .iter()
        .map(|text| serde_json::from_str(text))
        .collect::<Result<_, _>>()
        .map_err(|e| GuildError::Store(accord_store::StoreError::Internal(format!("audit log entry: {e}"))))?;
    let mut named: Vec<Snowflake> = entries
        .iter()
        .flat_map(|e| [&e["user_id"], &e["target_id"]])
        .filter_map(|id| id.as_str()?.parse().ok())
        .collect();
    named.sort_unstable();
    named.dedup();
    let users: Vec<_> = ctx.store.users(&named).await?.iter().map(render::user).collect();
    Ok(axum::Json(json!({
        "audit_log_entries": entries,
        "users": users,
        "integrations": [],
        "threads": [],
        "webhooks": [],
        "guild_scheduled_events": [],
        "application_commands": [],
        "auto_moderation_rules": [],
    })))
}
