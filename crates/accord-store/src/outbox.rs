//! The transactional outbox: events committed with their changes, waiting to be published.

use crate::{OutboxEvent, StoreResult};

#[async_trait::async_trait]
pub trait OutboxStore {
    /// The oldest unpublished events, in commit order, at most `limit`.
    async fn pending_events(&self, limit: u32) -> StoreResult<Vec<OutboxEvent>>;

    /// Forgets events at or before `position` once they are published.
    async fn mark_published(&self, up_to_position: i64) -> StoreResult<()>;
}
