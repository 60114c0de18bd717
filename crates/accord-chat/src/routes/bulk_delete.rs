//! `POST /channels/{c}/messages/bulk-delete {messages: [ids]}`: 2 to 100 distinct ids, none
//! older than two weeks, MANAGE_MESSAGES; one MESSAGE_DELETE_BULK with the ids that existed,
//! and a MESSAGE_BULK_DELETE entry in a guild's audit log.

use accord_core::time::now_ms;
use accord_core::{Permissions, Snowflake};
use accord_service::access::ChannelAccess;
use accord_service::audit::{AuditReason, action};
use accord_service::extract::{Json, Path};
use accord_service::{ApiResult, Caller, ServiceContext};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use crate::error::ChatError;
use crate::{attachments, events};

/// Messages older than this cannot be bulk-deleted (Discord's rule).
const MAX_AGE_MS: u64 = 14 * 24 * 3600 * 1000;

#[derive(Debug, Deserialize)]
pub struct BulkDelete {
    messages: Vec<Snowflake>,
}

pub async fn delete(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
    reason: AuditReason,
    Json(body): Json<BulkDelete>,
) -> ApiResult<StatusCode> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    access.require_permission(Permissions::MANAGE_MESSAGES)?;
    let mut ids = body.messages;
    ids.sort_unstable();
    ids.dedup();
    if !(2..=100).contains(&ids.len()) {
        return Err(ChatError::BulkDeleteCount.into());
    }
    let oldest_allowed = now_ms().saturating_sub(MAX_AGE_MS);
    if ids.iter().any(|id| id.timestamp_ms() < oldest_allowed) {
        return Err(ChatError::BulkDeleteTooOld.into());
    }
    let mut existing = Vec::with_capacity(ids.len());
    for id in &ids {
        if let Some(message) = ctx.store.message(channel_id, *id).await? {
            existing.push(message);
        }
    }
    if existing.is_empty() {
        return Ok(StatusCode::NO_CONTENT);
    }
    let found: Vec<Snowflake> = existing.iter().map(|m| m.id).collect();
    let event = events::channel_event(
        &ctx,
        &events::audience(&ctx, &access).await?,
        "MESSAGE_DELETE_BULK",
        &access.channel,
        json!({ "ids": found }),
    );
    let options = json!({ "count": found.len().to_string() });
    let log = events::AuditLog::of(&ctx, &access, caller.user_id, &reason);
    let mut events = vec![event];
    events.extend(log.map(|log| log.entry(action::MESSAGE_BULK_DELETE, channel_id, Vec::new(), Some(options))));
    if ctx.store.delete_messages(channel_id, &found, &events).await? > 0 {
        ctx.events_committed();
    }
    attachments::remove_of(&ctx, &existing).await;
    Ok(StatusCode::NO_CONTENT)
}
