//! `POST /channels/{id}/messages`: a JSON body, or multipart with `payload_json` and
//! `files[n]`, the files streamed to the blob store as they arrive (after the channel and
//! SEND_MESSAGES and ATTACH_FILES are checked). Then validation, mentions, reply references,
//! embeds and nonce idempotency, and one transaction with MESSAGE_CREATE; files of a message
//! that is not written are removed.

use accord_core::{Permissions, Snowflake, code};
use accord_files::{MessageBody, UploadLimits};
use accord_service::access::ChannelAccess;
use accord_service::extract::{Path, parse_json};
use accord_service::{ApiError, ApiResult, Caller, ServiceContext};
use accord_store::{CreatedMessage, MessageRecord, MessageReference, PrivateChannelRecord};
use axum::extract::{Request, State};
use serde::Deserialize;

use crate::attachments::{self, AttachmentSink};
use crate::error::ChatError;
use crate::{content, embeds, events, slowmode, view};

pub use super::mentions::{AllowedMentions, effective_mentions};

/// Channel types that hold messages: text, DM, voice (its text chat), group DM, announcement,
/// threads, stage.
const MESSAGE_KINDS: [u8; 9] = [0, 1, 2, 3, 5, 10, 11, 12, 13];
/// Discord's limit on nonces.
const MAX_NONCE_CHARS: usize = 25;

/// A nonce arrives as a string or an integer; it is echoed back as a string.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Nonce {
    Text(String),
    Number(i64),
}

#[derive(Debug, Deserialize)]
pub struct ReferenceBody {
    message_id: Snowflake,
    #[serde(default)]
    channel_id: Option<Snowflake>,
    /// Accepted as libraries send it; replies stay within their channel's guild.
    #[serde(default, rename = "guild_id")]
    _guild_id: Option<Snowflake>,
    /// Whether a reply to a deleted message fails (the default) or is sent as a plain one.
    #[serde(default)]
    fail_if_not_exists: Option<bool>,
}

/// An entry of `attachments`: which uploaded file (`id` = n of `files[n]`) and its alt text.
#[derive(Debug, Deserialize)]
pub struct AttachmentBody {
    id: serde_json::Value,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct CreateMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    nonce: Option<Nonce>,
    #[serde(default)]
    enforce_nonce: Option<bool>,
    #[serde(default)]
    tts: Option<bool>,
    #[serde(default)]
    message_reference: Option<ReferenceBody>,
    #[serde(default)]
    allowed_mentions: Option<AllowedMentions>,
    #[serde(default)]
    embeds: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    attachments: Option<Vec<AttachmentBody>>,
    #[serde(default)]
    flags: Option<u64>,
    /// Components and stickers do not exist here; empty lists (as libraries send) are fine.
    #[serde(default)]
    components: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    sticker_ids: Option<Vec<serde_json::Value>>,
}

/// Message flags a sender may set: SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS.
const SENDABLE_FLAGS: u64 = (1 << 2) | (1 << 12);

/// `POST /channels/{channel.id}/messages` — SEND_MESSAGES, ATTACH_FILES for files,
/// EMBED_LINKS for embeds, READ_MESSAGE_HISTORY for replies.
pub async fn create(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
    request: Request,
) -> ApiResult<axum::Json<accord_api::message::Message>> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    if !MESSAGE_KINDS.contains(&access.channel.kind) {
        return Err(ChatError::NonTextChannel.into());
    }
    access.require_permission(Permissions::SEND_MESSAGES)?;
    if let Some(dm) = &access.private {
        require_unblocked(&ctx, caller.user_id, dm).await?;
    }
    let mut sink = AttachmentSink::new(&ctx, channel_id, access.permissions.contains(Permissions::ATTACH_FILES));
    let read = MessageBody::read_into(request, &UploadLimits::default(), &mut sink).await;
    let created = match read {
        Ok(upload) => {
            let files = sink.records(&upload.files);
            send(&ctx, caller.user_id, &access, upload, files).await
        }
        Err(error) => Err(ChatError::Media(error).into()),
    };
    if created.is_err() {
        sink.discard().await;
    }
    created
}

