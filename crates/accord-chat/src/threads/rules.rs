//! Thread settings a client may choose, and what sending into a thread does to it.

use accord_core::Permissions;
use accord_core::time::now_ms;
use accord_service::ServiceContext;
use accord_service::access::{AUTO_ARCHIVE_MINUTES, ChannelAccess};
use accord_service::audience::Audience;
use accord_service::render;
use accord_store::{ChannelRecord, ThreadMemberRecord};
use serde_json::json;

use crate::error::ChatError;

pub fn auto_archive(value: Option<u32>) -> Result<u32, ChatError> {
    match value {
        None => Ok(1440),
        Some(minutes) if AUTO_ARCHIVE_MINUTES.contains(&minutes) => Ok(minutes),
        Some(_) => Err(ChatError::InvalidField {
            field: "auto_archive_duration",
            message: "Must be one of 60, 1440, 4320 or 10080.",
        }),
    }
}

pub fn name(value: &str) -> Result<String, ChatError> {
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.chars().count() > 100 {
        return Err(ChatError::InvalidField { field: "name", message: "Must be between 1 and 100 in length." });
    }
    Ok(trimmed.to_owned())
}

/// Before a message goes into a thread: a locked thread takes messages only from members
/// with MANAGE_THREADS; an archived one that is not locked is unarchived (THREAD_UPDATE).
pub async fn prepare_send(ctx: &ServiceContext, access: &ChannelAccess) -> Result<(), ChatError> {
    let Some(meta) = &access.channel.thread else { return Ok(()) };
    let moderator = access.permissions.contains(Permissions::MANAGE_THREADS);
    if meta.locked && !moderator {
        return Err(if meta.archived { ChatError::ThreadArchived } else { ChatError::ThreadLocked });
    }
    if meta.archived {
        let mut thread = access.channel.clone();
        if let Some(meta) = thread.thread.as_mut() {
            (meta.archived, meta.archive_ms) = (false, now_ms());
        }
        let audience = Audience::of(ctx.store.as_ref(), &thread).await?;
        let event = audience.event(ctx, "THREAD_UPDATE", &render::channel(&thread));
        ctx.store.update_thread(&thread, &[event]).await?;
        ctx.events_committed();
    }
    Ok(())
}

/// After a message in a thread: its author joins the thread if they had not.
pub async fn join_on_send(ctx: &ServiceContext, thread: &ChannelRecord, user: accord_core::Snowflake) {
    if !thread.is_thread() {
        return;
    }
    let member = ThreadMemberRecord { thread_id: thread.id, user_id: user, joined_ms: now_ms(), flags: 0 };
    let outcome = async {
        let audience = Audience::of(ctx.store.as_ref(), thread).await?.and_user(user);
        let event = audience.event(ctx, "THREAD_MEMBERS_UPDATE", &members_update(thread, &[&member], &[]));
        ctx.store.add_thread_member(&member, &[event]).await
    };
    match outcome.await {
        Ok(true) => ctx.events_committed(),
        Ok(false) => {}
        Err(error) => tracing::warn!(%error, thread_id = %thread.id, "the author could not join the thread"),
    }
}

/// THREAD_MEMBERS_UPDATE's `d` after `added` joined and `removed` left.
pub fn members_update(
    thread: &ChannelRecord,
    added: &[&ThreadMemberRecord],
    removed: &[accord_core::Snowflake],
) -> serde_json::Value {
    let count = thread.thread.as_ref().map_or(0, |t| t.member_count);
    let count = (i64::from(count) + added.len() as i64 - removed.len() as i64).max(0);
    json!({
        "id": thread.id,
        "guild_id": thread.guild_id,
        "member_count": count,
        "added_members": added.iter().map(|m| render::thread_member(m)).collect::<Vec<_>>(),
        "removed_member_ids": removed,
    })
}
