//! `POST /channels/{c}/messages/{m}/ack`: marks the channel read up to the message and tells
//! the user's other sessions (MESSAGE_ACK); READY carries the marks as `read_state`.

use accord_core::{Snowflake, code};
use accord_service::access::ChannelAccess;
use accord_service::extract::Path;
use accord_service::{ApiError, ApiResult, Caller, ServiceContext};
use axum::extract::State;
use serde_json::{Value, json};

/// Acknowledging needs only VIEW_CHANNEL; the message need not exist any more (it may have
/// been deleted since the client saw it). Bots keep no read state (as on Discord).
pub async fn ack(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((channel_id, message_id)): Path<(Snowflake, Snowflake)>,
) -> ApiResult<axum::Json<Value>> {
    if caller.is_bot() {
        return Err(ApiError::new(&code::BOTS_CANNOT_USE));
    }
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    let latest = access.channel.last_message_id.unwrap_or(message_id);
    let message_id = message_id.min(latest);
    let data = json!({ "channel_id": channel_id, "message_id": message_id, "version": accord_core::time::now_ms() });
    let event = ctx.event("MESSAGE_ACK", None, None, vec![caller.user_id], &data);
    ctx.store.ack_message(caller.user_id, channel_id, message_id, &[event]).await?;
    ctx.events_committed();
    Ok(axum::Json(json!({ "token": null })))
}
