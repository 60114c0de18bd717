//! Friends, friend requests and blocks: `GET /users/@me/relationships`, `PUT` (send or
//! accept a friend request; with `{"type": 2}` block), `POST` (a friend request by
//! username) and `DELETE` (unfriend, cancel or decline a request, unblock). Each side of a
//! pair hears of its own changes (RELATIONSHIP_ADD / RELATIONSHIP_REMOVE). Bots have no
//! relationships.

use accord_core::time::now_ms;
use accord_core::{Snowflake, code};
use accord_service::extract::{Json, Path, parse_json};
use accord_service::settings::document_of;
use accord_service::{ApiError, ApiResult, Caller, Principal, ServiceContext, render};
use accord_store::relationships::kind::{BLOCKED, FRIEND, INCOMING_REQUEST, OUTGOING_REQUEST};
use accord_store::{EventDraft, Relationship, RelationshipPair, UserRecord};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

/// How often a change is tried again when the pair changed under it.
const ATTEMPTS: usize = 5;

/// What the caller asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Send a friend request, or accept theirs.
    Befriend,
    Block,
    /// Unfriend, cancel or decline a request, or unblock.
    Remove,
}

#[derive(Debug, Default, Deserialize)]
pub struct PutRelationship {
    #[serde(default, rename = "type")]
    kind: Option<u8>,
}

#[derive(Debug, Deserialize)]
pub struct FriendRequest {
    username: String,
}

/// `GET /users/@me/relationships`
pub async fn list(State(ctx): State<ServiceContext>, Caller(caller): Caller) -> ApiResult<axum::Json<Vec<Value>>> {
    refuse_bots(&caller)?;
    Ok(axum::Json(accord_service::private::relationships_of(ctx.store.as_ref(), caller.user_id).await?))
}

/// `PUT /users/@me/relationships/{user.id}` — no type or type 1: befriend; type 2: block.
pub async fn put(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(other): Path<Snowflake>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    // Libraries send `{}`, `{"type": 2}`, or no body at all.
    let body: PutRelationship = if body.is_empty() { PutRelationship::default() } else { parse_json(&body)? };
    let action = match body.kind {
        None | Some(FRIEND) => Action::Befriend,
        Some(BLOCKED) => Action::Block,
        Some(_) => return Err(ApiError::invalid_field("type", "BASE_TYPE_CHOICES", "Must be 1 or 2.")),
    };
    change(&ctx, &caller, other, action).await
}

/// `POST /users/@me/relationships` — a friend request to the user with this username.
pub async fn request_by_username(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Json(body): Json<FriendRequest>,
) -> ApiResult<StatusCode> {
    refuse_bots(&caller)?;
    // Login names are usernames or emails; only a username match counts, so emails cannot be probed.
    let found = ctx.store.credentials_by_login(body.username.trim()).await?;
    let user = found.filter(|c| c.user.username.eq_ignore_ascii_case(body.username.trim()));
    let user = user.ok_or_else(|| ApiError::new(&code::NO_SUCH_USERNAME))?;
    change(&ctx, &caller, user.user.id, Action::Befriend).await
}

/// `DELETE /users/@me/relationships/{user.id}`
pub async fn delete(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(other): Path<Snowflake>,
) -> ApiResult<StatusCode> {
    change(&ctx, &caller, other, Action::Remove).await
}

fn refuse_bots(caller: &Principal) -> ApiResult<()> {
    if caller.is_bot() { Err(ApiError::new(&code::BOTS_CANNOT_USE)) } else { Ok(()) }
}

/// Applies `action` to the pair, again from a fresh read when a concurrent change got there first.
async fn change(ctx: &ServiceContext, caller: &Principal, other: Snowflake, action: Action) -> ApiResult<StatusCode> {
    refuse_bots(caller)?;
    if other == caller.user_id {
        return Err(ApiError::new(&code::CANNOT_FRIEND_SELF));
    }
    let users = ctx.store.users(&[caller.user_id, other]).await?;
    let (Some(me), Some(them)) = (users.iter().find(|u| u.id == caller.user_id), users.iter().find(|u| u.id == other))
    else {
        return Err(ApiError::new(&code::UNKNOWN_USER));
    };
    if action == Action::Befriend && them.bot {
        return Err(ApiError::new(&code::BOTS_CANNOT_HAVE_FRIENDS));
    }
    if action == Action::Befriend {
        let pair = ctx.store.relationship_pair(me.id, them.id).await?;
        let answering = pair.mine_is(INCOMING_REQUEST) || pair.mine_is(OUTGOING_REQUEST) || pair.blocked();
        if !answering && !accepts_requests(ctx, them.id, me.id).await? {
            return Err(ApiError::new(&code::FRIEND_REQUESTS_DISABLED));
        }
    }
    for _ in 0..ATTEMPTS {
        let current = ctx.store.relationship_pair(me.id, them.id).await?;
        let next = next_pair(&current, action, now_ms())?;
        if next == current {
            return Ok(StatusCode::NO_CONTENT);
        }
        let events = events(ctx, &current, &next, me, them);
        if ctx.store.replace_relationship(&current, &next, &events).await? {
            ctx.events_committed();
            return Ok(StatusCode::NO_CONTENT);
        }
    }
    Err(ApiError::new(&code::SERVICE_UNAVAILABLE))
}

