//! The files that go with what the guilds service deletes: a channel's attachments (its
//! threads' too), a guild's icons and emoji. They are removed after the delete commits, in the
//! background: once their channel or guild is gone nothing can reach them, so a failure only
//! leaves garbage behind, and is logged.

use accord_blobs::BlobKey;
use accord_core::Snowflake;
use accord_files::keys;
use accord_service::ServiceContext;
use accord_store::{ChannelRecord, StoreResult};

/// Archived threads of one parent read to find their files (more are left behind).
const ARCHIVED_SCAN: u32 = 10_000;

/// The ids of `parent` and of its threads, whose attachments live under their ids.
pub async fn with_threads(ctx: &ServiceContext, parent: &ChannelRecord) -> StoreResult<Vec<Snowflake>> {
    let mut ids = vec![parent.id];
    if let Some(guild_id) = parent.guild_id {
        let active = ctx.store.active_threads(guild_id).await?;
        ids.extend(active.iter().filter(|t| t.parent_id == Some(parent.id)).map(|t| t.id));
    }
    for private in [false, true] {
        let archived = ctx.store.archived_threads(parent.id, private, None, ARCHIVED_SCAN).await?;
        ids.extend(archived.iter().map(|t| t.id));
    }
    Ok(ids)
}

/// Removes, in the background, the attachments of `channels`, the icons of `guild` and the
/// images of `emojis`.
pub fn remove_later(ctx: &ServiceContext, channels: Vec<Snowflake>, guild: Option<Snowflake>, emojis: Vec<Snowflake>) {
    let blobs = ctx.blobs.clone();
    tokio::spawn(async move {
        let prefixes = channels.into_iter().map(keys::attachments_of).chain(guild.map(keys::icons_of));
        for prefix in prefixes {
            if let Err(error) = blobs.delete_prefix(&prefix).await {
                tracing::warn!(%error, prefix = %prefix, "could not remove deleted files");
            }
        }
        for key in emojis.into_iter().map(keys::emoji) {
            remove(&*blobs, &key).await;
        }
    });
}

async fn remove(blobs: &dyn accord_blobs::BlobStore, key: &BlobKey) {
    if let Err(error) = blobs.delete(key).await {
        tracing::warn!(%error, key = %key, "could not remove a deleted file");
    }
}
