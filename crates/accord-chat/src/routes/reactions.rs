//! Reactions: `PUT/DELETE /channels/{c}/messages/{m}/reactions/{emoji}/@me`, removing another
//! user's (MANAGE_MESSAGES), listing who reacted, and clearing one emoji or all of them.
//! Reading needs READ_MESSAGE_HISTORY; a new emoji needs ADD_REACTIONS, joining one does not.

use accord_api::user::User;
use accord_core::{Permissions, Snowflake};
use accord_service::access::ChannelAccess;
use accord_service::extract::{Path, Query};
use accord_service::{ApiResult, Caller, ServiceContext, render};
use accord_store::{ReactionAdded, ReactionEmoji};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use crate::error::ChatError;
use crate::{emoji, events};

/// Discord's limit of distinct emoji on one message.
pub const MAX_EMOJI_PER_MESSAGE: u32 = 20;

/// The channel and message the caller may read (VIEW_CHANNEL, READ_MESSAGE_HISTORY), or 404.
async fn readable_message(
    ctx: &ServiceContext,
    caller: Snowflake,
    channel_id: Snowflake,
    message_id: Snowflake,
) -> ApiResult<(ChannelAccess, accord_store::MessageRecord)> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller).await?;
    if !access.permissions.contains(Permissions::READ_MESSAGE_HISTORY) {
        return Err(ChatError::UnknownMessage.into());
    }
    let message = ctx.store.message(channel_id, message_id).await?.ok_or(ChatError::UnknownMessage)?;
    Ok((access, message))
}

/// A custom emoji must be one of the guild's (its stored name and animation win), so DMs take
/// Unicode emoji only; Unicode emoji were checked when parsed.
async fn known(ctx: &ServiceContext, access: &ChannelAccess, emoji: ReactionEmoji) -> ApiResult<ReactionEmoji> {
    let Some(id) = emoji.id else { return Ok(emoji) };
    let guild = access.guild.as_ref().ok_or(ChatError::UnknownEmoji)?;
    let custom = ctx.store.emoji(guild.guild.id, id).await?.ok_or(ChatError::UnknownEmoji)?;
    Ok(ReactionEmoji { id: Some(id), name: custom.name, animated: custom.animated })
}

fn emoji_json(emoji: &ReactionEmoji) -> serde_json::Value {
    json!({ "id": emoji.id, "name": emoji.name, "animated": emoji.animated })
}

