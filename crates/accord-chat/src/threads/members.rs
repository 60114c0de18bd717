//! Thread members: `PUT/DELETE /channels/{t}/thread-members/@me` (join, leave),
//! `PUT/DELETE .../{user}` (add someone who can see the thread; remove with MANAGE_THREADS or
//! as a private thread's owner), `GET .../thread-members` and `GET .../{user}`.

use accord_api::channel::ThreadMember;
use accord_core::time::now_ms;
use accord_core::{Permissions, Snowflake, code};
use accord_service::access::{ChannelAccess, PRIVATE_THREAD};
use accord_service::audience::Audience;
use accord_service::extract::Path;
use accord_service::{ApiError, ApiResult, Caller, ServiceContext, render};
use accord_store::ThreadMemberRecord;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;

use super::rules::members_update;
use crate::error::ChatError;

/// A thread the caller can see, not archived (members of archived threads do not change).
async fn open_thread(ctx: &ServiceContext, caller: Snowflake, thread_id: Snowflake) -> ApiResult<ChannelAccess> {
    let access = ChannelAccess::require(ctx.store.as_ref(), thread_id, caller).await?;
    let Some(meta) = &access.channel.thread else { return Err(ChatError::WrongChannelType.into()) };
    if meta.archived {
        return Err(ChatError::ThreadArchived.into());
    }
    Ok(access)
}

/// The user `{user}` names: `@me` or a snowflake.
fn target(caller: Snowflake, user: &str) -> Result<Snowflake, ChatError> {
    if user == "@me" {
        return Ok(caller);
    }
    user.parse().map_err(|_| ChatError::InvalidField { field: "user_id", message: "Value is not snowflake." })
}

pub async fn join_me(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(thread_id): Path<Snowflake>,
) -> ApiResult<StatusCode> {
    let access = open_thread(&ctx, caller.user_id, thread_id).await?;
    add(&ctx, &access, caller.user_id).await
}

pub async fn leave_me(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(thread_id): Path<Snowflake>,
) -> ApiResult<StatusCode> {
    let access = open_thread(&ctx, caller.user_id, thread_id).await?;
    remove(&ctx, &access, caller.user_id).await
}

/// `PUT /channels/{t}/thread-members/{user}` — SEND_MESSAGES in the thread; in a private
/// thread that is not invitable, also its owner or MANAGE_THREADS. The user must be able to see the thread's parent.
pub async fn add_user(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((thread_id, user)): Path<(Snowflake, String)>,
) -> ApiResult<StatusCode> {
    let access = open_thread(&ctx, caller.user_id, thread_id).await?;
    let user_id = target(caller.user_id, &user)?;
    if user_id != caller.user_id {
        access.require_permission(Permissions::SEND_MESSAGES)?;
        let meta = access.channel.thread.as_ref();
        let invites = meta.is_some_and(|t| t.invitable || t.owner_id == caller.user_id);
        if access.channel.kind == PRIVATE_THREAD && !invites {
            access.require_permission(Permissions::MANAGE_THREADS)?;
        }
        let parent = access.parent.as_ref().expect("threads have parents");
        let guild = access.in_guild()?;
        let member = ctx.store.member(guild.guild.id, user_id).await?;
        let sees =
            member.is_some_and(|m| guild.as_member(m).channel_permissions(parent).contains(Permissions::VIEW_CHANNEL));
        if !sees {
            return Err(ApiError::new(&code::UNKNOWN_MEMBER));
        }
    }
    add(&ctx, &access, user_id).await
}

/// `DELETE /channels/{t}/thread-members/{user}` — MANAGE_THREADS, or a private thread's owner.
pub async fn remove_user(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((thread_id, user)): Path<(Snowflake, String)>,
) -> ApiResult<StatusCode> {
    let access = open_thread(&ctx, caller.user_id, thread_id).await?;
    let user_id = target(caller.user_id, &user)?;
    let owner = access.channel.thread.as_ref().is_some_and(|t| t.owner_id == caller.user_id);
    if user_id != caller.user_id && !(owner && access.channel.kind == PRIVATE_THREAD) {
        access.require_permission(Permissions::MANAGE_THREADS)?;
    }
    remove(&ctx, &access, user_id).await
}

async fn add(ctx: &ServiceContext, access: &ChannelAccess, user_id: Snowflake) -> ApiResult<StatusCode> {
    let thread = &access.channel;
    let member = ThreadMemberRecord { thread_id: thread.id, user_id, joined_ms: now_ms(), flags: 0 };
    let audience = Audience::of(ctx.store.as_ref(), thread).await?.and_user(user_id);
    let update = audience.event(ctx, "THREAD_MEMBERS_UPDATE", &members_update(thread, &[&member], &[]));
    let mut own = json!(render::thread_member(&member));
    own["guild_id"] = json!(thread.guild_id);
    let joined = ctx.event("THREAD_MEMBER_UPDATE", None, None, vec![user_id], &own);
    if ctx.store.add_thread_member(&member, &[update, joined]).await? {
        ctx.events_committed();
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn remove(ctx: &ServiceContext, access: &ChannelAccess, user_id: Snowflake) -> ApiResult<StatusCode> {
    let thread = &access.channel;
    let audience = Audience::of(ctx.store.as_ref(), thread).await?.and_user(user_id);
    let update = audience.event(ctx, "THREAD_MEMBERS_UPDATE", &members_update(thread, &[], &[user_id]));
    if ctx.store.remove_thread_member(thread.id, user_id, &[update]).await? {
        ctx.events_committed();
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /channels/{t}/thread-members` — by ascending user id.
pub async fn list(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(thread_id): Path<Snowflake>,
) -> ApiResult<axum::Json<Vec<ThreadMember>>> {
    let access = ChannelAccess::require(ctx.store.as_ref(), thread_id, caller.user_id).await?;
    if !access.channel.is_thread() {
        return Err(ChatError::WrongChannelType.into());
    }
    let members = ctx.store.thread_members(thread_id).await?;
    Ok(axum::Json(members.iter().map(render::thread_member).collect()))
}

/// `GET /channels/{t}/thread-members/@me`
pub async fn get_me(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path(thread_id): Path<Snowflake>,
) -> ApiResult<axum::Json<ThreadMember>> {
    get(State(ctx), Caller(caller), Path((thread_id, "@me".to_owned()))).await
}

/// `GET /channels/{t}/thread-members/{user}`
pub async fn get(
    State(ctx): State<ServiceContext>,
    Caller(caller): Caller,
    Path((thread_id, user)): Path<(Snowflake, String)>,
) -> ApiResult<axum::Json<ThreadMember>> {
    let access = ChannelAccess::require(ctx.store.as_ref(), thread_id, caller.user_id).await?;
    if !access.channel.is_thread() {
        return Err(ChatError::WrongChannelType.into());
    }
    let user_id = target(caller.user_id, &user)?;
    let member = ctx.store.memberships(user_id, &[thread_id]).await?.pop();
    let member = member.ok_or_else(|| ApiError::new(&code::UNKNOWN_MEMBER))?;
    Ok(axum::Json(render::thread_member(&member)))
}
