//! Op 8, Request Guild Members: members by username/nick prefix or by id, answered with
//! GUILD_MEMBERS_CHUNK dispatches of at most 1000 members each, echoing the nonce.

use std::sync::Arc;

use accord_core::Snowflake;
use accord_service::{ServiceContext, render};
use accord_store::{MemberRecord, StoreResult, UserRecord};
use serde_json::{Value, json};

use crate::intents;
use crate::presence::{PresenceBook, Presences};
use crate::protocol::{Close, RequestGuildMembers, dispatch_head};
use crate::session::Session;

const CHUNK: usize = 1000;
/// Query and id requests return at most this many members.
const MAX_SELECTED: usize = 100;
const MAX_NONCE_BYTES: usize = 32;

/// The GUILD_MEMBERS_CHUNK dispatches answering a request on `session` (the hub queues
/// them); a request the session's intents do not allow closes it.
pub async fn request(
    ctx: &ServiceContext,
    presence: &PresenceBook,
    session: &Session,
    request: RequestGuildMembers,
) -> Result<Vec<Arc<str>>, Close> {
    let identity = &session.identity;
    let wants_presences = request.presences.unwrap_or(false);
    let full_list = request.user_ids.is_none() && request.query.as_deref().unwrap_or("").is_empty();
    if (wants_presences && !identity.wants(intents::GUILD_PRESENCES))
        || (full_list && !identity.wants(intents::GUILD_MEMBERS))
    {
        return Err(Close::DisallowedIntents);
    }
    let nonce = request.nonce.filter(|n| n.len() <= MAX_NONCE_BYTES);
    let user_ids = request.user_ids.map(|u| u.into_vec());
    let mut frames = Vec::new();
    for guild_id in request.guild_id.into_vec() {
        let member_of = ctx.store.member(guild_id, identity.user_id).await.map_err(|_| Close::UnknownError)?;
        if member_of.is_none() {
            continue;
        }
        let (members, not_found) = match &user_ids {
            Some(ids) => by_ids(ctx, guild_id, ids).await,
            None => by_query(ctx, guild_id, request.query.as_deref().unwrap_or(""), request.limit.unwrap_or(0)).await,
        }
        .map_err(|_| Close::UnknownError)?;
        let presences = if wants_presences {
            let ids: Vec<Snowflake> = members.iter().map(|(_, u)| u.id).collect();
            Some(presence.online(&ids).await)
        } else {
            None
        };
        frames.extend(chunks(guild_id, &members, &not_found, presences.as_ref(), nonce.as_deref()));
    }
    Ok(frames)
}

async fn by_ids(
    ctx: &ServiceContext,
    guild_id: Snowflake,
    ids: &[Snowflake],
) -> StoreResult<(Vec<(MemberRecord, UserRecord)>, Vec<Snowflake>)> {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for id in ids.iter().take(MAX_SELECTED) {
        match (ctx.store.member(guild_id, *id).await?, ctx.store.user(*id).await?) {
            (Some(m), Some(u)) => found.push((m, u)),
            _ => missing.push(*id),
        }
    }
    Ok((found, missing))
}

async fn by_query(
    ctx: &ServiceContext,
    guild_id: Snowflake,
    query: &str,
    limit: u64,
) -> StoreResult<(Vec<(MemberRecord, UserRecord)>, Vec<Snowflake>)> {
    let query = query.to_lowercase();
    let cap = match (query.is_empty(), limit) {
        (true, 0) => usize::MAX,
        (_, 0) => MAX_SELECTED,
        (true, n) => n as usize,
        (false, n) => (n as usize).min(MAX_SELECTED),
    };
    let mut out = Vec::new();
    let mut after = None;
    while out.len() < cap {
        let page = ctx.store.members(guild_id, after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.user_id);
        let ids: Vec<Snowflake> = page.iter().map(|m| m.user_id).collect();
        let users = ctx.store.users(&ids).await?;
        for member in page {
            let Some(user) = users.iter().find(|u| u.id == member.user_id) else { continue };
            let nick = member.nick.as_deref().unwrap_or("").to_lowercase();
            if query.is_empty() || user.username.to_lowercase().starts_with(&query) || nick.starts_with(&query) {
                out.push((member, user.clone()));
                if out.len() >= cap {
                    break;
                }
            }
        }
        if ids.len() < 1000 {
            break;
        }
    }
    Ok((out, Vec::new()))
}

fn chunks(
    guild_id: Snowflake,
    members: &[(MemberRecord, UserRecord)],
    not_found: &[Snowflake],
    presence: Option<&Presences>,
    nonce: Option<&str>,
) -> Vec<Arc<str>> {
    let chunks: Vec<&[(MemberRecord, UserRecord)]> =
        if members.is_empty() { vec![&[]] } else { members.chunks(CHUNK).collect() };
    let count = chunks.len();
    let mut frames = Vec::with_capacity(count);
    for (index, chunk) in chunks.into_iter().enumerate() {
        let mut data = json!({
            "guild_id": guild_id,
            "members": chunk.iter().map(|(m, u)| render::member(m, Some(u))).collect::<Vec<_>>(),
            "chunk_index": index,
            "chunk_count": count,
        });
        if index == 0 && !not_found.is_empty() {
            data["not_found"] = json!(not_found);
        }
        if let Some(book) = presence {
            let presences: Vec<Value> = chunk
                .iter()
                .filter_map(|(_, u)| book.get(u.id).map(|p| (u.id, p)))
                .filter(|(_, p)| p.shown_status() != "offline")
                .map(|(id, p)| p.payload(id))
                .collect();
            data["presences"] = json!(presences);
        }
        if let Some(nonce) = nonce {
            data["nonce"] = json!(nonce);
        }
        frames.push(Arc::from(dispatch_head("GUILD_MEMBERS_CHUNK", &data.to_string())));
    }
    frames
}