/// `PUT /channels/{c}/messages/{m}/reactions/{emoji}/@me`
pub async fn add(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((channel_id, message_id, emoji)): Path<(Snowflake, Snowflake, String)>,
) -> ApiResult<StatusCode> {
    let (access, message) = readable_message(&ctx, caller.user_id, channel_id, message_id).await?;
    let emoji = known(&ctx, &access, emoji::parse(&emoji)?).await?;
    let key = emoji.key();
    let existing = ctx.store.reactions(channel_id, &[message_id], caller.user_id).await?;
    let joins = existing.iter().any(|r| r.emoji.key() == key);
    if !joins {
        access.require_permission(Permissions::ADD_REACTIONS)?;
    }
    let mut data = json!({
        "user_id": caller.user_id,
        "message_id": message_id,
        "message_author_id": message.author_id,
        "emoji": emoji_json(&emoji),
        "burst": false,
        "type": 0,
    });
    if let Some(member) = access.member() {
        let user = ctx.store.users(&[caller.user_id]).await?;
        data["member"] = serde_json::to_value(render::member(member, user.first())).expect("members serialise");
    }
    let event = events::channel_event(
        &ctx,
        &events::audience(&ctx, &access).await?,
        "MESSAGE_REACTION_ADD",
        &access.channel,
        data,
    );
    let added =
        ctx.store.add_reaction(channel_id, message_id, &emoji, caller.user_id, MAX_EMOJI_PER_MESSAGE, &[event]).await?;
    match added {
        ReactionAdded::Added => ctx.events_committed(),
        ReactionAdded::Unchanged => {}
        ReactionAdded::MissingMessage => return Err(ChatError::UnknownMessage.into()),
        ReactionAdded::Full => return Err(ChatError::MaxReactions.into()),
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /channels/{c}/messages/{m}/reactions/{emoji}/@me`
pub async fn remove_own(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((channel_id, message_id, emoji)): Path<(Snowflake, Snowflake, String)>,
) -> ApiResult<StatusCode> {
    remove(ctx, caller.user_id, channel_id, message_id, &emoji, caller.user_id).await
}

/// `DELETE /channels/{c}/messages/{m}/reactions/{emoji}/{user}` — MANAGE_MESSAGES for others.
pub async fn remove_user(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((channel_id, message_id, emoji, user)): Path<(Snowflake, Snowflake, String, String)>,
) -> ApiResult<StatusCode> {
    let user_id = if user == "@me" {
        caller.user_id
    } else {
        user.parse().map_err(|_| ChatError::InvalidField { field: "user_id", message: "Value is not snowflake." })?
    };
    remove(ctx, caller.user_id, channel_id, message_id, &emoji, user_id).await
}

async fn remove(
    ctx: ServiceContext,
    caller: Snowflake,
    channel_id: Snowflake,
    message_id: Snowflake,
    emoji: &str,
    user_id: Snowflake,
) -> ApiResult<StatusCode> {
    let (access, _) = readable_message(&ctx, caller, channel_id, message_id).await?;
    if user_id != caller {
        access.require_permission(Permissions::MANAGE_MESSAGES)?;
    }
    let emoji = emoji::parse(emoji)?;
    let data = json!({
        "user_id": user_id,
        "message_id": message_id,
        "emoji": emoji_json(&emoji),
        "burst": false,
        "type": 0,
    });
    let event = events::channel_event(
        &ctx,
        &events::audience(&ctx, &access).await?,
        "MESSAGE_REACTION_REMOVE",
        &access.channel,
        data,
    );
    if ctx.store.remove_reaction(channel_id, message_id, &emoji.key(), user_id, &[event]).await? {
        ctx.events_committed();
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /channels/{c}/messages/{m}/reactions/{emoji}` — MANAGE_MESSAGES.
pub async fn clear_emoji(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((channel_id, message_id, emoji)): Path<(Snowflake, Snowflake, String)>,
) -> ApiResult<StatusCode> {
    let (access, _) = readable_message(&ctx, caller.user_id, channel_id, message_id).await?;
    access.require_permission(Permissions::MANAGE_MESSAGES)?;
    let emoji = emoji::parse(&emoji)?;
    let data = json!({ "message_id": message_id, "emoji": emoji_json(&emoji) });
    let event = events::channel_event(
        &ctx,
        &events::audience(&ctx, &access).await?,
        "MESSAGE_REACTION_REMOVE_EMOJI",
        &access.channel,
        data,
    );
    if ctx.store.remove_reactions(channel_id, message_id, Some(&emoji.key()), &[event]).await? > 0 {
        ctx.events_committed();
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /channels/{c}/messages/{m}/reactions` — MANAGE_MESSAGES.
pub async fn clear_all(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((channel_id, message_id)): Path<(Snowflake, Snowflake)>,
) -> ApiResult<StatusCode> {
    let (access, _) = readable_message(&ctx, caller.user_id, channel_id, message_id).await?;
    access.require_permission(Permissions::MANAGE_MESSAGES)?;
    let data = json!({ "message_id": message_id });
    let event = events::channel_event(
        &ctx,
        &events::audience(&ctx, &access).await?,
        "MESSAGE_REACTION_REMOVE_ALL",
        &access.channel,
        data,
    );
    if ctx.store.remove_reactions(channel_id, message_id, None, &[event]).await? > 0 {
        ctx.events_committed();
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub struct UsersQuery {
    #[serde(default)]
    after: Option<Snowflake>,
    #[serde(default)]
    limit: Option<u32>,
    /// 0 normal, 1 burst; burst reactions do not exist here, so type 1 lists no one.
    #[serde(default, rename = "type")]
    kind: Option<u8>,
}

/// `GET /channels/{c}/messages/{m}/reactions/{emoji}?after&limit` — users by ascending id.
pub async fn users(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((channel_id, message_id, emoji)): Path<(Snowflake, Snowflake, String)>,
    Query(query): Query<UsersQuery>,
) -> ApiResult<axum::Json<Vec<User>>> {
    readable_message(&ctx, caller.user_id, channel_id, message_id).await?;
    let emoji = emoji::parse(&emoji)?;
    let limit = query.limit.unwrap_or(25);
    if !(1..=100).contains(&limit) {
        return Err(ChatError::InvalidField { field: "limit", message: "Must be between 1 and 100." }.into());
    }
    if query.kind.unwrap_or(0) != 0 {
        return Ok(axum::Json(Vec::new()));
    }
    let ids = ctx.store.reaction_users(channel_id, message_id, &emoji.key(), query.after, limit).await?;
    let mut users = ctx.store.users(&ids).await?;
    users.sort_unstable_by_key(|u| u.id);
    Ok(axum::Json(users.iter().map(render::user).collect()))
}
