//! Starting threads: `POST /channels/{c}/messages/{m}/threads` (a public thread whose id is
//! the message's) and `POST /channels/{c}/threads` (a public or private thread in a text
//! channel; in a forum, a post: see `forum_post`). Each new thread is recorded in the audit log.

use accord_api::channel::Channel;
use accord_core::time::now_ms;
use accord_core::{Permissions, Snowflake};
use accord_service::access::{ChannelAccess, PRIVATE_THREAD};
use accord_service::audience::Audience;
use accord_service::audit::{self, AuditReason, action};
use accord_service::extract::{Json, Path};
use accord_service::{ApiResult, Caller, ServiceContext, render};
use accord_store::{ChannelRecord, StoreError, ThreadRecord};
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::rules;
use crate::error::ChatError;
use crate::routes::mentions::AllowedMentions;
use crate::{events, view};

/// Channel types threads start in: text and announcement channels.
const THREAD_PARENTS: [u8; 2] = [0, 5];
const FORUM: u8 = 15;

#[derive(Debug, Deserialize)]
pub struct FromMessage {
    name: String,
    #[serde(default)]
    auto_archive_duration: Option<u32>,
    #[serde(default)]
    rate_limit_per_user: Option<u32>,
}

/// `POST /channels/{c}/messages/{m}/threads` — CREATE_PUBLIC_THREADS.
pub async fn from_message(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((channel_id, message_id)): Path<(Snowflake, Snowflake)>,
    reason: AuditReason,
    Json(body): Json<FromMessage>,
) -> ApiResult<(StatusCode, axum::Json<Channel>)> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    if !THREAD_PARENTS.contains(&access.channel.kind) {
        return Err(ChatError::WrongChannelType.into());
    }
    access.require_permission(Permissions::READ_MESSAGE_HISTORY | Permissions::CREATE_PUBLIC_THREADS)?;
    let mut source = ctx.store.message(channel_id, message_id).await?.ok_or(ChatError::UnknownMessage)?;
    let kind = if access.channel.kind == 5 { 10 } else { 11 };
    let settings =
        Settings { auto_archive: body.auto_archive_duration, rate_limit: body.rate_limit_per_user, invitable: None };
    let thread =
        new_thread(&access.channel, message_id, kind, rules::name(&body.name)?, caller.user_id, settings, vec![])?;
    let event = created_event(&ctx, &thread).await?;
    // The message now carries its thread, which its viewers learn from MESSAGE_UPDATE.
    source.flags |= view::HAS_THREAD;
    let mut rendered = view::message(&ctx, &source, caller.user_id).await?;
    rendered.thread = Some(Box::new(render::channel(&thread)));
    let audience = events::audience(&ctx, &access).await?;
    let update = events::message_event(&ctx, &audience, "MESSAGE_UPDATE", &rendered, &source, None);
    let mut events = vec![event, update];
    events.extend(created_entry(&ctx, &access, caller.user_id, &reason, &thread));
    match ctx.store.create_thread(&thread, Some(message_id), None, &events).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => return Err(ChatError::ThreadExists.into()),
        Err(error) => return Err(error.into()),
    }
    ctx.events_committed();
    Ok((StatusCode::CREATED, axum::Json(render::channel(&thread))))
}

/// A forum post's first message.
#[derive(Debug, Deserialize)]
pub struct StarterBody {
    #[serde(default)]
    pub(super) content: Option<String>,
    #[serde(default)]
    pub(super) embeds: Option<Vec<Value>>,
    #[serde(default)]
    pub(super) allowed_mentions: Option<AllowedMentions>,
}

#[derive(Debug, Deserialize)]
pub struct StartThread {
    pub(super) name: String,
    #[serde(default, rename = "type")]
    kind: Option<u8>,
    #[serde(default)]
    pub(super) auto_archive_duration: Option<u32>,
    #[serde(default)]
    pub(super) rate_limit_per_user: Option<u32>,
    #[serde(default)]
    invitable: Option<bool>,
    #[serde(default)]
    pub(super) message: Option<StarterBody>,
    #[serde(default)]
    pub(super) applied_tags: Option<Vec<Snowflake>>,
}

