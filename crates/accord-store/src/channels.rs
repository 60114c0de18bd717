//! Channels and their permission overwrites.

use accord_core::Snowflake;

use crate::{ChannelRecord, EventDraft, StoreResult};

#[async_trait::async_trait]
pub trait ChannelStore {
    async fn create_channel(&self, channel: &ChannelRecord, events: &[EventDraft]) -> StoreResult<()>;

    async fn channel(&self, id: Snowflake) -> StoreResult<Option<ChannelRecord>>;

    /// The guild's channels ordered by (position, id).
    async fn guild_channels(&self, guild_id: Snowflake) -> StoreResult<Vec<ChannelRecord>>;

    /// Replaces the channel's fields and its whole overwrite set; `last_message_id` is kept as stored.
    async fn update_channel(&self, channel: &ChannelRecord, events: &[EventDraft]) -> StoreResult<()>;

    /// Deletes the channel with its overwrites, invites and messages; children of a deleted
    /// category lose their parent. Returns false when it did not exist.
    async fn delete_channel(&self, id: Snowflake, events: &[EventDraft]) -> StoreResult<bool>;
}
