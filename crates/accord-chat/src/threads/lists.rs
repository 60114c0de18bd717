//! Thread listings: `GET /guilds/{g}/threads/active`, `GET /channels/{c}/threads/archived/
//! public|private` and `.../users/@me/threads/archived/private`, and
//! `GET /channels/{c}/threads/search` (a forum's posts by latest activity or creation, with
//! their first messages). Only threads the caller can see are listed.

use std::collections::HashMap;

use accord_core::time::parse_timestamp;
use accord_core::{Permissions, Snowflake};
use accord_service::access::{ChannelAccess, GuildAccess, PRIVATE_THREAD};
use accord_service::extract::{Path, Query};
use accord_service::{ApiResult, Caller, ServiceContext, render};
use accord_store::ChannelRecord;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::ChatError;
use crate::view;

/// Threads with the caller's memberships among them, as Discord's listings return them.
async fn listing(ctx: &ServiceContext, caller: Snowflake, threads: &[ChannelRecord]) -> ApiResult<Value> {
    let ids: Vec<Snowflake> = threads.iter().map(|t| t.id).collect();
    let members = ctx.store.memberships(caller, &ids).await?;
    Ok(json!({
        "threads": threads.iter().map(render::channel).collect::<Vec<_>>(),
        "members": members.iter().map(render::thread_member).collect::<Vec<_>>(),
    }))
}

/// `GET /guilds/{g}/threads/active`
pub async fn active(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
) -> ApiResult<axum::Json<Value>> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    let parents: HashMap<Snowflake, ChannelRecord> =
        ctx.store.guild_channels(guild_id).await?.into_iter().map(|c| (c.id, c)).collect();
    let threads = ctx.store.active_threads(guild_id).await?;
    let ids: Vec<Snowflake> = threads.iter().map(|t| t.id).collect();
    let mine: Vec<Snowflake> = ctx.store.memberships(caller.user_id, &ids).await?.iter().map(|m| m.thread_id).collect();
    let visible: Vec<ChannelRecord> = threads
        .into_iter()
        .filter(|thread| {
            let parent = thread.parent_id.and_then(|p| parents.get(&p));
            parent.is_some_and(|parent| access.can_see_thread(parent, thread, mine.contains(&thread.id)))
        })
        .collect();
    Ok(axum::Json(listing(&ctx, caller.user_id, &visible).await?))
}

#[derive(Debug, Deserialize)]
pub struct ArchivedQuery {
    /// An ISO 8601 timestamp: threads archived before it.
    #[serde(default)]
    before: Option<String>,
    #[serde(default)]
    limit: Option<u32>,
}

/// `GET /channels/{c}/threads/archived/public` — READ_MESSAGE_HISTORY.
pub async fn archived_public(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
    Query(query): Query<ArchivedQuery>,
) -> ApiResult<axum::Json<Value>> {
    archived(ctx, caller.user_id, channel_id, query, Archived::Public).await
}

/// `GET /channels/{c}/threads/archived/private` — READ_MESSAGE_HISTORY and MANAGE_THREADS.
pub async fn archived_private(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
    Query(query): Query<ArchivedQuery>,
) -> ApiResult<axum::Json<Value>> {
    archived(ctx, caller.user_id, channel_id, query, Archived::Private).await
}

/// `GET /channels/{c}/users/@me/threads/archived/private` — the archived private threads the
/// caller is a member of; READ_MESSAGE_HISTORY.
pub async fn archived_joined(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
    Query(query): Query<ArchivedQuery>,
) -> ApiResult<axum::Json<Value>> {
    archived(ctx, caller.user_id, channel_id, query, Archived::Joined).await
}

/// Which archived threads a listing holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Archived {
    Public,
    /// Every private thread (for moderators).
    Private,
    /// The private threads the caller belongs to.
    Joined,
}

/// How many archived private threads are read to find the caller's among them.
const JOINED_SCAN: u32 = 1000;

