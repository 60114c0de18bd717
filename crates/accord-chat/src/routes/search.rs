//! Message search: `GET /guilds/{g}/messages/search` and `GET /channels/{c}/messages/search`
//! with `content`, `author_id`, `mentions`, `has`, `min_id`, `max_id`, `channel_id`, `limit`,
//! `offset`, `sort_by` and `sort_order` (the id filters may repeat). Results only ever come
//! from channels where the caller has VIEW_CHANNEL and READ_MESSAGE_HISTORY.

use accord_core::{Permissions, Snowflake};
use accord_service::access::{ChannelAccess, GuildAccess};
use accord_service::extract::Path;
use accord_service::{ApiResult, Caller, ServiceContext};
use accord_store::{ChannelRecord, SearchQuery, has};
use axum::extract::{RawQuery, State};
use serde_json::{Value, json};

use crate::error::ChatError;
use crate::view;

const MAX_LIMIT: u32 = 25;
const MAX_OFFSET: u32 = 9975;
const MAX_CONTENT_CHARS: usize = 1024;
/// Channel types whose messages are searched: text, voice chat, announcement, stage, forum
/// (its posts, through their threads).
const SEARCHED_KINDS: [u8; 5] = [0, 2, 5, 13, 15];

/// `GET /guilds/{guild.id}/messages/search`
pub async fn in_guild(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(guild_id): Path<Snowflake>,
    RawQuery(raw): RawQuery,
) -> ApiResult<axum::Json<Value>> {
    let access = GuildAccess::require(ctx.store.as_ref(), guild_id, caller.user_id).await?;
    let channels = ctx.store.guild_channels(guild_id).await?;
    let readable: Vec<Snowflake> = channels.iter().filter(|c| is_readable(&access, c)).map(|c| c.id).collect();
    search(&ctx, caller.user_id, readable, raw.as_deref()).await
}

/// `GET /channels/{channel.id}/messages/search`
pub async fn in_channel(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(channel_id): Path<Snowflake>,
    RawQuery(raw): RawQuery,
) -> ApiResult<axum::Json<Value>> {
    let access = ChannelAccess::require(ctx.store.as_ref(), channel_id, caller.user_id).await?;
    let readable =
        if access.permissions.contains(Permissions::READ_MESSAGE_HISTORY) { vec![channel_id] } else { Vec::new() };
    search(&ctx, caller.user_id, readable, raw.as_deref()).await
}

fn is_readable(access: &GuildAccess, channel: &ChannelRecord) -> bool {
    let needed = Permissions::VIEW_CHANNEL | Permissions::READ_MESSAGE_HISTORY;
    SEARCHED_KINDS.contains(&channel.kind) && access.channel_permissions(channel).contains(needed)
}

async fn search(
    ctx: &ServiceContext,
    viewer: Snowflake,
    readable: Vec<Snowflake>,
    raw: Option<&str>,
) -> ApiResult<axum::Json<Value>> {
    let query = parse(readable, raw.unwrap_or(""))?;
    let results = ctx.store.search_messages(&query).await?;
    let mut hits = Vec::with_capacity(results.messages.len());
    for message in &results.messages {
        hits.push(vec![view::message(ctx, message, viewer).await?]);
    }
    Ok(axum::Json(json!({ "total_results": results.total, "messages": hits, "threads": [], "members": [] })))
}

/// Reads the query string into a search within `readable` (narrowed by `channel_id`).
fn parse(readable: Vec<Snowflake>, raw: &str) -> Result<SearchQuery, ChatError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw)
        .map_err(|_| ChatError::InvalidField { field: "query", message: "Malformed query string." })?;
    let mut query = SearchQuery { limit: MAX_LIMIT, ..SearchQuery::default() };
    let mut channels = Vec::new();
    for (key, value) in pairs {
        let id = |field: &'static str| {
            value
                .parse::<Snowflake>()
                .map_err(|_| ChatError::InvalidField { field, message: "Value is not snowflake." })
        };
        match key.as_str() {
            "content" => {
                if value.chars().count() > MAX_CONTENT_CHARS {
                    return Err(ChatError::InvalidField {
                        field: "content",
                        message: "Must be 1024 or fewer in length.",
                    });
                }
                query.content = Some(value);
            }
            "author_id" => query.author_ids.push(id("author_id")?),
            "mentions" => query.mention_ids.push(id("mentions")?),
            "channel_id" => channels.push(id("channel_id")?),
            "min_id" => query.min_id = Some(id("min_id")?),
            "max_id" => query.max_id = Some(id("max_id")?),
            "has" => query.has |= has_bit(&value)?,
            "limit" => query.limit = number(&value, "limit", 1, MAX_LIMIT)?,
            "offset" => query.offset = number(&value, "offset", 0, MAX_OFFSET)?,
            "sort_by" if matches!(value.as_str(), "timestamp" | "relevance") => {}
            "sort_order" if value == "asc" => query.ascending = true,
            "sort_order" if value == "desc" => query.ascending = false,
            "sort_by" | "sort_order" => {
                return Err(ChatError::InvalidField { field: "sort", message: "Unknown sort." });
            }
            _ => {}
        }
    }
    query.channel_ids =
        if channels.is_empty() { readable } else { readable.into_iter().filter(|c| channels.contains(c)).collect() };
    // Public threads are as readable as their parents.
    query.thread_parent_ids = query.channel_ids.clone();
    Ok(query)
}

fn has_bit(value: &str) -> Result<u32, ChatError> {
    Ok(match value {
        "link" => has::LINK,
        "embed" => has::EMBED,
        "file" => has::FILE,
        "image" => has::IMAGE,
        "video" => has::VIDEO,
        "sound" => has::SOUND,
        _ => return Err(ChatError::InvalidField { field: "has", message: "Unknown value." }),
    })
}

fn number(value: &str, field: &'static str, min: u32, max: u32) -> Result<u32, ChatError> {
    match value.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ChatError::InvalidField { field, message: "Out of range." }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u64) -> Snowflake {
        Snowflake::new(n).unwrap()
    }

    #[test]
    fn repeated_filters_accumulate_and_channels_stay_within_the_readable_ones() {
        let query =
            parse(vec![id(1), id(2)], "author_id=5&author_id=6&has=image&has=link&channel_id=2&channel_id=3&limit=5")
                .unwrap();
        assert_eq!(query.author_ids, [id(5), id(6)]);
        assert_eq!(query.has, has::IMAGE | has::LINK);
        assert_eq!(query.channel_ids, [id(2)]);
        assert_eq!(query.limit, 5);
        for bad in ["limit=0", "limit=26", "offset=-1", "author_id=x", "has=bomb", "sort_order=sideways"] {
            assert!(parse(vec![id(1)], bad).is_err(), "{bad}");
        }
    }
}
