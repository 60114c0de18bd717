//! THREAD_LIST_SYNC: when a member's roles change so that they can see channels they could
//! not before, their sessions get those channels' active threads (and their memberships),
//! which their GUILD_CREATE did not carry.

use accord_core::Permissions;
use accord_service::access::GuildAccess;
use accord_service::{ServiceContext, render};
use accord_store::{EventDraft, MemberRecord, StoreResult};
use serde_json::json;

/// The event for `after`'s gained channels, or none when they gained none.
pub async fn on_roles_changed(
    ctx: &ServiceContext,
    access: &GuildAccess,
    before: &MemberRecord,
    after: &MemberRecord,
) -> StoreResult<Option<EventDraft>> {
    if before.roles == after.roles {
        return Ok(None);
    }
    let (was, now) = (access.as_member(before.clone()), access.as_member(after.clone()));
    let channels = ctx.store.guild_channels(access.guild.id).await?;
    let sees = |view: &GuildAccess, c| view.channel_permissions(c).contains(Permissions::VIEW_CHANNEL);
    let gained: Vec<_> = channels.iter().filter(|c| !sees(&was, c) && sees(&now, c)).collect();
    if gained.is_empty() {
        return Ok(None);
    }
    let active = ctx.store.active_threads(access.guild.id).await?;
    let ids: Vec<_> = active.iter().map(|t| t.id).collect();
    let mine = ctx.store.memberships(after.user_id, &ids).await?;
    let threads: Vec<_> = active
        .iter()
        .filter(|thread| {
            let parent = gained.iter().find(|c| Some(c.id) == thread.parent_id);
            parent
                .is_some_and(|parent| now.can_see_thread(parent, thread, mine.iter().any(|m| m.thread_id == thread.id)))
        })
        .collect();
    let members: Vec<_> = mine.iter().filter(|m| threads.iter().any(|t| t.id == m.thread_id)).collect();
    let data = json!({
        "guild_id": access.guild.id,
        "channel_ids": gained.iter().map(|c| c.id).collect::<Vec<_>>(),
        "threads": threads.iter().map(|t| render::channel(t)).collect::<Vec<_>>(),
        "members": members.iter().map(|m| render::thread_member(m)).collect::<Vec<_>>(),
    });
    Ok(Some(ctx.event("THREAD_LIST_SYNC", None, None, vec![after.user_id], &data)))
}
