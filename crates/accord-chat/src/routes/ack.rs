//! `POST /channels/{c}/messages/{m}/ack`: marks the channel read up to the message and tells
//! the user's other sessions (MESSAGE_ACK); READY carries the marks as `read_state`. In DMs
//! and group DMs the others see how far each one has read (read receipts, beyond Discord):
//! CHANNEL_READ_RECEIPT on each mark and `GET /channels/{c}/read-receipts`, for those whose
//! `read_receipts` setting is on.

use accord_core::{Snowflake, code};
use accord_service::access::ChannelAccess;
use accord_service::extract::Path;
use accord_service::settings::{document_of, documents_of};
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
    let mut events = vec![ctx.event("MESSAGE_ACK", None, None, vec![caller.user_id], &data)];
    if let Some(private) = &access.private
        && document_of(ctx.store.as_ref(), caller.user_id).await?.settings.read_receipts
    {
        let receipt = json!({ "channel_id": channel_id, "user_id": caller.user_id, "message_id": message_id });
        let others = private.others(caller.user_id).collect();
        events.push(ctx.event("CHANNEL_READ_RECEIPT", None, None, others, &receipt));
    }
    ctx.store.ack_message(caller.user_id, channel_id, message_id, &events).await?;
    ctx.events_committed();
    Ok(axum::Json(json!({ "token": null })))
}

/// `GET /channels/{c}/read-receipts` in a DM or group DM: `[{user_id, last_message_id}]` for
/// each person in it who shares read receipts (`last_message_id` null until they read one).
pub async fn receipts(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
) -> ApiResult<axum::Json<Vec<Value>>> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    let private = access.private.ok_or_else(|| ApiError::new(&code::WRONG_CHANNEL_TYPE))?;
    let documents = documents_of(ctx.store.as_ref(), &private.recipients).await?;
    let sharing: Vec<Snowflake> = private
        .recipients
        .iter()
        .copied()
        .filter(|id| documents.get(id).is_none_or(|d| d.settings.read_receipts))
        .collect();
    let marks = ctx.store.read_marks(channel_id, &sharing).await?;
    let receipts = sharing
        .iter()
        .map(|user| {
            let mark = marks.iter().find(|(reader, _)| reader == user).map(|(_, message)| *message);
            json!({ "user_id": user, "last_message_id": mark })
        })
        .collect();
    Ok(axum::Json(receipts))
}
