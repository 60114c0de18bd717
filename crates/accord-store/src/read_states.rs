//! Read states: how far each user has read each channel, and the pings after that.

use accord_core::Snowflake;

use crate::{EventDraft, ReadState, StoreResult};

#[async_trait::async_trait]
pub trait ReadStateStore {
    /// Marks the channel read up to `message_id` (also backwards: "mark unread").
    async fn ack_message(
        &self,
        user_id: Snowflake,
        channel_id: Snowflake,
        message_id: Snowflake,
        events: &[EventDraft],
    ) -> StoreResult<()>;

    /// The read state of each of `channel_ids` that the user acknowledged or was pinged in
    /// since: `mention_count` counts messages by others after the mark whose mentions include
    /// one of `targets` (the user, their role ids, and their guilds' ids for `@everyone`).
    async fn read_states(
        &self,
        user_id: Snowflake,
        channel_ids: &[Snowflake],
        targets: &[Snowflake],
    ) -> StoreResult<Vec<ReadState>>;

    /// The last message each of `user_ids` acknowledged in the channel, for those who
    /// acknowledged one there (read receipts), in any order.
    async fn read_marks(
        &self,
        channel_id: Snowflake,
        user_ids: &[Snowflake],
    ) -> StoreResult<Vec<(Snowflake, Snowflake)>>;
}
