//! Pins: `PUT/DELETE /channels/{c}/pins/{m}` (MANAGE_MESSAGES; anyone in a DM), `GET /channels/{c}/pins`,
//! and CHANNEL_PINS_UPDATE with the channel's newest pin time. In a guild, each pin and unpin
//! is recorded in the audit log.

use accord_api::message::Message;
use accord_core::time::{format_timestamp, now_ms};
use accord_core::{Permissions, Snowflake, code};
use accord_service::access::ChannelAccess;
use accord_service::audit::{AuditReason, action};
use accord_service::extract::Path;
use accord_service::{ApiError, ApiResult, Caller, ServiceContext};
use accord_store::PinOutcome;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;

use crate::error::ChatError;
use crate::{events, view};

/// Discord's limit of pins per channel.
pub const MAX_PINS: u32 = 50;

/// `GET /channels/{c}/pins` — newest pin first; empty without READ_MESSAGE_HISTORY.
pub async fn list(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
) -> ApiResult<axum::Json<Vec<Message>>> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    if !access.permissions.contains(Permissions::READ_MESSAGE_HISTORY) {
        return Ok(axum::Json(Vec::new()));
    }
    let pinned = ctx.store.pinned_messages(channel_id).await?;
    Ok(axum::Json(view::messages(&ctx, &pinned, caller.user_id).await?))
}

/// `PUT /channels/{c}/pins/{m}`
pub async fn pin(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((channel_id, message_id)): Path<(Snowflake, Snowflake)>,
    reason: AuditReason,
) -> ApiResult<StatusCode> {
    set(ctx, caller.user_id, channel_id, message_id, &reason, true).await
}

/// `DELETE /channels/{c}/pins/{m}`
pub async fn unpin(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((channel_id, message_id)): Path<(Snowflake, Snowflake)>,
    reason: AuditReason,
) -> ApiResult<StatusCode> {
    set(ctx, caller.user_id, channel_id, message_id, &reason, false).await
}

async fn set(
    ctx: ServiceContext,
    caller: Snowflake,
    channel_id: Snowflake,
    message_id: Snowflake,
    reason: &AuditReason,
    pinned: bool,
) -> ApiResult<StatusCode> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller).await?;
    if !access.permissions.contains(Permissions::READ_MESSAGE_HISTORY) {
        return Err(ChatError::UnknownMessage.into());
    }
    if !access.may_pin() {
        return Err(ApiError::new(&code::MISSING_PERMISSIONS));
    }
    let now = now_ms();
    let last_pin = if pinned {
        Some(now)
    } else {
        let others = ctx.store.pinned_messages(channel_id).await?;
        others.iter().filter(|m| m.id != message_id).find_map(|m| m.pinned_ms)
    };
    let data = json!({ "last_pin_timestamp": last_pin.map(format_timestamp) });
    let event = events::channel_event(
        &ctx,
        &events::audience(&ctx, &access).await?,
        "CHANNEL_PINS_UPDATE",
        &access.channel,
        data,
    );
    let mut events = vec![event];
    if let Some(log) = events::AuditLog::of(&ctx, &access, caller, reason) {
        let message = ctx.store.message(channel_id, message_id).await?.ok_or(ChatError::UnknownMessage)?;
        let action_type = if pinned { action::MESSAGE_PIN } else { action::MESSAGE_UNPIN };
        let options = json!({ "channel_id": channel_id, "message_id": message_id });
        events.push(log.entry(action_type, message.author_id, Vec::new(), Some(options)));
    }
    let pinned_ms = pinned.then_some(now);
    match ctx.store.set_pinned(channel_id, message_id, pinned_ms, MAX_PINS, &events).await? {
        PinOutcome::Changed => ctx.events_committed(),
        PinOutcome::Unchanged => {}
        PinOutcome::Missing => return Err(ChatError::UnknownMessage.into()),
        PinOutcome::Full => return Err(ChatError::MaxPins.into()),
    }
    Ok(StatusCode::NO_CONTENT)
}