/// Validates and writes a message whose files (`files`) are already stored.
async fn send(
    ctx: &ServiceContext,
    caller: Snowflake,
    access: &ChannelAccess,
    upload: MessageBody,
    files: Vec<accord_store::AttachmentRecord>,
) -> ApiResult<axum::Json<accord_api::message::Message>> {
    let channel_id = access.channel.id;
    let body: CreateMessage = match &upload.payload_json {
        Some(json) => parse_json(json)?,
        None => CreateMessage::default(),
    };
    let unsupported = [(&body.components, "components"), (&body.sticker_ids, "sticker_ids")];
    if let Some((_, field)) = unsupported.into_iter().find(|(list, _)| list.as_ref().is_some_and(|l| !l.is_empty())) {
        return Err(ChatError::InvalidField { field, message: "Not supported." }.into());
    }
    let content = content::optional(body.content.unwrap_or_default())?;
    let embeds = match body.embeds {
        Some(list) if !list.is_empty() => {
            access.require_permission(Permissions::EMBED_LINKS)?;
            embeds::validate(list)?
        }
        _ => "[]".to_owned(),
    };
    if content.is_empty() && embeds == "[]" && files.is_empty() {
        return Err(ChatError::EmptyMessage.into());
    }
    let nonce = body.nonce.map(|n| match n {
        Nonce::Text(s) => s,
        Nonce::Number(n) => n.to_string(),
    });
    if nonce.as_ref().is_some_and(|n| n.chars().count() > MAX_NONCE_CHARS) {
        return Err(ChatError::InvalidField { field: "nonce", message: "Must be 25 or fewer in length." }.into());
    }
    let enforced_nonce = body.enforce_nonce.unwrap_or(false) && nonce.is_some();
    let replied = match body.message_reference {
        None => None,
        Some(r) => {
            access.require_permission(Permissions::READ_MESSAGE_HISTORY)?;
            let bad = ChatError::InvalidField { field: "message_reference", message: "Unknown message." };
            if r.channel_id.is_some_and(|c| c != channel_id) {
                return Err(bad.into());
            }
            match ctx.store.message(channel_id, r.message_id).await? {
                Some(original) => Some(original),
                None if r.fail_if_not_exists == Some(false) => None,
                None => return Err(bad.into()),
            }
        }
    };
    crate::threads::rules::prepare_send(ctx, access).await?;
    slowmode::try_send(
        ctx.kv.as_ref(),
        channel_id,
        caller,
        access.channel.rate_limit_per_user,
        access.permissions,
        nonce.as_deref().filter(|_| enforced_nonce),
    )
    .await
    .map_err(ChatError::Slowmode)?;
    let (mut mention_user_ids, mention_role_ids, mention_everyone) =
        effective_mentions(ctx, access, &content, body.allowed_mentions.as_ref()).await?;
    if let Some(original) = &replied {
        let ping_author = body.allowed_mentions.as_ref().is_none_or(|a| a.replied_user.unwrap_or(false));
        let author = original.author_id;
        let fresh = ping_author && author != caller && !mention_user_ids.contains(&author);
        if fresh && super::mentions::can_be_pinged(ctx, access, author).await? {
            mention_user_ids.push(author);
        }
    }
    let descriptions = body.attachments.unwrap_or_default();
    let mut stored = files;
    for (file, attachment) in upload.files.iter().zip(stored.iter_mut()) {
        let index = file.index;
        let described = descriptions
            .iter()
            .find(|a| a.id.as_u64() == Some(index as u64) || a.id.as_str() == Some(&index.to_string()));
        attachment.description = described.and_then(|a| a.description.clone()).map(|d| d.chars().take(1024).collect());
    }
    let record = MessageRecord {
        id: ctx.next_id(),
        channel_id,
        guild_id: access.channel.guild_id,
        author_id: caller,
        content,
        nonce,
        enforced_nonce,
        tts: body.tts.unwrap_or(false) && access.permissions.contains(Permissions::SEND_TTS_MESSAGES),
        kind: if replied.is_some() { 19 } else { 0 },
        flags: body.flags.unwrap_or(0) & SENDABLE_FLAGS,
        edited_ms: None,
        pinned_ms: None,
        mention_everyone,
        mention_user_ids,
        mention_role_ids,
        reference: replied.as_ref().map(|original| MessageReference {
            message_id: original.id,
            channel_id,
            guild_id: access.channel.guild_id,
        }),
        attachments: stored,
        embeds,
    };
    let rendered = view::new_message(ctx, &record, caller).await?;
    let event = events::message_event(
        ctx,
        &events::audience(ctx, access).await?,
        "MESSAGE_CREATE",
        &rendered,
        &record,
        access.member(),
    );
    let created = ctx.store.create_message(&record, &[event]).await;
    match created {
        Ok(CreatedMessage::New(_)) => {
            ctx.events_committed();
            crate::threads::rules::join_on_send(ctx, &access.channel, caller).await;
            Ok(axum::Json(rendered))
        }
        Ok(CreatedMessage::Existing(original)) => {
            attachments::remove(ctx, channel_id, &record.attachments).await;
            Ok(axum::Json(view::message(ctx, &original, caller).await?))
        }
        Err(error) => Err(error.into()),
    }
}

/// In a DM, 403 (50007) when either person blocks the other; group DMs are not checked (a
/// block hides someone's messages there, on the client).
async fn require_unblocked(ctx: &ServiceContext, caller: Snowflake, dm: &PrivateChannelRecord) -> ApiResult<()> {
    if dm.channel.kind != accord_store::private_channels::DM {
        return Ok(());
    }
    for other in dm.others(caller) {
        if ctx.store.relationship_pair(caller, other).await?.blocked() {
            return Err(ApiError::new(&code::CANNOT_MESSAGE_USER));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::CreateMessage;

    #[test]
    fn libraries_empty_lists_parse() {
        let body: CreateMessage =
            serde_json::from_str(r#"{"content":"x","embeds":[],"sticker_ids":[],"attachments":[],"tts":false}"#)
                .unwrap();
        assert_eq!(body.content.as_deref(), Some("x"));
    }
}
