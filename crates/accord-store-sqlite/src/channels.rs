//! [`ChannelStore`] on SQLite: channels, with their permission overwrites in the
//! `channel_overwrites` child table (read back in the order they were written).

use std::collections::HashMap;

use accord_core::Snowflake;
use accord_store::codec::{forum_from_json, forum_to_json};
use accord_store::{ChannelRecord, ChannelStore, EventDraft, OverwriteRecord, StoreResult, ThreadRecord};
use sqlx::SqliteConnection;
use sqlx::sqlite::SqliteRow;

use crate::codec::{Columns, RowExt, bits, ids_json, opt_id};
use crate::error::{corrupt, db};
use crate::{SqliteStore, events};

#[async_trait::async_trait]
impl ChannelStore for SqliteStore {
    async fn create_channel(&self, channel: &ChannelRecord, events: &[EventDraft]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        insert(&mut tx, channel).await.map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn channel(&self, id: Snowflake) -> StoreResult<Option<ChannelRecord>> {
        // One statement (the overwrites as a JSON list), inline: a send reads its channel
        // every time.
        let statement = concat!("SELECT c.*, ", overwrites_json!(), " FROM channels c WHERE c.id = ?1");
        self.inline.optional(statement, [id.as_i64()], |row| channel_with_overwrites(row))
    }

    async fn guild_channels(&self, guild_id: Snowflake) -> StoreResult<Vec<ChannelRecord>> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let rows = sqlx::query("SELECT * FROM channels WHERE guild_id = $1 AND owner_id IS NULL ORDER BY position, id")
            .bind(guild_id.as_i64())
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?;
        let overwrite_rows = sqlx::query(
            "SELECT o.* FROM channel_overwrites o JOIN channels c ON c.id = o.channel_id \
             WHERE c.guild_id = $1 ORDER BY o.rowid",
        )
        .bind(guild_id.as_i64())
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        let mut overwrites: HashMap<Snowflake, Vec<OverwriteRecord>> = HashMap::new();
        for row in &overwrite_rows {
            let channel_id = row.id("channel_id").map_err(db)?;
            overwrites.entry(channel_id).or_default().push(overwrite_from(row).map_err(db)?);
        }
        rows.iter()
            .map(|row| {
                let id = row.id("id")?;
                channel_from(row, overwrites.remove(&id).unwrap_or_default())
            })
            .collect::<sqlx::Result<_>>()
            .map_err(db)
    }

    async fn update_channel(&self, channel: &ChannelRecord, events: &[EventDraft]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let updated = sqlx::query(
            "UPDATE channels SET kind = $2, name = $3, position = $4, parent_id = $5, topic = $6, nsfw = $7, \
             rate_limit_per_user = $8, bitrate = $9, user_limit = $10, forum = $11 WHERE id = $1",
        )
        .bind(channel.id.as_i64())
        .bind(channel.kind)
        .bind(&channel.name)
        .bind(channel.position)
        .bind(opt_id(channel.parent_id))
        .bind(&channel.topic)
        .bind(channel.nsfw)
        .bind(channel.rate_limit_per_user)
        .bind(channel.bitrate)
        .bind(channel.user_limit)
        .bind(channel.forum.as_ref().map(forum_to_json))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if updated.rows_affected() == 0 {
            return Ok(());
        }
        sqlx::query("DELETE FROM channel_overwrites WHERE channel_id = $1")
            .bind(channel.id.as_i64())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        write_overwrites(&mut tx, channel).await.map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn delete_channel(&self, id: Snowflake, events: &[EventDraft]) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        // Its threads go with it; overwrites, invites and messages cascade; other children's
        // parent_id is set to NULL.
        sqlx::query("DELETE FROM channels WHERE parent_id = $1 AND owner_id IS NOT NULL")
            .bind(id.as_i64())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let deleted =
            sqlx::query("DELETE FROM channels WHERE id = $1").bind(id.as_i64()).execute(&mut *tx).await.map_err(db)?;
        if deleted.rows_affected() == 0 {
            return Ok(false);
        }
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }
}

/// Inserts a channel with its overwrites.
pub(crate) async fn insert(conn: &mut SqliteConnection, channel: &ChannelRecord) -> sqlx::Result<()> {
    let thread = channel.thread.as_ref();
    sqlx::query(
        "INSERT INTO channels (id, guild_id, kind, name, position, parent_id, topic, nsfw, rate_limit_per_user, \
         bitrate, user_limit, last_message_id, forum, owner_id, archived, locked, invitable, auto_archive_minutes, \
         archive_ms, thread_created_ms, message_count, member_count, total_message_sent, applied_tags) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, \
         $23, $24)",
    )
    .bind(channel.id.as_i64())
    .bind(opt_id(channel.guild_id))
    .bind(channel.kind)
    .bind(&channel.name)
    .bind(channel.position)
    .bind(opt_id(channel.parent_id))
    .bind(&channel.topic)
    .bind(channel.nsfw)
    .bind(channel.rate_limit_per_user)
    .bind(channel.bitrate)
    .bind(channel.user_limit)
    .bind(opt_id(channel.last_message_id))
    .bind(channel.forum.as_ref().map(forum_to_json))
    .bind(thread.map(|t| t.owner_id.as_i64()))
    .bind(thread.is_some_and(|t| t.archived))
    .bind(thread.is_some_and(|t| t.locked))
    .bind(thread.is_none_or(|t| t.invitable))
    .bind(thread.map_or(0, |t| t.auto_archive_minutes))
    .bind(bits(thread.map_or(0, |t| t.archive_ms)))
    .bind(bits(thread.map_or(0, |t| t.created_ms)))
    .bind(thread.map_or(0, |t| t.message_count))
    .bind(thread.map_or(0, |t| t.member_count))
    .bind(thread.map_or(0, |t| t.total_message_sent))
    .bind(ids_json(thread.map_or(&[][..], |t| &t.applied_tags)))
    .execute(&mut *conn)
    .await?;
    write_overwrites(conn, channel).await
}

