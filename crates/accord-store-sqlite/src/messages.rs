//! [`MessageStore`] on SQLite: messages keyed by (channel, id); repeated enforced nonces are
//! caught by a partial unique index on (author, nonce), so concurrent repeats resolve to one row.
//! Each write keeps the message's search index rows in step (`message_index`); a message outside
//! guilds opens its DM again for recipients who closed it.

use accord_core::Snowflake;
use accord_store::codec::{attachments_from_json, attachments_to_json};
use accord_store::{
    CreatedMessage, EventDraft, MessageRecord, MessageReference, MessageStore, MessageVersion, Page, PinOutcome,
    StoreResult,
};

use crate::codec::{Columns, RowExt, bits, ids_json, opt_bits};
use crate::error::{corrupt, db};
use crate::{SqliteStore, events, message_index, message_page};

#[async_trait::async_trait]
impl MessageStore for SqliteStore {
    async fn create_message(&self, message: &MessageRecord, events: &[EventDraft]) -> StoreResult<CreatedMessage> {
        self.message_writer.create(message, events).await
    }

    async fn message(&self, channel_id: Snowflake, id: Snowflake) -> StoreResult<Option<MessageRecord>> {
        let statement = "SELECT * FROM messages WHERE channel_id = ?1 AND id = ?2";
        self.inline.optional(statement, (channel_id.as_i64(), id.as_i64()), |row| message_from(row))
    }

    async fn messages(&self, channel_id: Snowflake, page: Page) -> StoreResult<Vec<MessageRecord>> {
        message_page::read(&self.inline, channel_id, page)
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
        .bind(ids_json(&message.mention_user_ids))
        .bind(ids_json(&message.mention_role_ids))
        .bind(attachments_to_json(&message.attachments))
        .bind(&message.embeds)
        .bind(message.has_bits())
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
        let statement =
            "SELECT * FROM messages WHERE channel_id = ?1 AND pinned_ms IS NOT NULL ORDER BY pinned_ms DESC, id DESC";
        self.inline.all(statement, [channel_id.as_i64()], |row| message_from(row))
    }

    async fn message_versions(&self, channel_id: Snowflake, id: Snowflake) -> StoreResult<Vec<MessageVersion>> {
        let statement = "SELECT * FROM message_versions WHERE channel_id = ?1 AND message_id = ?2 ORDER BY version ASC";
        self.inline.all(statement, (channel_id.as_i64(), id.as_i64()), |row| {
            Ok(MessageVersion {
                version: row.try_get("version")?,
                content: row.try_get("content")?,
                embeds: row.try_get("embeds")?,
                written_ms: row.bits("written_ms")?,
                replaced_ms: row.bits("replaced_ms")?,
            })
        })
    }
}

/// Writes `message` and its `events` on `conn`, inside the caller's transaction; a repeated
/// enforced nonce writes nothing and returns the original.
pub(crate) async fn create(
    conn: &mut sqlx::SqliteConnection,
    message: &MessageRecord,
    events: &[EventDraft],
) -> sqlx::Result<CreatedMessage> {
    let inserted = insert(conn, message).await?;
    if inserted.rows_affected() == 0 {
        // Only the enforced-nonce index is resolved by DO NOTHING, so the original exists.
        let row = sqlx::query("SELECT * FROM messages WHERE author_id = $1 AND nonce = $2 AND enforced_nonce = 1")
            .bind(message.author_id.as_i64())
            .bind(&message.nonce)
            .fetch_one(&mut *conn)
            .await?;
        return message_from(&row).map(CreatedMessage::Existing);
    }
    sqlx::query(
        "UPDATE channels SET last_message_id = $2 \
         WHERE id = $1 AND (last_message_id IS NULL OR last_message_id < $2)",
    )
    .bind(message.channel_id.as_i64())
    .bind(message.id.as_i64())
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE channels SET message_count = message_count + 1, total_message_sent = total_message_sent + 1 \
         WHERE id = $1 AND owner_id IS NOT NULL",
    )
    .bind(message.channel_id.as_i64())
    .execute(&mut *conn)
    .await?;
    if message.guild_id.is_none() {
        // A DM or group DM: shown again to those who closed it.
        sqlx::query("UPDATE channel_recipients SET open = 1 WHERE channel_id = $1 AND open = 0")
            .bind(message.channel_id.as_i64())
            .execute(&mut *conn)
            .await?;
    }
    message_index::add(conn, message).await?;
    events::write(conn, events).await?;
    Ok(CreatedMessage::New(message.clone()))
}

/// Inserts a message unless its enforced nonce was used (then no row is affected).
pub(crate) async fn insert(
    conn: &mut sqlx::SqliteConnection,
    message: &MessageRecord,
) -> sqlx::Result<sqlx::sqlite::SqliteQueryResult> {
    let on_conflict = " ON CONFLICT (author_id, nonce) WHERE enforced_nonce = 1 DO NOTHING";
    crate::message_batch::insert_query(&[message], on_conflict).build().execute(conn).await
}

/// Deletes a message with what depends on it: its index rows here, its reactions, versions
/// and mentions by cascade, its pin with the row; and takes it off its thread's count.
/// Returns whether it existed.
pub(crate) async fn delete(
    conn: &mut sqlx::SqliteConnection,
    channel_id: Snowflake,
    id: Snowflake,
) -> sqlx::Result<bool> {
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

/// The message as the transaction sees it.
async fn read(
    conn: &mut sqlx::SqliteConnection,
    channel_id: Snowflake,
    id: Snowflake,
) -> sqlx::Result<Option<MessageRecord>> {
    let row = sqlx::query("SELECT * FROM messages WHERE channel_id = $1 AND id = $2")
        .bind(channel_id.as_i64())
        .bind(id.as_i64())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(message_from).transpose()
}

/// Keeps `current` as the next version, replaced at `replaced_ms` (now when unknown).
async fn keep_version(
    conn: &mut sqlx::SqliteConnection,
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

/// A message from its row. The columns are read in the table's order, which inline reads find
/// fastest.
pub(crate) fn message_from(row: &impl Columns) -> sqlx::Result<MessageRecord> {
    let channel_id = row.id("channel_id")?;
    let id = row.id("id")?;
    let guild_id = row.opt_id("guild_id")?;
    let author_id = row.id("author_id")?;
    let content = row.try_get("content")?;
    let nonce = row.try_get("nonce")?;
    let enforced_nonce = row.try_get("enforced_nonce")?;
    let tts = row.try_get("tts")?;
    let kind = row.try_get("kind")?;
    let flags = row.bits("flags")?;
    let edited_ms = row.opt_bits("edited_ms")?;
    let mention_everyone = row.try_get("mention_everyone")?;
    let mention_user_ids = row.ids("mention_user_ids")?;
    let mention_role_ids = row.ids("mention_role_ids")?;
    let reference = match (row.opt_id("ref_message_id")?, row.opt_id("ref_channel_id")?) {
        (Some(message_id), Some(channel_id)) => {
            Some(MessageReference { message_id, channel_id, guild_id: row.opt_id("ref_guild_id")? })
        }
        _ => None,
    };
    Ok(MessageRecord {
        id,
        channel_id,
        guild_id,
        author_id,
        content,
        nonce,
        enforced_nonce,
        tts,
        kind,
        flags,
        edited_ms,
        pinned_ms: row.opt_bits("pinned_ms")?,
        mention_everyone,
        mention_user_ids,
        mention_role_ids,
        reference,
        attachments: attachments_from_json(&row.try_get::<String>("attachments")?)
            .map_err(|e| corrupt("attachments", e))?,
        embeds: row.try_get("embeds")?,
    })
}
