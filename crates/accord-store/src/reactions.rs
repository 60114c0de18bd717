//! Reactions: who reacted to a message with which emoji.

use accord_core::Snowflake;

use crate::{EventDraft, ReactionCount, ReactionEmoji, StoreResult};

/// What adding a reaction did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReactionAdded {
    /// Stored; the events were written.
    Added,
    /// The user had already reacted with it; nothing written.
    Unchanged,
    /// No such message in that channel.
    MissingMessage,
    /// The message already has the most distinct emoji allowed and this one is new.
    Full,
}

#[async_trait::async_trait]
pub trait ReactionStore {
    /// Adds `user_id`'s reaction unless the message already holds `max_emoji` other emoji.
    async fn add_reaction(
        &self,
        channel_id: Snowflake,
        message_id: Snowflake,
        emoji: &ReactionEmoji,
        user_id: Snowflake,
        max_emoji: u32,
        events: &[EventDraft],
    ) -> StoreResult<ReactionAdded>;

    /// Removes one user's reaction (`emoji_key` as [`ReactionEmoji::key`]); false when there
    /// was none, and then nothing is written.
    async fn remove_reaction(
        &self,
        channel_id: Snowflake,
        message_id: Snowflake,
        emoji_key: &str,
        user_id: Snowflake,
        events: &[EventDraft],
    ) -> StoreResult<bool>;

    /// Removes every reaction with one emoji, or all of them (`None`); returns how many went.
    /// Events are written only when some did.
    async fn remove_reactions(
        &self,
        channel_id: Snowflake,
        message_id: Snowflake,
        emoji_key: Option<&str>,
        events: &[EventDraft],
    ) -> StoreResult<u64>;

    /// Who reacted with the emoji, ascending by user id, after `after`.
    async fn reaction_users(
        &self,
        channel_id: Snowflake,
        message_id: Snowflake,
        emoji_key: &str,
        after: Option<Snowflake>,
        limit: u32,
    ) -> StoreResult<Vec<Snowflake>>;

    /// The reactions on each of `message_ids` (all in `channel_id`), per message in the order
    /// each emoji was first used, with `me` for `viewer`.
    async fn reactions(
        &self,
        channel_id: Snowflake,
        message_ids: &[Snowflake],
        viewer: Snowflake,
    ) -> StoreResult<Vec<ReactionCount>>;
}
