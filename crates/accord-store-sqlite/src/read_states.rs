//! [`ReadStateStore`] on SQLite: one row per (user, channel) read mark; mention counts are
//! counted from `message_mentions` when asked for, so they never drift.

use accord_core::Snowflake;
use accord_store::{EventDraft, ReadState, ReadStateStore, StoreResult};

use crate::codec::{Columns, RowExt, ids_json};
use crate::error::db;
use crate::{SqliteStore, events};

#[async_trait::async_trait]
impl ReadStateStore for SqliteStore {
    async fn ack_message(
        &self,
        user_id: Snowflake,
        channel_id: Snowflake,
        message_id: Snowflake,
        events: &[EventDraft],
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO read_states (user_id, channel_id, last_message_id) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, channel_id) DO UPDATE SET last_message_id = excluded.last_message_id",
        )
        .bind(user_id.as_i64())
        .bind(channel_id.as_i64())
        .bind(message_id.as_i64())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn read_states(
        &self,
        user_id: Snowflake,
        channel_ids: &[Snowflake],
        targets: &[Snowflake],
    ) -> StoreResult<Vec<ReadState>> {
        let statement = "SELECT w.value AS channel_id, r.last_message_id, r.last_pin_ms, \
             (SELECT COUNT(DISTINCT mm.message_id) FROM message_mentions mm \
              WHERE mm.channel_id = w.value AND mm.message_id > COALESCE(r.last_message_id, 0) \
              AND mm.author_id != ?1 AND mm.target_id IN (SELECT value FROM json_each(?3))) AS mention_count \
             FROM json_each(?2) w LEFT JOIN read_states r ON r.user_id = ?1 AND r.channel_id = w.value \
             ORDER BY w.value";
        let params = (user_id.as_i64(), ids_json(channel_ids), ids_json(targets));
        let states = self.inline.all(statement, params, |row| {
            Ok(ReadState {
                channel_id: row.id("channel_id")?,
                last_message_id: row.opt_id("last_message_id")?,
                mention_count: row.try_get("mention_count")?,
                last_pin_ms: row.opt_bits("last_pin_ms")?,
            })
        })?;
        Ok(states.into_iter().filter(|s| s.last_message_id.is_some() || s.mention_count > 0).collect())
    }

    async fn read_marks(
        &self,
        channel_id: Snowflake,
        user_ids: &[Snowflake],
    ) -> StoreResult<Vec<(Snowflake, Snowflake)>> {
        let statement = "SELECT user_id, last_message_id FROM read_states \
             WHERE channel_id = ?1 AND user_id IN (SELECT value FROM json_each(?2))";
        self.inline.all(statement, (channel_id.as_i64(), ids_json(user_ids)), |row| {
            Ok((row.id("user_id")?, row.id("last_message_id")?))
        })
    }
}
