//! `POST /channels/{id}/typing`: an ephemeral TYPING_START, published straight to the bus
//! (typing is not stored, so it has nothing to commit and skips the outbox).
//!
//! Repeats are answered but not published: after a user's TYPING_START in a channel, their
//! next one there within [`REPEAT_WINDOW`] goes nowhere. Clients repeat about every 8-10 s
//! while typing and an indicator lasts 10 s, so only floods are dropped. The marker lives in
//! the shared state, so this holds across nodes; when that is unavailable every request is
//! published (fail open).

use std::sync::Arc;
use std::time::Duration;

use accord_core::time::now_ms;
use accord_core::{Permissions, Snowflake};
use accord_service::access::ChannelAccess;
use accord_service::extract::Path;
use accord_service::{ApiResult, Caller, ServiceContext, render};
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;

/// How long after a user's published TYPING_START in a channel their repeats are dropped.
pub const REPEAT_WINDOW: Duration = Duration::from_secs(5);

/// `POST /channels/{channel.id}/typing` — SEND_MESSAGES.
pub async fn start(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
) -> ApiResult<StatusCode> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    access.require_permission(Permissions::SEND_MESSAGES)?;
    if is_repeat(&ctx, channel_id, caller.user_id).await {
        return Ok(StatusCode::NO_CONTENT);
    }
    let mut payload = json!({
        "channel_id": channel_id,
        "user_id": caller.user_id,
        "timestamp": now_ms() / 1000,
    });
    if let Some(member) = access.member() {
        let user = ctx.store.user(caller.user_id).await?;
        payload["guild_id"] = json!(member.guild_id);
        payload["member"] = json!(render::member(member, user.as_ref()));
    }
    let event = crate::events::audience(&ctx, &access).await?.event(&ctx, "TYPING_START", &payload);
    if let Err(error) = ctx.bus.publish(Arc::new(event)).await {
        tracing::warn!(%error, "typing indicator not published");
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Whether the user's last TYPING_START in the channel was published within the window;
/// marks this one as the last otherwise.
async fn is_repeat(ctx: &ServiceContext, channel: Snowflake, user: Snowflake) -> bool {
    match ctx.kv.cache_set_if_absent(&format!("typing:{channel}:{user}"), "1", REPEAT_WINDOW).await {
        Ok(marked) => !marked,
        Err(error) => {
            tracing::warn!(%error, channel_id = %channel, "typing repeats cannot be checked; publishing");
            false
        }
    }
}
