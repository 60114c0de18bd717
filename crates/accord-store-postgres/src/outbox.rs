//! [`OutboxStore`] on PostgreSQL: reading committed events in position order and forgetting
//! published ones. Positions follow commit order (see `events`), so a reader never sees a
//! position while a smaller one is still to commit.

use accord_store::{EventDraft, OutboxEvent, OutboxStore, StoreResult};
use sqlx::Row;
use sqlx::postgres::PgRow;

use crate::PostgresStore;
use crate::codec::{RowExt, wide};
use crate::error::db;

#[async_trait::async_trait]
impl OutboxStore for PostgresStore {
    async fn pending_events(&self, limit: u32) -> StoreResult<Vec<OutboxEvent>> {
        let rows = sqlx::query("SELECT * FROM outbox ORDER BY position LIMIT $1")
            .bind(wide(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(event_from).collect::<sqlx::Result<_>>().map_err(db)
    }

    async fn mark_published(&self, up_to_position: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM outbox WHERE position <= $1")
            .bind(up_to_position)
            .execute(&self.pool)
            .await
            .map_err(db)
            .map(drop)
    }
}

fn event_from(row: &PgRow) -> sqlx::Result<OutboxEvent> {
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