async fn archived(
    ctx: ServiceContext,
    caller: Snowflake,
    channel_id: Snowflake,
    query: ArchivedQuery,
    which: Archived,
) -> ApiResult<axum::Json<Value>> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller).await?;
    let mut needed = Permissions::READ_MESSAGE_HISTORY;
    if which == Archived::Private {
        needed |= Permissions::MANAGE_THREADS;
    }
    access.require_permission(needed)?;
    let limit = query.limit.unwrap_or(50).clamp(2, 100);
    let before = match query.before.as_deref() {
        None => None,
        Some(text) => Some(
            parse_timestamp(text).ok_or(ChatError::InvalidField { field: "before", message: "Not a timestamp." })?,
        ),
    };
    let private = which != Archived::Public;
    let mut threads = if which == Archived::Joined {
        let all = ctx.store.archived_threads(channel_id, true, before, JOINED_SCAN).await?;
        let ids: Vec<Snowflake> = all.iter().map(|t| t.id).collect();
        let mine = ctx.store.memberships(caller, &ids).await?;
        let mut joined: Vec<ChannelRecord> =
            all.into_iter().filter(|t| mine.iter().any(|m| m.thread_id == t.id)).collect();
        joined.truncate(limit as usize + 1);
        joined
    } else {
        ctx.store.archived_threads(channel_id, private, before, limit + 1).await?
    };
    let has_more = threads.len() > limit as usize;
    threads.truncate(limit as usize);
    let mut answer = listing(&ctx, caller, &threads).await?;
    answer["has_more"] = json!(has_more);
    Ok(axum::Json(answer))
}

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    sort_by: Option<String>,
    #[serde(default)]
    sort_order: Option<String>,
    #[serde(default)]
    archived: Option<bool>,
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    offset: Option<u32>,
}

/// `GET /channels/{c}/threads/search` — a channel's (usually a forum's) public threads, by
/// `last_message_time` (the default) or `creation_time`, with each post's first message.
pub async fn search(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
    Query(query): Query<SearchQuery>,
) -> ApiResult<axum::Json<Value>> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    access.require_permission(Permissions::READ_MESSAGE_HISTORY)?;
    let guild_id = access.in_guild()?.guild.id;
    let mut threads: Vec<ChannelRecord> = if query.archived.unwrap_or(false) {
        ctx.store.archived_threads(channel_id, false, None, 1000).await?
    } else {
        let active = ctx.store.active_threads(guild_id).await?;
        active.into_iter().filter(|t| t.parent_id == Some(channel_id) && t.kind != PRIVATE_THREAD).collect()
    };
    let activity = |t: &ChannelRecord| t.last_message_id.unwrap_or(t.id);
    match query.sort_by.as_deref().unwrap_or("last_message_time") {
        "last_message_time" => threads.sort_by_key(|t| std::cmp::Reverse(activity(t))),
        "creation_time" => threads.sort_by_key(|t| std::cmp::Reverse(t.id)),
        _ => return Err(ChatError::InvalidField { field: "sort_by", message: "Unknown sort." }.into()),
    }
    match query.sort_order.as_deref().unwrap_or("desc") {
        "desc" => {}
        "asc" => threads.reverse(),
        _ => return Err(ChatError::InvalidField { field: "sort_order", message: "Unknown order." }.into()),
    }
    let total = threads.len();
    let limit = query.limit.unwrap_or(25).clamp(1, 25) as usize;
    let offset = query.offset.unwrap_or(0) as usize;
    let page: Vec<ChannelRecord> = threads.into_iter().skip(offset).take(limit).collect();
    let mut first_messages = Vec::new();
    for thread in &page {
        if let Some(first) = ctx.store.message(thread.id, thread.id).await? {
            first_messages.push(view::message(&ctx, &first, caller.user_id).await?);
        }
    }
    let mut answer = listing(&ctx, caller.user_id, &page).await?;
    answer["total_results"] = json!(total);
    answer["has_more"] = json!(offset + page.len() < total);
    answer["first_messages"] = json!(first_messages);
    Ok(axum::Json(answer))
}
