//! `POST /channels/{id}/typing`: an ephemeral TYPING_START, published straight to the bus
//! (typing is not stored, so it has nothing to commit and skips the outbox).

use std::sync::Arc;

use accord_core::time::now_ms;
use accord_core::{Permissions, Snowflake};
use accord_service::access::ChannelAccess;
use accord_service::extract::Path;
use accord_service::{ApiResult, Caller, ServiceContext, render};
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;

/// `POST /channels/{channel.id}/typing` — SEND_MESSAGES.
pub async fn start(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
) -> ApiResult<StatusCode> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    access.require_permission(Permissions::SEND_MESSAGES)?;
    let guild_id = access.guild.guild.id;
    let user = ctx.store.user(caller.user_id).await?;
    let payload = json!({
        "channel_id": channel_id,
        "guild_id": guild_id,
        "user_id": caller.user_id,
        "timestamp": now_ms() / 1000,
        "member": access.guild.member.as_ref().map(|m| render::member(m, user.as_ref())),
    });
    let event = ctx.event("TYPING_START", Some(guild_id), Some(channel_id), vec![], &payload);
    if let Err(error) = ctx.bus.publish(Arc::new(event)).await {
        tracing::warn!(%error, "typing indicator not published");
    }
    Ok(StatusCode::NO_CONTENT)
}
