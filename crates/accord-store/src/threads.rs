//! Threads and forum posts: thread channels (a [`ChannelRecord`] with a [`ThreadRecord`]),
//! their members, and the listings clients page through.

use accord_core::Snowflake;

use crate::{ChannelRecord, EventDraft, MessageRecord, StoreResult, ThreadMemberRecord};

#[async_trait::async_trait]
pub trait ThreadStore {
    /// Creates the thread with its owner as first member. `from_message` (in the parent) gets
    /// the HAS_THREAD flag; a message already with a thread is a `Conflict("thread")`.
    /// `starter`, a forum post's first message, is stored in the thread without counting
    /// toward `message_count`.
    async fn create_thread(
        &self,
        thread: &ChannelRecord,
        from_message: Option<Snowflake>,
        starter: Option<&MessageRecord>,
        events: &[EventDraft],
    ) -> StoreResult<()>;

    /// Replaces a thread's settable fields: name, rate limit, archived, locked, invitable,
    /// auto-archive, archive time and applied tags (counts are the store's).
    async fn update_thread(&self, thread: &ChannelRecord, events: &[EventDraft]) -> StoreResult<()>;

    /// The guild's threads that are not archived, the most recently active first.
    async fn active_threads(&self, guild_id: Snowflake) -> StoreResult<Vec<ChannelRecord>>;

    /// Archived threads of a channel, public (types 10, 11) or private (12), archived before
    /// `before_ms`, the most recently archived first.
    async fn archived_threads(
        &self,
        parent_id: Snowflake,
        private: bool,
        before_ms: Option<u64>,
        limit: u32,
    ) -> StoreResult<Vec<ChannelRecord>>;

    /// Threads not archived whose last activity (their last message, or their creation or
    /// unarchiving) is at least their auto-archive period before `now_ms`, oldest id first.
    async fn stale_threads(&self, now_ms: u64, limit: u32) -> StoreResult<Vec<ChannelRecord>>;

    /// Adds a member; false (nothing written) when they already were one.
    async fn add_thread_member(&self, member: &ThreadMemberRecord, events: &[EventDraft]) -> StoreResult<bool>;

    /// Removes a member; false (nothing written) when they were not one.
    async fn remove_thread_member(
        &self,
        thread_id: Snowflake,
        user_id: Snowflake,
        events: &[EventDraft],
    ) -> StoreResult<bool>;

    /// A thread's members by ascending user id.
    async fn thread_members(&self, thread_id: Snowflake) -> StoreResult<Vec<ThreadMemberRecord>>;

    /// Which of `thread_ids` the user is a member of.
    async fn memberships(&self, user_id: Snowflake, thread_ids: &[Snowflake]) -> StoreResult<Vec<ThreadMemberRecord>>;
}