/// Whether `to`'s settings let `from` send them a friend request: from anyone, or from
/// people they share a guild or a friend with.
async fn accepts_requests(ctx: &ServiceContext, to: Snowflake, from: Snowflake) -> ApiResult<bool> {
    let flags = document_of(ctx.store.as_ref(), to).await?.settings.friend_source_flags;
    if flags.all {
        return Ok(true);
    }
    if flags.mutual_guilds && !ctx.store.shared_guilds(to, from).await?.is_empty() {
        return Ok(true);
    }
    if flags.mutual_friends {
        let friends = |list: Vec<accord_store::RelationshipRecord>| {
            list.into_iter().filter(|r| r.side.kind == FRIEND).map(|r| r.other_id).collect::<Vec<_>>()
        };
        let theirs = friends(ctx.store.relationships(to).await?);
        let mine = friends(ctx.store.relationships(from).await?);
        return Ok(theirs.iter().any(|f| mine.contains(f)));
    }
    Ok(false)
}

/// The pair after `action` by its `user_id`, or the reason it is refused.
fn next_pair(current: &RelationshipPair, action: Action, now: u64) -> Result<RelationshipPair, ApiError> {
    let side = |kind| Some(Relationship { kind, since_ms: now });
    let mut next = *current;
    match action {
        Action::Befriend => {
            if current.theirs_is(BLOCKED) {
                return Err(ApiError::new(&code::FRIEND_REQUEST_BLOCKED));
            }
            if current.mine_is(FRIEND) {
                return Err(ApiError::new(&code::ALREADY_FRIENDS));
            }
            if current.mine_is(OUTGOING_REQUEST) {
                return Ok(next);
            }
            if current.mine_is(INCOMING_REQUEST) {
                (next.mine, next.theirs) = (side(FRIEND), side(FRIEND));
            } else {
                // Also from a block: asking someone to be friends lifts one's own block.
                (next.mine, next.theirs) = (side(OUTGOING_REQUEST), side(INCOMING_REQUEST));
            }
        }
        Action::Block => {
            if current.mine_is(BLOCKED) {
                return Ok(next);
            }
            next.mine = side(BLOCKED);
            if !current.theirs_is(BLOCKED) {
                next.theirs = None;
            }
        }
        Action::Remove => {
            next.mine = None;
            if !current.theirs_is(BLOCKED) && !current.mine_is(BLOCKED) {
                next.theirs = None;
            }
        }
    }
    Ok(next)
}

/// RELATIONSHIP_ADD or RELATIONSHIP_REMOVE to each side whose relationship changed.
fn events(
    ctx: &ServiceContext,
    current: &RelationshipPair,
    next: &RelationshipPair,
    me: &UserRecord,
    them: &UserRecord,
) -> Vec<EventDraft> {
    let mut events = Vec::new();
    let sides = [(current.mine, next.mine, me, them), (current.theirs, next.theirs, them, me)];
    for (before, after, holder, other) in sides {
        match (before, after) {
            (b, a) if b == a => {}
            (_, Some(a)) => {
                events.push(ctx.event("RELATIONSHIP_ADD", None, None, vec![holder.id], &render::relationship(other, a)))
            }
            (Some(b), None) => {
                let data = json!({ "id": other.id, "type": b.kind, "nickname": null });
                events.push(ctx.event("RELATIONSHIP_REMOVE", None, None, vec![holder.id], &data));
            }
            (None, None) => {}
        }
    }
    events
}

#[cfg(test)]
mod tests {
    use accord_store::{Relationship, RelationshipPair};

    use super::*;

    fn pair(mine: Option<u8>, theirs: Option<u8>) -> RelationshipPair {
        let side = |k: Option<u8>| k.map(|kind| Relationship { kind, since_ms: 1 });
        let id = |n| Snowflake::new(n).unwrap();
        RelationshipPair { user_id: id(1), other_id: id(2), mine: side(mine), theirs: side(theirs) }
    }

    fn kinds(p: Result<RelationshipPair, ApiError>) -> Option<(Option<u8>, Option<u8>)> {
        p.ok().map(|p| (p.mine.map(|r| r.kind), p.theirs.map(|r| r.kind)))
    }

    #[test]
    fn befriending_requests_then_accepts_and_respects_blocks() {
        let befriend = |m, t| kinds(next_pair(&pair(m, t), Action::Befriend, 5));
        assert_eq!(befriend(None, None), Some((Some(OUTGOING_REQUEST), Some(INCOMING_REQUEST))));
        assert_eq!(befriend(Some(INCOMING_REQUEST), Some(OUTGOING_REQUEST)), Some((Some(FRIEND), Some(FRIEND))));
        assert_eq!(befriend(Some(OUTGOING_REQUEST), Some(INCOMING_REQUEST)), Some((Some(4), Some(3))));
        assert_eq!(befriend(None, Some(BLOCKED)), None, "blocked by them");
        assert_eq!(befriend(Some(FRIEND), Some(FRIEND)), None, "already friends");
        assert_eq!(befriend(Some(BLOCKED), None), Some((Some(OUTGOING_REQUEST), Some(INCOMING_REQUEST))));
    }

    #[test]
    fn blocking_ends_friendship_on_both_sides_and_removing_keeps_their_block() {
        let apply = |m, t, a| kinds(next_pair(&pair(m, t), a, 5));
        assert_eq!(apply(Some(FRIEND), Some(FRIEND), Action::Block), Some((Some(BLOCKED), None)));
        assert_eq!(apply(None, Some(BLOCKED), Action::Block), Some((Some(BLOCKED), Some(BLOCKED))));
        assert_eq!(apply(Some(FRIEND), Some(FRIEND), Action::Remove), Some((None, None)));
        assert_eq!(apply(Some(BLOCKED), Some(BLOCKED), Action::Remove), Some((None, Some(BLOCKED))));
        assert_eq!(apply(Some(OUTGOING_REQUEST), Some(INCOMING_REQUEST), Action::Remove), Some((None, None)));
    }
}