/// Writes the channel's overwrites; a repeated target keeps the last one given.
async fn write_overwrites(conn: &mut SqliteConnection, channel: &ChannelRecord) -> sqlx::Result<()> {
    for overwrite in &channel.overwrites {
        sqlx::query(
            "INSERT INTO channel_overwrites (channel_id, target_id, kind, allow, deny) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (channel_id, target_id) DO UPDATE SET kind = excluded.kind, allow = excluded.allow, \
             deny = excluded.deny",
        )
        .bind(channel.id.as_i64())
        .bind(overwrite.id.as_i64())
        .bind(overwrite.kind)
        .bind(bits(overwrite.allow))
        .bind(bits(overwrite.deny))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub(crate) fn channel_from(row: &impl Columns, overwrites: Vec<OverwriteRecord>) -> sqlx::Result<ChannelRecord> {
    let thread = match row.opt_id("owner_id")? {
        None => None,
        Some(owner_id) => Some(ThreadRecord {
            owner_id,
            archived: row.try_get("archived")?,
            locked: row.try_get("locked")?,
            invitable: row.try_get("invitable")?,
            auto_archive_minutes: row.try_get("auto_archive_minutes")?,
            archive_ms: row.bits("archive_ms")?,
            created_ms: row.bits("thread_created_ms")?,
            message_count: row.try_get("message_count")?,
            member_count: row.try_get("member_count")?,
            total_message_sent: row.try_get("total_message_sent")?,
            applied_tags: row.ids("applied_tags")?,
        }),
    };
    let forum = match row.try_get::<Option<String>>("forum")? {
        Some(text) => Some(forum_from_json(&text).map_err(|e| corrupt("forum settings", e))?),
        None => None,
    };
    Ok(ChannelRecord {
        id: row.id("id")?,
        guild_id: row.opt_id("guild_id")?,
        kind: row.try_get("kind")?,
        name: row.try_get("name")?,
        position: row.try_get("position")?,
        parent_id: row.opt_id("parent_id")?,
        topic: row.try_get("topic")?,
        nsfw: row.try_get("nsfw")?,
        rate_limit_per_user: row.try_get("rate_limit_per_user")?,
        bitrate: row.try_get("bitrate")?,
        user_limit: row.try_get("user_limit")?,
        last_message_id: row.opt_id("last_message_id")?,
        overwrites,
        thread,
        forum,
    })
}

/// A channel's overwrites as one column, `overwrites_json`, of a statement reading channel `c`:
/// a JSON list of `[target_id, kind, allow, deny]` in the order they were written.
macro_rules! overwrites_json {
    () => {
        "(SELECT json_group_array(json_array(o.target_id, o.kind, o.allow, o.deny) ORDER BY o.rowid) \
         FROM channel_overwrites o WHERE o.channel_id = c.id) AS overwrites_json"
    };
}
pub(crate) use overwrites_json;

/// A channel from a row of `c.*` and [`overwrites_json!`].
pub(crate) fn channel_with_overwrites(row: &impl Columns) -> sqlx::Result<ChannelRecord> {
    let overwrites = overwrites_from_json(&row.try_get::<String>("overwrites_json")?)?;
    channel_from(row, overwrites)
}

/// Overwrites from the JSON of [`overwrites_json!`].
fn overwrites_from_json(text: &str) -> sqlx::Result<Vec<OverwriteRecord>> {
    let rows: Vec<(i64, u8, i64, i64)> = serde_json::from_str(text).map_err(|e| corrupt("channel overwrites", e))?;
    Ok(rows
        .into_iter()
        .map(|(target, kind, allow, deny)| OverwriteRecord {
            id: Snowflake::from_i64(target),
            kind,
            allow: allow as u64,
            deny: deny as u64,
        })
        .collect())
}

fn overwrite_from(row: &SqliteRow) -> sqlx::Result<OverwriteRecord> {
    Ok(OverwriteRecord {
        id: row.id("target_id")?,
        kind: row.try_get("kind")?,
        allow: row.bits("allow")?,
        deny: row.bits("deny")?,
    })
}
