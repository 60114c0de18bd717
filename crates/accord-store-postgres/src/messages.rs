//! [`MessageStore`] on PostgreSQL: messages keyed by (channel, id), which also serves every
//! history page. Repeated enforced nonces are caught by a partial unique index on
//! (author, nonce): a concurrent repeat waits for the first insert and then finds its row.

use accord_core::Snowflake;
use accord_store::{
    CreatedMessage, EventDraft, MessageRecord, MessageReference, MessageStore, Page, StoreError, StoreResult,
};
use sqlx::Row;
use sqlx::postgres::PgRow;

use crate::codec::{RowExt, bits, ids, opt_bits, opt_id, small, wide};
use crate::error::db;
use crate::{PostgresStore, events};

#[async_trait::async_trait]
impl MessageStore for PostgresStore {
    async fn create_message(&self, message: &MessageRecord, events: &[EventDraft]) -> StoreResult<CreatedMessage> {
        let reference = message.reference.as_ref();
        let mut tx = self.write().await?;
        // ON CONFLICT without a target makes every unique index an arbiter. Naming only the
        // nonce index is not enough under concurrency: two identical retries (same id, same
        // nonce) can both pass the nonce pre-check, and the second would then fail on the
        // primary key instead of finding the first.
        let inserted = sqlx::query(
            "INSERT INTO messages (channel_id, id, guild_id, author_id, content, nonce, enforced_nonce, tts, kind, \
             flags, edited_ms, pinned, mention_everyone, mention_user_ids, mention_role_ids, ref_message_id, \
             ref_channel_id, ref_guild_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
             ON CONFLICT DO NOTHING",
        )
        .bind(message.channel_id.as_i64())
        .bind(message.id.as_i64())
        .bind(opt_id(message.guild_id))
        .bind(message.author_id.as_i64())
        .bind(&message.content)
        .bind(&message.nonce)
        .bind(message.enforced_nonce)
        .bind(message.tts)
        .bind(small(message.kind))
        .bind(bits(message.flags))
        .bind(opt_bits(message.edited_ms))
        .bind(message.pinned)
        .bind(message.mention_everyone)
        .bind(ids(&message.mention_user_ids))
        .bind(ids(&message.mention_role_ids))
        .bind(reference.map(|r| r.message_id.as_i64()))
        .bind(reference.map(|r| r.channel_id.as_i64()))
        .bind(reference.and_then(|r| opt_id(r.guild_id)))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if inserted.rows_affected() == 0 {
            // The conflicting row is committed (DO NOTHING waited for it), and this statement
            // runs on a fresh snapshot, so it sees the original.
            let original = if message.enforced_nonce && message.nonce.is_some() {
                sqlx::query("SELECT * FROM messages WHERE author_id = $1 AND nonce = $2 AND enforced_nonce")
                    .bind(message.author_id.as_i64())
                    .bind(&message.nonce)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db)?
            } else {
                None
            };
            // Otherwise it was the id that clashed, which is what SQLite reports too.
            let original = original.ok_or(StoreError::Conflict("id"))?;
            return message_from(&original).map(CreatedMessage::Existing).map_err(db);
        }
        // Re-checked after waiting for a concurrent create's row lock, so the largest id wins.
        sqlx::query(
            "UPDATE channels SET last_message_id = $2 \
             WHERE id = $1 AND (last_message_id IS NULL OR last_message_id < $2)",
        )
        .bind(message.channel_id.as_i64())
        .bind(message.id.as_i64())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(CreatedMessage::New(message.clone()))
    }

    async fn message(&self, channel_id: Snowflake, id: Snowflake) -> StoreResult<Option<MessageRecord>> {
        let row = sqlx::query("SELECT * FROM messages WHERE channel_id = $1 AND id = $2")
            .bind(channel_id.as_i64())
            .bind(id.as_i64())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(message_from).transpose().map_err(db)
    }

    /// Every page is one statement (one snapshot), each side an index range scan on the
    /// primary key.
    async fn messages(&self, channel_id: Snowflake, page: Page) -> StoreResult<Vec<MessageRecord>> {
        let channel = channel_id.as_i64();
        let query = match page {
            Page::Latest { limit } => {
                sqlx::query("SELECT * FROM messages WHERE channel_id = $1 ORDER BY id DESC LIMIT $2")
                    .bind(channel)
                    .bind(wide(limit))
            }
            Page::Before { id, limit } => {
                sqlx::query("SELECT * FROM messages WHERE channel_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3")
                    .bind(channel)
                    .bind(id.as_i64())
                    .bind(wide(limit))
            }
            Page::After { id, limit } => sqlx::query(
                "SELECT * FROM (SELECT * FROM messages WHERE channel_id = $1 AND id > $2 ORDER BY id ASC LIMIT $3) \
                 AS page ORDER BY id DESC",
            )
            .bind(channel)
            .bind(id.as_i64())
            .bind(wide(limit)),
            // The newer side gets floor(limit / 2); the message itself and the older ones the rest.
            Page::Around { id, limit } => sqlx::query(
                "SELECT * FROM ((SELECT * FROM messages WHERE channel_id = $1 AND id > $2 ORDER BY id ASC LIMIT $3) \
                 UNION ALL (SELECT * FROM messages WHERE channel_id = $1 AND id <= $2 ORDER BY id DESC LIMIT $4)) \
                 AS page ORDER BY id DESC",
            )
            .bind(channel)
            .bind(id.as_i64())
            .bind(wide(limit / 2))
            .bind(wide(limit - limit / 2)),
        };
        let rows = query.fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(message_from).collect::<sqlx::Result<_>>().map_err(db)
    }

    async fn update_message(&self, message: &MessageRecord, events: &[EventDraft]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let updated = sqlx::query(
            "UPDATE messages SET content = $3, flags = $4, edited_ms = $5, pinned = $6, mention_everyone = $7, \
             mention_user_ids = $8, mention_role_ids = $9 WHERE channel_id = $1 AND id = $2",
        )
        .bind(message.channel_id.as_i64())
        .bind(message.id.as_i64())
        .bind(&message.content)
        .bind(bits(message.flags))
        .bind(opt_bits(message.edited_ms))
        .bind(message.pinned)
        .bind(message.mention_everyone)
        .bind(ids(&message.mention_user_ids))
        .bind(ids(&message.mention_role_ids))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if updated.rows_affected() == 0 {
            return Ok(());
        }
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn delete_message(&self, channel_id: Snowflake, id: Snowflake, events: &[EventDraft]) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let deleted = sqlx::query("DELETE FROM messages WHERE channel_id = $1 AND id = $2")
            .bind(channel_id.as_i64())
            .bind(id.as_i64())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if deleted.rows_affected() == 0 {
            return Ok(false);
        }
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }
}

fn message_from(row: &PgRow) -> sqlx::Result<MessageRecord> {
    let reference = match (row.opt_id("ref_message_id")?, row.opt_id("ref_channel_id")?) {
        (Some(message_id), Some(channel_id)) => {
            Some(MessageReference { message_id, channel_id, guild_id: row.opt_id("ref_guild_id")? })
        }
        _ => None,
    };
    Ok(MessageRecord {
        id: row.id("id")?,
        channel_id: row.id("channel_id")?,
        guild_id: row.opt_id("guild_id")?,
        author_id: row.id("author_id")?,
        content: row.try_get("content")?,
        nonce: row.try_get("nonce")?,
        enforced_nonce: row.try_get("enforced_nonce")?,
        tts: row.try_get("tts")?,
        kind: row.small("kind")?,
        flags: row.bits("flags")?,
        edited_ms: row.opt_bits("edited_ms")?,
        pinned: row.try_get("pinned")?,
        mention_everyone: row.try_get("mention_everyone")?,
        mention_user_ids: row.ids("mention_user_ids")?,
        mention_role_ids: row.ids("mention_role_ids")?,
        reference,
    })
}
