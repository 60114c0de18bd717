//! Messages and history pages.

use accord_core::Snowflake;

use crate::{EventDraft, MessageRecord, MessageVersion, StoreResult};

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

/// What pinning or unpinning did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinOutcome {
    /// The message is now pinned (or unpinned); the events were written.
    Changed,
    /// It already was; nothing written.
    Unchanged,
    /// No such message in that channel.
    Missing,
    /// The channel already has the most pins allowed; nothing written.
    Full,
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
    /// returns the original instead. A message outside guilds (a DM) opens its channel again
    /// for recipients who closed it.
    async fn create_message(&self, message: &MessageRecord, events: &[EventDraft]) -> StoreResult<CreatedMessage>;

    /// The message if it is in that channel.
    async fn message(&self, channel_id: Snowflake, id: Snowflake) -> StoreResult<Option<MessageRecord>>;

    /// A page of the channel's history, newest first.
    async fn messages(&self, channel_id: Snowflake, page: Page) -> StoreResult<Vec<MessageRecord>>;

    /// Replaces content, embeds, flags, edited time and mentions of an existing message. When
    /// content or embeds change, the replaced version is kept (see [`Self::message_versions`]).
    async fn update_message(&self, message: &MessageRecord, events: &[EventDraft]) -> StoreResult<()>;

    /// Returns false when it was not in that channel. Its reactions, versions and read marks
    /// of its mentions go with it.
    async fn delete_message(&self, channel_id: Snowflake, id: Snowflake, events: &[EventDraft]) -> StoreResult<bool>;

    /// Deletes those of `ids` that are in the channel, returning how many; `events` are
    /// written only when at least one was.
    async fn delete_messages(
        &self,
        channel_id: Snowflake,
        ids: &[Snowflake],
        events: &[EventDraft],
    ) -> StoreResult<u64>;

    /// Pins the message at `pinned_ms` (when the channel has fewer than `max_pins` pins), or
    /// unpins it (`None`).
    async fn set_pinned(
        &self,
        channel_id: Snowflake,
        id: Snowflake,
        pinned_ms: Option<u64>,
        max_pins: u32,
        events: &[EventDraft],
    ) -> StoreResult<PinOutcome>;

    /// The channel's pinned messages, the most recently pinned first.
    async fn pinned_messages(&self, channel_id: Snowflake) -> StoreResult<Vec<MessageRecord>>;

    /// The versions an edit replaced, oldest first (empty for a message never edited).
    async fn message_versions(&self, channel_id: Snowflake, id: Snowflake) -> StoreResult<Vec<MessageVersion>>;
}
