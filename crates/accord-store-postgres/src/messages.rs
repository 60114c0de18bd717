//! [`MessageStore`] on PostgreSQL: messages keyed by (channel, id), which also serves every
//! history page. Repeated enforced nonces are caught by a partial unique index on
//! (author, nonce): a concurrent repeat waits for the first insert and then finds its row.
//! Edits and pins lock the message row first, so versions and the pin limit hold under
//! concurrent writers; each write keeps the message's mention rows in step (`message_index`).
//! A message outside guilds opens its DM again for recipients who closed it.

use accord_core::Snowflake;
use accord_store::codec::{attachments_from_json, attachments_to_json};
use accord_store::{
    CreatedMessage, EventDraft, MessageRecord, MessageReference, MessageStore, MessageVersion, Page, PinOutcome,
    StoreError, StoreResult,
};
use sqlx::Row;
use sqlx::postgres::PgRow;

use crate::codec::{RowExt, bits, ids, opt_bits, opt_id, small, wide};
use crate::error::{corrupt, db};
use crate::{PostgresStore, events, message_index};

#[async_trait::async_trait]
impl MessageStore for PostgresStore {
    async fn create_message(&self, message: &MessageRecord, events: &[EventDraft]) -> StoreResult<CreatedMessage> {
        let mut tx = self.write().await?;
        // ON CONFLICT without a target makes every unique index an arbiter. Naming only the
        // nonce index is not enough under concurrency: two identical retries (same id, same
        // nonce) can both pass the nonce pre-check, and the second would then fail on the
        // primary key instead of finding the first.
        let inserted = insert(&mut tx, message).await.map_err(db)?;
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
        sqlx::query(
            "UPDATE channels SET message_count = message_count + 1, total_message_sent = total_message_sent + 1 \
             WHERE id = $1 AND owner_id IS NOT NULL",
        )
        .bind(message.channel_id.as_i64())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if message.guild_id.is_none() {
            // A DM or group DM: shown again to those who closed it.
            sqlx::query("UPDATE channel_recipients SET open = TRUE WHERE channel_id = $1 AND NOT open")
                .bind(message.channel_id.as_i64())
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        message_index::add(&mut tx, message).await.map_err(db)?;
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
        let Some(current) = read(&mut tx, message.channel_id, message.id).await.map_err(db)? else {
            return Ok(());
        };
        sqlx::query(
            "UPDATE messages SET content = $3, flags = $4, edited_ms = $5, mention_everyone = $6, \
             mention_user_ids = $7, mention_role_ids = $8, attachments = $9, embeds = $10, has_bits = $11 \
             WHERE channel_id = $1 AND id = $2",
        )
        .bind(message.channel_id.as_i64())
        .bind(message.id.as_i64())
        .bind(&message.content)
        .bind(bits(message.flags))
        .bind(opt_bits(message.edited_ms))
        .bind(message.mention_everyone)
        .bind(ids(&message.mention_user_ids))
        .bind(ids(&message.mention_role_ids))
        .bind(attachments_to_json(&message.attachments))
        .bind(&message.embeds)
        .bind(message.has_bits() as i32)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if current.content != message.content || current.embeds != message.embeds {
            keep_version(&mut tx, &current, message.edited_ms).await.map_err(db)?;
        }
        message_index::remove(&mut tx, message.channel_id, message.id).await.map_err(db)?;
        message_index::add(&mut tx, message).await.map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn delete_message(&self, channel_id: Snowflake, id: Snowflake, events: &[EventDraft]) -> StoreResult<bool> {
        Ok(self.delete_messages(channel_id, &[id], events).await? > 0)
    }

    async fn delete_messages(
        &self,
        channel_id: Snowflake,
        ids: &[Snowflake],
        events: &[EventDraft],
    ) -> StoreResult<u64> {
        let mut tx = self.write().await?;
        let mut deleted = 0;
        for &id in ids {
            if delete(&mut tx, channel_id, id).await.map_err(db)? {
                deleted += 1;
            }
        }
        if deleted == 0 {
            return Ok(0);
        }
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(deleted)
    }

    async fn set_pinned(
        &self,
        channel_id: Snowflake,
        id: Snowflake,
        pinned_ms: Option<u64>,
        max_pins: u32,
        events: &[EventDraft],
    ) -> StoreResult<PinOutcome> {
        let mut tx = self.write().await?;
        let Some(current) = read(&mut tx, channel_id, id).await.map_err(db)? else {
            return Ok(PinOutcome::Missing);
        };
        if current.pinned_ms.is_some() == pinned_ms.is_some() {
            return Ok(PinOutcome::Unchanged);
        }
        if pinned_ms.is_some() {
            // Pins of one channel take turns, so two concurrent pins cannot both pass the limit.
            sqlx::query("SELECT 1 FROM channels WHERE id = $1 FOR UPDATE")
                .bind(channel_id.as_i64())
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            let pins: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE channel_id = $1 AND pinned_ms IS NOT NULL")
                    .bind(channel_id.as_i64())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db)?;
            if pins >= i64::from(max_pins) {
                return Ok(PinOutcome::Full);
            }
        }
        sqlx::query("UPDATE messages SET pinned = $3, pinned_ms = $4 WHERE channel_id = $1 AND id = $2")
            .bind(channel_id.as_i64())
            .bind(id.as_i64())
            .bind(pinned_ms.is_some())
            .bind(opt_bits(pinned_ms))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(PinOutcome::Changed)
    }

    async fn pinned_messages(&self, channel_id: Snowflake) -> StoreResult<Vec<MessageRecord>> {
        let rows = sqlx::query(
            "SELECT * FROM messages WHERE channel_id = $1 AND pinned_ms IS NOT NULL ORDER BY pinned_ms DESC, id DESC",
        )
        .bind(channel_id.as_i64())
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(message_from).collect::<sqlx::Result<_>>().map_err(db)
    }

    async fn message_versions(&self, channel_id: Snowflake, id: Snowflake) -> StoreResult<Vec<MessageVersion>> {
        let rows = sqlx::query(
            "SELECT * FROM message_versions WHERE channel_id = $1 AND message_id = $2 ORDER BY version ASC",
        )
        .bind(channel_id.as_i64())
        .bind(id.as_i64())
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|row| {
                Ok(MessageVersion {
                    version: row.try_get::<i32, _>("version")? as u32,
                    content: row.try_get("content")?,
                    embeds: row.try_get("embeds")?,
                    written_ms: row.bits("written_ms")?,
                    replaced_ms: row.bits("replaced_ms")?,
                })
            })
            .collect::<sqlx::Result<_>>()
            .map_err(db)
    }
}

