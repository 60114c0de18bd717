//! Messages and history pages.

use accord_core::Snowflake;

use crate::{EventDraft, MessageRecord, StoreResult};

/// Which page of history to read. `limit` is already clamped to 1..=100 by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The newest messages.
    Latest { limit: u32 },
    /// Messages with id < `id`, newest first.
    Before { id: Snowflake, limit: u32 },
    /// Messages with id > `id`: the `limit` oldest of them, returned newest first.
    After { id: Snowflake, limit: u32 },
    /// Up to `limit` messages around `id` (about half older, half newer, the message itself
    /// included if it exists), newest first.
    Around { id: Snowflake, limit: u32 },
}

/// Whether a create stored a new message or found the original of a repeated nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreatedMessage {
    New(MessageRecord),
    /// `enforced_nonce` and the author already sent this nonce: the original, nothing written.
    Existing(MessageRecord),
}

#[async_trait::async_trait]
pub trait MessageStore {
    /// Stores the message, sets the channel's `last_message_id`, and writes `events`.
    /// With `enforced_nonce`, a repeated (author, nonce) — also under concurrent repeats —
    /// returns the original instead.
    async fn create_message(&self, message: &MessageRecord, events: &[EventDraft]) -> StoreResult<CreatedMessage>;

    /// The message if it is in that channel.
    async fn message(&self, channel_id: Snowflake, id: Snowflake) -> StoreResult<Option<MessageRecord>>;

    /// A page of the channel's history, newest first.
    async fn messages(&self, channel_id: Snowflake, page: Page) -> StoreResult<Vec<MessageRecord>>;

    /// Replaces content, flags, edited time, pinned and mentions of an existing message.
    async fn update_message(&self, message: &MessageRecord, events: &[EventDraft]) -> StoreResult<()>;

    /// Returns false when it was not in that channel.
    async fn delete_message(&self, channel_id: Snowflake, id: Snowflake, events: &[EventDraft]) -> StoreResult<bool>;
}
