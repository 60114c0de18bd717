//! A guild's custom emoji.

use accord_core::Snowflake;

use crate::{EmojiRecord, EventDraft, StoreResult};

#[async_trait::async_trait]
pub trait EmojiStore {
    async fn create_emoji(&self, emoji: &EmojiRecord, events: &[EventDraft]) -> StoreResult<()>;

    /// The guild's emoji by ascending id.
    async fn guild_emojis(&self, guild_id: Snowflake) -> StoreResult<Vec<EmojiRecord>>;

    /// The emoji if it belongs to that guild.
    async fn emoji(&self, guild_id: Snowflake, id: Snowflake) -> StoreResult<Option<EmojiRecord>>;

    /// Replaces name and roles; false (nothing written) when it is not the guild's.
    async fn update_emoji(&self, emoji: &EmojiRecord, events: &[EventDraft]) -> StoreResult<bool>;

    /// False (nothing written) when it is not the guild's.
    async fn delete_emoji(&self, guild_id: Snowflake, id: Snowflake, events: &[EventDraft]) -> StoreResult<bool>;
}