/// Inserts a message unless it conflicts (an enforced nonce, or its id): then no row is affected.
pub(crate) async fn insert(
    conn: &mut sqlx::PgConnection,
    message: &MessageRecord,
) -> sqlx::Result<sqlx::postgres::PgQueryResult> {
    let reference = message.reference.as_ref();
    sqlx::query(
        "INSERT INTO messages (channel_id, id, guild_id, author_id, content, nonce, enforced_nonce, tts, kind, \
         flags, edited_ms, pinned, mention_everyone, mention_user_ids, mention_role_ids, ref_message_id, \
         ref_channel_id, ref_guild_id, pinned_ms, attachments, embeds, has_bits) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, \
         $22) \
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
    .bind(message.pinned_ms.is_some())
    .bind(message.mention_everyone)
    .bind(ids(&message.mention_user_ids))
    .bind(ids(&message.mention_role_ids))
    .bind(reference.map(|r| r.message_id.as_i64()))
    .bind(reference.map(|r| r.channel_id.as_i64()))
    .bind(reference.and_then(|r| opt_id(r.guild_id)))
    .bind(opt_bits(message.pinned_ms))
    .bind(attachments_to_json(&message.attachments))
    .bind(&message.embeds)
    .bind(message.has_bits() as i32)
    .execute(&mut *conn)
    .await
}

/// Deletes a message with what depends on it: its index rows here, its reactions, versions
/// and mentions by cascade, its pin and search words with the row; and takes it off its
/// thread's count. Returns whether it existed.
pub(crate) async fn delete(conn: &mut sqlx::PgConnection, channel_id: Snowflake, id: Snowflake) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM messages WHERE channel_id = $1 AND id = $2")
        .bind(channel_id.as_i64())
        .bind(id.as_i64())
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    message_index::remove(&mut *conn, channel_id, id).await?;
    // A forum post's starter (its id is the thread's) never counted.
    sqlx::query(
        "UPDATE channels SET message_count = message_count - 1 \
         WHERE id = $1 AND owner_id IS NOT NULL AND id <> $2 AND message_count > 0",
    )
    .bind(channel_id.as_i64())
    .bind(id.as_i64())
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// The message, locked until the transaction ends.
async fn read(
    conn: &mut sqlx::PgConnection,
    channel_id: Snowflake,
    id: Snowflake,
) -> sqlx::Result<Option<MessageRecord>> {
    let row = sqlx::query("SELECT * FROM messages WHERE channel_id = $1 AND id = $2 FOR UPDATE")
        .bind(channel_id.as_i64())
        .bind(id.as_i64())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(message_from).transpose()
}

/// Keeps `current` as the next version, replaced at `replaced_ms` (now when unknown).
async fn keep_version(
    conn: &mut sqlx::PgConnection,
    current: &MessageRecord,
    replaced_ms: Option<u64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO message_versions (channel_id, message_id, version, content, embeds, written_ms, replaced_ms) \
         SELECT $1, $2, COALESCE(MAX(version), 0) + 1, $3, $4, $5, $6 FROM message_versions \
         WHERE channel_id = $1 AND message_id = $2",
    )
    .bind(current.channel_id.as_i64())
    .bind(current.id.as_i64())
    .bind(&current.content)
    .bind(&current.embeds)
    .bind(bits(current.edited_ms.unwrap_or_else(|| current.id.timestamp_ms())))
    .bind(bits(replaced_ms.unwrap_or_else(accord_core::time::now_ms)))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(crate) fn message_from(row: &PgRow) -> sqlx::Result<MessageRecord> {
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
        pinned_ms: row.opt_bits("pinned_ms")?,
        mention_everyone: row.try_get("mention_everyone")?,
        mention_user_ids: row.ids("mention_user_ids")?,
        mention_role_ids: row.ids("mention_role_ids")?,
        reference,
        attachments: attachments_from_json(&row.try_get::<String, _>("attachments")?)
            .map_err(|e| corrupt("attachments", e))?,
        embeds: row.try_get("embeds")?,
    })
}
