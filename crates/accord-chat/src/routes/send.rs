//! `POST /channels/{id}/messages`: validation, permissions, mentions, reply references and
//! nonce idempotency, then one transaction with the MESSAGE_CREATE event.

use accord_core::{Permissions, Snowflake};
use accord_service::access::ChannelAccess;
use accord_service::extract::{Json, Path};
use accord_service::{ApiResult, Caller, ServiceContext};
use accord_store::{CreatedMessage, MessageRecord, MessageReference};
use axum::extract::State;
use serde::Deserialize;

use crate::content::MessageContent;
use crate::error::ChatError;
use crate::{events, mentions, slowmode};

/// Channel types that hold messages: text, voice (its text chat), announcement, stage.
const MESSAGE_KINDS: [u8; 4] = [0, 2, 5, 13];
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
}

#[derive(Debug, Default, Deserialize)]
pub struct AllowedMentions {
    #[serde(default)]
    parse: Option<Vec<String>>,
    #[serde(default)]
    users: Option<Vec<Snowflake>>,
    #[serde(default)]
    roles: Option<Vec<Snowflake>>,
}

#[derive(Debug, Deserialize)]
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
    /// Rich content arrives with the messaging issue; empty lists (as libraries send) are fine.
    #[serde(default)]
    embeds: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    components: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    sticker_ids: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    attachments: Option<Vec<serde_json::Value>>,
}

impl CreateMessage {
    fn rich_content(&self) -> Option<&'static str> {
        let lists = [
            (&self.embeds, "embeds"),
            (&self.components, "components"),
            (&self.sticker_ids, "sticker_ids"),
            (&self.attachments, "attachments"),
        ];
        lists.into_iter().find(|(list, _)| list.as_ref().is_some_and(|l| !l.is_empty())).map(|(_, name)| name)
    }
}

/// Which parsed mentions take effect: members only, roles of the guild, everyone only with
/// MENTION_EVERYONE, all of it narrowed by `allowed_mentions`.
pub(super) async fn effective_mentions(
    ctx: &ServiceContext,
    access: &ChannelAccess,
    content: &str,
    allowed: Option<&AllowedMentions>,
) -> Result<(Vec<Snowflake>, Vec<Snowflake>, bool), ChatError> {
    let found = mentions::parse(content);
    let parse_allows =
        |kind: &str| allowed.is_none_or(|a| a.parse.as_ref().is_some_and(|p| p.iter().any(|x| x == kind)));
    let listed = |list: Option<&Vec<Snowflake>>, id: &Snowflake| list.is_some_and(|l| l.contains(id));
    let guild_id = access.guild.guild.id;
    let mut users = Vec::new();
    for id in found.users {
        let allowed_user = parse_allows("users") || listed(allowed.and_then(|a| a.users.as_ref()), &id);
        if allowed_user && ctx.store.member(guild_id, id).await?.is_some() {
            users.push(id);
        }
    }
    let roles = found
        .roles
        .into_iter()
        .filter(|id| *id != guild_id && access.guild.role(*id).is_some())
        .filter(|id| parse_allows("roles") || listed(allowed.and_then(|a| a.roles.as_ref()), id))
        .collect();
    let everyone =
        found.everyone && parse_allows("everyone") && access.permissions.contains(Permissions::MENTION_EVERYONE);
    Ok((users, roles, everyone))
}

/// `POST /channels/{channel.id}/messages` — SEND_MESSAGES (READ_MESSAGE_HISTORY for replies).
pub async fn create(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
    Json(body): Json<CreateMessage>,
) -> ApiResult<axum::Json<accord_api::message::Message>> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    if !MESSAGE_KINDS.contains(&access.channel.kind) {
        return Err(ChatError::NonTextChannel.into());
    }
    access.require_permission(Permissions::SEND_MESSAGES)?;
    if let Some(field) = body.rich_content() {
        return Err(ChatError::InvalidField { field, message: "Rich content is not supported yet." }.into());
    }
    let content = MessageContent::try_from(body.content.unwrap_or_default())?.into_inner();
    let nonce = body.nonce.map(|n| match n {
        Nonce::Text(s) => s,
        Nonce::Number(n) => n.to_string(),
    });
    if nonce.as_ref().is_some_and(|n| n.chars().count() > MAX_NONCE_CHARS) {
        return Err(ChatError::InvalidField { field: "nonce", message: "Must be 25 or fewer in length." }.into());
    }
    let enforced_nonce = body.enforce_nonce.unwrap_or(false) && nonce.is_some();
    let reference = match body.message_reference {
        None => None,
        Some(r) => {
            access.require_permission(Permissions::READ_MESSAGE_HISTORY)?;
            let bad = ChatError::InvalidField { field: "message_reference", message: "Unknown message." };
            if r.channel_id.is_some_and(|c| c != channel_id)
                || ctx.store.message(channel_id, r.message_id).await?.is_none()
            {
                return Err(bad.into());
            }
            Some(MessageReference { message_id: r.message_id, channel_id, guild_id: access.channel.guild_id })
        }
    };
    let channel = &access.channel;
    slowmode::try_send(
        ctx.kv.as_ref(),
        channel_id,
        caller.user_id,
        channel.rate_limit_per_user,
        access.permissions,
        nonce.as_deref().filter(|_| enforced_nonce),
    )
    .await
    .map_err(ChatError::Slowmode)?;
    let (mention_user_ids, mention_role_ids, mention_everyone) =
        effective_mentions(&ctx, &access, &content, body.allowed_mentions.as_ref()).await?;
    let record = MessageRecord {
        id: ctx.next_id(),
        channel_id,
        guild_id: access.channel.guild_id,
        author_id: caller.user_id,
        content,
        nonce,
        enforced_nonce,
        tts: body.tts.unwrap_or(false) && access.permissions.contains(Permissions::SEND_TTS_MESSAGES),
        kind: if reference.is_some() { 19 } else { 0 },
        flags: 0,
        edited_ms: None,
        pinned: false,
        mention_everyone,
        mention_user_ids,
        mention_role_ids,
        reference,
    };
    let rendered = events::load_message(ctx.store.as_ref(), &record).await?;
    let event = events::message_event(&ctx, "MESSAGE_CREATE", &rendered, &record, access.guild.member.as_ref());
    match ctx.store.create_message(&record, &[event]).await? {
        CreatedMessage::New(_) => {
            ctx.events_committed();
            Ok(axum::Json(rendered))
        }
        CreatedMessage::Existing(original) => {
            Ok(axum::Json(events::load_message(ctx.store.as_ref(), &original).await?))
        }
    }
}
