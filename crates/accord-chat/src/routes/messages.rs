//! Reading, editing and deleting messages.

use accord_api::message::Message;
use accord_core::time::now_ms;
use accord_core::{Permissions, Snowflake};
use accord_service::access::ChannelAccess;
use accord_service::audit::{AuditReason, action};
use accord_service::extract::{Json, Path, Query};
use accord_service::{ApiResult, Caller, ServiceContext};
use accord_store::{MessageRecord, Page};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use crate::error::ChatError;
use crate::{attachments, content, embeds, events, view};

/// Message flags a client may set on its own message: SUPPRESS_EMBEDS.
const EDITABLE_FLAGS: u64 = 1 << 2;

#[derive(Debug, Deserialize)]
pub struct HistoryQuery {
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    before: Option<Snowflake>,
    #[serde(default)]
    after: Option<Snowflake>,
    #[serde(default)]
    around: Option<Snowflake>,
}

impl HistoryQuery {
    fn page(&self) -> Result<Page, ChatError> {
        let limit = self.limit.unwrap_or(50);
        if !(1..=100).contains(&limit) {
            return Err(ChatError::InvalidField { field: "limit", message: "Must be between 1 and 100." });
        }
        match (self.before, self.after, self.around) {
            (None, None, None) => Ok(Page::Latest { limit }),
            (Some(id), None, None) => Ok(Page::Before { id, limit }),
            (None, Some(id), None) => Ok(Page::After { id, limit }),
            (None, None, Some(id)) => Ok(Page::Around { id, limit }),
            _ => Err(ChatError::InvalidField { field: "before", message: "Use only one of before, after and around." }),
        }
    }
}

/// `GET /channels/{channel.id}/messages` — newest first; without READ_MESSAGE_HISTORY, empty.
pub async fn list(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
    Query(query): Query<HistoryQuery>,
) -> ApiResult<axum::Json<Vec<Message>>> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    let page = query.page()?;
    if !access.permissions.contains(Permissions::READ_MESSAGE_HISTORY) {
        return Ok(axum::Json(Vec::new()));
    }
    let messages = ctx.store.messages(channel_id, page).await?;
    Ok(axum::Json(view::messages(&ctx, &messages, caller.user_id).await?))
}

/// A message the caller may read (VIEW_CHANNEL and READ_MESSAGE_HISTORY), or 404.
pub(super) async fn readable(
    ctx: &ServiceContext,
    caller: Snowflake,
    ids: (Snowflake, Snowflake),
) -> ApiResult<(ChannelAccess, MessageRecord)> {
    let access = ChannelAccess::require(ctx.store.as_ref(), ids.0, caller).await?;
    if !access.permissions.contains(Permissions::READ_MESSAGE_HISTORY) {
        return Err(ChatError::UnknownMessage.into());
    }
    let message = ctx.store.message(ids.0, ids.1).await?.ok_or(ChatError::UnknownMessage)?;
    Ok((access, message))
}

/// `GET /channels/{channel.id}/messages/{message.id}`
pub async fn get(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(ids): Path<(Snowflake, Snowflake)>,
) -> ApiResult<axum::Json<Message>> {
    let (_, message) = readable(&ctx, caller.user_id, ids).await?;
    Ok(axum::Json(view::message(&ctx, &message, caller.user_id).await?))
}

/// A kept attachment, as `attachments` in an edit lists it.
#[derive(Debug, Deserialize)]
pub struct KeptAttachment {
    id: Snowflake,
}

#[derive(Debug, Deserialize)]
pub struct EditMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    embeds: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    flags: Option<u64>,
    /// The attachments to keep; the others are removed.
    #[serde(default)]
    attachments: Option<Vec<KeptAttachment>>,
    #[serde(default)]
    allowed_mentions: Option<super::send::AllowedMentions>,
}

/// `PATCH /channels/{channel.id}/messages/{message.id}` — the author only.
pub async fn edit(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(ids): Path<(Snowflake, Snowflake)>,
    Json(body): Json<EditMessage>,
) -> ApiResult<axum::Json<Message>> {
    let (access, mut message) = readable(&ctx, caller.user_id, ids).await?;
    if message.author_id != caller.user_id {
        return Err(ChatError::NotAuthor.into());
    }
    if let Some(content) = body.content {
        message.content = content::optional(content)?;
        (message.mention_user_ids, message.mention_role_ids, message.mention_everyone) =
            super::send::effective_mentions(&ctx, &access, &message.content, body.allowed_mentions.as_ref()).await?;
    }
    if let Some(list) = body.embeds {
        message.embeds = embeds::validate(list)?;
    }
    if let Some(flags) = body.flags {
        message.flags = (message.flags & !EDITABLE_FLAGS) | (flags & EDITABLE_FLAGS);
    }
    let mut dropped = Vec::new();
    if let Some(kept) = body.attachments {
        let (keep, drop) = message.attachments.into_iter().partition(|a| kept.iter().any(|k| k.id == a.id));
        (message.attachments, dropped) = (keep, drop);
    }
    if message.content.is_empty() && message.embeds == "[]" && message.attachments.is_empty() {
        return Err(ChatError::EmptyMessage.into());
    }
    message.edited_ms = Some(now_ms());
    let rendered = view::message(&ctx, &message, caller.user_id).await?;
    let event = events::message_event(
        &ctx,
        &events::audience(&ctx, &access).await?,
        "MESSAGE_UPDATE",
        &rendered,
        &message,
        access.member(),
    );
    ctx.store.update_message(&message, &[event]).await?;
    ctx.events_committed();
    attachments::remove(&ctx, message.channel_id, &dropped).await;
    Ok(axum::Json(rendered))
}

/// `DELETE /channels/{channel.id}/messages/{message.id}` — the author, or MANAGE_MESSAGES
/// (recorded in a guild's audit log).
pub async fn delete(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(ids): Path<(Snowflake, Snowflake)>,
    reason: AuditReason,
) -> ApiResult<StatusCode> {
    let access = ChannelAccess::require(ctx.store.as_ref(), ids.0, caller.user_id).await?;
    let message = ctx.store.message(ids.0, ids.1).await?.ok_or(ChatError::UnknownMessage)?;
    let moderated = message.author_id != caller.user_id;
    if moderated {
        access.require_permission(Permissions::MANAGE_MESSAGES)?;
    }
    let mut events = vec![events::message_delete(&ctx, &events::audience(&ctx, &access).await?, &message)];
    if moderated && let Some(log) = events::AuditLog::of(&ctx, &access, caller.user_id, &reason) {
        let options = json!({ "channel_id": ids.0, "count": "1" });
        events.push(log.entry(action::MESSAGE_DELETE, message.author_id, Vec::new(), Some(options)));
    }
    if !ctx.store.delete_message(ids.0, ids.1, &events).await? {
        return Err(ChatError::UnknownMessage.into());
    }
    ctx.events_committed();
    attachments::remove_of(&ctx, &[message]).await;
    Ok(StatusCode::NO_CONTENT)
}
