//! [`OutboxStore`] on SQLite: reading committed events in position order and forgetting
//! published ones (through the group-commit writer).

use accord_store::{EventDraft, OutboxEvent, OutboxStore, StoreResult};

use crate::SqliteStore;
use crate::codec::{Columns, RowExt};

#[async_trait::async_trait]
impl OutboxStore for SqliteStore {
    async fn pending_events(&self, limit: u32) -> StoreResult<Vec<OutboxEvent>> {
        self.inline.all("SELECT * FROM outbox ORDER BY position LIMIT ?1", [limit], |row| event_from(row))
    }

    async fn mark_published(&self, up_to_position: i64) -> StoreResult<()> {
        // Through the message writer, so it shares a transaction (and an fsync) with messages
        // rather than contending with them for the write lock.
        self.message_writer.forget_published(up_to_position).await
    }
}

/// Deletes the events up to `up_to_position`, inside the caller's transaction.
pub(crate) async fn forget(conn: &mut sqlx::SqliteConnection, up_to_position: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM outbox WHERE position <= $1").bind(up_to_position).execute(conn).await.map(drop)
}

fn event_from(row: &impl Columns) -> sqlx::Result<OutboxEvent> {
    Ok(OutboxEvent {
        position: row.try_get("position")?,
        event: EventDraft {
            id: row.id("id")?,
            name: row.try_get("name")?,
            guild_id: row.opt_id("guild_id")?,
            channel_id: row.opt_id("channel_id")?,
            user_ids: row.ids("user_ids")?,
            data: row.try_get("data")?,
        },
    })
}