/// `POST /channels/{c}/threads` — CREATE_PUBLIC_THREADS or CREATE_PRIVATE_THREADS in a text
/// channel (the type defaults to private, as in API v9); SEND_MESSAGES in a forum.
pub async fn start(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
    reason: AuditReason,
    request: Request,
) -> ApiResult<(StatusCode, axum::Json<Value>)> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    if access.channel.kind == FORUM {
        return super::forum_post::create(&ctx, caller.user_id, &reason, &access, request).await;
    }
    let Json(body) = Json::<StartThread>::from_request(request, &()).await?;
    if !THREAD_PARENTS.contains(&access.channel.kind) {
        return Err(ChatError::WrongChannelType.into());
    }
    let kind = body.kind.unwrap_or(PRIVATE_THREAD);
    let needed = match kind {
        11 => Permissions::CREATE_PUBLIC_THREADS,
        10 if access.channel.kind == 5 => Permissions::CREATE_PUBLIC_THREADS,
        PRIVATE_THREAD if access.channel.kind == 0 => Permissions::CREATE_PRIVATE_THREADS,
        _ => {
            return Err(
                ChatError::InvalidField { field: "type", message: "Not a thread type for this channel." }.into()
            );
        }
    };
    access.require_permission(needed)?;
    let settings = Settings {
        auto_archive: body.auto_archive_duration,
        rate_limit: body.rate_limit_per_user,
        invitable: body.invitable,
    };
    let thread =
        new_thread(&access.channel, ctx.next_id(), kind, rules::name(&body.name)?, caller.user_id, settings, vec![])?;
    let mut events = vec![created_event(&ctx, &thread).await?];
    events.extend(created_entry(&ctx, &access, caller.user_id, &reason, &thread));
    ctx.store.create_thread(&thread, None, None, &events).await?;
    ctx.events_committed();
    Ok((StatusCode::CREATED, axum::Json(json!(render::channel(&thread)))))
}

/// What a client chose for a new thread.
pub(super) struct Settings {
    pub(super) auto_archive: Option<u32>,
    pub(super) rate_limit: Option<u32>,
    pub(super) invitable: Option<bool>,
}

pub(super) fn new_thread(
    parent: &ChannelRecord,
    id: Snowflake,
    kind: u8,
    name: String,
    owner: Snowflake,
    settings: Settings,
    applied_tags: Vec<Snowflake>,
) -> Result<ChannelRecord, ChatError> {
    let rate_limit_per_user = settings.rate_limit.unwrap_or(0);
    if rate_limit_per_user > 21_600 {
        return Err(ChatError::InvalidField { field: "rate_limit_per_user", message: "Must be between 0 and 21600." });
    }
    let now = now_ms();
    Ok(ChannelRecord {
        id,
        guild_id: parent.guild_id,
        kind,
        name,
        position: 0,
        parent_id: Some(parent.id),
        topic: None,
        nsfw: parent.nsfw,
        rate_limit_per_user,
        bitrate: None,
        user_limit: None,
        last_message_id: None,
        overwrites: Vec::new(),
        thread: Some(ThreadRecord {
            owner_id: owner,
            archived: false,
            locked: false,
            invitable: settings.invitable.unwrap_or(true),
            auto_archive_minutes: rules::auto_archive(settings.auto_archive)?,
            archive_ms: now,
            created_ms: now,
            message_count: 0,
            member_count: 1,
            total_message_sent: 0,
            applied_tags,
        }),
        forum: None,
    })
}

/// THREAD_CREATE with `newly_created`, to the thread's audience (a new private thread's is its
/// owner alone, who is not stored as a member until it commits).
pub(super) async fn created_event(
    ctx: &ServiceContext,
    thread: &ChannelRecord,
) -> Result<accord_store::EventDraft, StoreError> {
    let owner = thread.thread.as_ref().map(|t| t.owner_id);
    let audience = if thread.kind == PRIVATE_THREAD {
        Audience { guild_id: None, channel_id: None, user_ids: owner.into_iter().collect() }
    } else {
        Audience::of(ctx.store.as_ref(), thread).await?
    };
    let mut payload = json!(render::channel(thread));
    payload["newly_created"] = json!(true);
    Ok(audience.event(ctx, "THREAD_CREATE", &payload))
}

/// The THREAD_CREATE audit log entry of a new thread (none outside guilds).
pub(super) fn created_entry(
    ctx: &ServiceContext,
    access: &ChannelAccess,
    caller: Snowflake,
    reason: &AuditReason,
    thread: &ChannelRecord,
) -> Option<accord_store::EventDraft> {
    let log = events::AuditLog::of(ctx, access, caller, reason)?;
    Some(log.entry(action::THREAD_CREATE, thread.id, audit::created(&audit::thread_fields(thread)), None))
}
