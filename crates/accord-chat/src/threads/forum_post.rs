//! Forum posts: a public thread in a forum channel whose first message has the thread's id,
//! tagged from the forum's `available_tags`.

use accord_core::{Permissions, Snowflake};
use accord_files::{MessageBody, UploadLimits};
use accord_service::access::ChannelAccess;
use accord_service::audience::Audience;
use accord_service::audit::AuditReason;
use accord_service::extract::parse_json;
use accord_service::{ApiResult, ServiceContext, render};
use accord_store::{AttachmentRecord, MessageRecord};
use axum::extract::Request;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::create::{Settings, StartThread, created_entry, created_event, new_thread};
use super::rules;
use crate::attachments::AttachmentSink;
use crate::error::ChatError;
use crate::routes::mentions::effective_mentions;
use crate::{content, embeds, events, view};

/// Tags one forum post may carry.
const MAX_APPLIED_TAGS: usize = 5;

/// `POST /channels/{forum}/threads` — SEND_MESSAGES (ATTACH_FILES for files): JSON, or
/// multipart with `payload_json` and the first message's `files[n]`, streamed to the blob
/// store under the post's id as they arrive.
pub async fn create(
    ctx: &ServiceContext,
    caller: Snowflake,
    reason: &AuditReason,
    access: &ChannelAccess,
    request: Request,
) -> ApiResult<(StatusCode, axum::Json<Value>)> {
    access.require_permission(Permissions::SEND_MESSAGES)?;
    let id = ctx.next_id();
    let mut sink = AttachmentSink::new(ctx, id, access.permissions.contains(Permissions::ATTACH_FILES));
    let outcome = match MessageBody::read_into(request, &UploadLimits::default(), &mut sink).await {
        Ok(upload) => {
            let files = sink.records(&upload.files);
            post(ctx, caller, reason, access, id, upload, files).await
        }
        Err(error) => Err(ChatError::Media(error).into()),
    };
    if outcome.is_err() {
        sink.discard().await;
    }
    outcome
}

/// Validates and writes a post whose files are already stored.
async fn post(
    ctx: &ServiceContext,
    caller: Snowflake,
    reason: &AuditReason,
    access: &ChannelAccess,
    id: Snowflake,
    upload: MessageBody,
    files: Vec<AttachmentRecord>,
) -> ApiResult<(StatusCode, axum::Json<Value>)> {
    let body: StartThread = match &upload.payload_json {
        Some(json) => parse_json(json)?,
        None => return Err(ChatError::InvalidField { field: "name", message: "This field is required" }.into()),
    };
    let forum = access.channel.forum.clone().unwrap_or_default();
    let tags = body.applied_tags.unwrap_or_default();
    if tags.len() > MAX_APPLIED_TAGS {
        return Err(ChatError::InvalidField { field: "applied_tags", message: "Must be 5 or fewer in length." }.into());
    }
    for tag in &tags {
        let known = forum.tags.iter().find(|t| t.id == *tag);
        let known = known.ok_or(ChatError::InvalidField { field: "applied_tags", message: "Unknown tag." })?;
        if known.moderated {
            access.require_permission(Permissions::MANAGE_THREADS)?;
        }
    }
    let starter =
        body.message.ok_or(ChatError::InvalidField { field: "message", message: "This field is required" })?;
    let text = content::optional(starter.content.unwrap_or_default())?;
    let embeds = embeds::validate(starter.embeds.unwrap_or_default())?;
    if text.is_empty() && embeds == "[]" && files.is_empty() {
        return Err(ChatError::EmptyMessage.into());
    }
    let rate_limit = body.rate_limit_per_user.or(Some(forum.default_thread_rate_limit_per_user));
    let settings = Settings { auto_archive: body.auto_archive_duration, rate_limit, invitable: None };
    let thread = new_thread(&access.channel, id, 11, rules::name(&body.name)?, caller, settings, tags)?;
    let (mention_user_ids, mention_role_ids, mention_everyone) =
        effective_mentions(ctx, access, &text, starter.allowed_mentions.as_ref()).await?;
    let message = MessageRecord {
        id,
        channel_id: id,
        guild_id: thread.guild_id,
        author_id: caller,
        content: text,
        nonce: None,
        enforced_nonce: false,
        tts: false,
        kind: 0,
        flags: 0,
        edited_ms: None,
        pinned_ms: None,
        mention_everyone,
        mention_user_ids,
        mention_role_ids,
        reference: None,
        attachments: files,
        embeds,
    };
    let rendered = view::new_message(ctx, &message, caller).await?;
    let audience = Audience::of(ctx.store.as_ref(), &thread).await?;
    let created = created_event(ctx, &thread).await?;
    let first = events::message_event(ctx, &audience, "MESSAGE_CREATE", &rendered, &message, access.member());
    let mut events = vec![created, first];
    events.extend(created_entry(ctx, access, caller, reason, &thread));
    ctx.store.create_thread(&thread, None, Some(&message), &events).await?;
    ctx.events_committed();
    let mut answer = json!(render::channel(&thread));
    answer["message"] = json!(rendered);
    Ok((StatusCode::CREATED, axum::Json(answer)))
}
