//! [`ChannelStore`] on PostgreSQL: channels, with their permission overwrites in the
//! `channel_overwrites` child table (kept in the order they were given). A channel is read
//! with its overwrites in one statement, so both come from the same snapshot.

use accord_core::Snowflake;
use accord_store::codec::{forum_from_json, forum_to_json};
use accord_store::{ChannelRecord, ChannelStore, EventDraft, OverwriteRecord, StoreResult, ThreadRecord};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use crate::codec::{RowExt, bits, ids, opt_id, opt_wide, small, wide};
use crate::error::{corrupt, db};
use crate::{PostgresStore, events};

/// Channels with their overwrites aggregated into four parallel arrays, in overwrite order.
/// A macro so that `concat!` can build whole `&'static str` queries from it.
macro_rules! select_channels {
    () => {
        "SELECT c.*, o.target_ids, o.kinds, o.allows, o.denies FROM channels c \
         LEFT JOIN LATERAL (SELECT array_agg(target_id ORDER BY position) AS target_ids, \
         array_agg(kind ORDER BY position) AS kinds, array_agg(allow ORDER BY position) AS allows, \
         array_agg(deny ORDER BY position) AS denies \
         FROM channel_overwrites WHERE channel_id = c.id) o ON TRUE"
    };
}

#[async_trait::async_trait]
impl ChannelStore for PostgresStore {
    async fn create_channel(&self, channel: &ChannelRecord, events: &[EventDraft]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        insert(&mut tx, channel).await.map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn channel(&self, id: Snowflake) -> StoreResult<Option<ChannelRecord>> {
        let row = sqlx::query(concat!(select_channels!(), " WHERE c.id = $1"))
            .bind(id.as_i64())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(channel_from).transpose().map_err(db)
    }

    async fn guild_channels(&self, guild_id: Snowflake) -> StoreResult<Vec<ChannelRecord>> {
        let rows = sqlx::query(concat!(
            select_channels!(),
            " WHERE c.guild_id = $1 AND c.owner_id IS NULL ORDER BY c.position, c.id"
        ))
        .bind(guild_id.as_i64())
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(channel_from).collect::<sqlx::Result<_>>().map_err(db)
    }

    async fn update_channel(&self, channel: &ChannelRecord, events: &[EventDraft]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        // The UPDATE locks the channel row until commit, so concurrent updates of one channel
        // replace its overwrites one after the other rather than interleaving.
        let updated = sqlx::query(
            "UPDATE channels SET kind = $2, name = $3, position = $4, parent_id = $5, topic = $6, nsfw = $7, \
             rate_limit_per_user = $8, bitrate = $9, user_limit = $10, forum = $11 WHERE id = $1",
        )
        .bind(channel.id.as_i64())
        .bind(small(channel.kind))
        .bind(&channel.name)
        .bind(channel.position)
        .bind(opt_id(channel.parent_id))
        .bind(&channel.topic)
        .bind(channel.nsfw)
        .bind(wide(channel.rate_limit_per_user))
        .bind(opt_wide(channel.bitrate))
        .bind(opt_wide(channel.user_limit))
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
        // Overwrites, invites and messages cascade; children's parent_id is set to NULL.
        // Its threads go with it (their messages and members cascade).
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
pub(crate) async fn insert(conn: &mut PgConnection, channel: &ChannelRecord) -> sqlx::Result<()> {
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
    .bind(small(channel.kind))
    .bind(&channel.name)
    .bind(channel.position)
    .bind(opt_id(channel.parent_id))
    .bind(&channel.topic)
    .bind(channel.nsfw)
    .bind(wide(channel.rate_limit_per_user))
    .bind(opt_wide(channel.bitrate))
    .bind(opt_wide(channel.user_limit))
    .bind(opt_id(channel.last_message_id))
    .bind(channel.forum.as_ref().map(forum_to_json))
    .bind(thread.map(|t| t.owner_id.as_i64()))
    .bind(thread.is_some_and(|t| t.archived))
    .bind(thread.is_some_and(|t| t.locked))
    .bind(thread.is_none_or(|t| t.invitable))
    .bind(count(thread.map_or(0, |t| t.auto_archive_minutes)))
    .bind(bits(thread.map_or(0, |t| t.archive_ms)))
    .bind(bits(thread.map_or(0, |t| t.created_ms)))
    .bind(count(thread.map_or(0, |t| t.message_count)))
    .bind(count(thread.map_or(0, |t| t.member_count)))
    .bind(count(thread.map_or(0, |t| t.total_message_sent)))
    .bind(ids(thread.map_or(&[][..], |t| &t.applied_tags)))
    .execute(&mut *conn)
    .await?;
    write_overwrites(conn, channel).await
}

/// Writes the channel's overwrites in one statement. A repeated target keeps the place of its
/// first occurrence and the values of its last, as an upsert per overwrite would; the list is
/// folded here because one INSERT cannot update a row it inserted itself.
async fn write_overwrites(conn: &mut PgConnection, channel: &ChannelRecord) -> sqlx::Result<()> {
    let mut folded: Vec<OverwriteRecord> = Vec::with_capacity(channel.overwrites.len());
    for overwrite in &channel.overwrites {
        match folded.iter_mut().find(|o| o.id == overwrite.id) {
            Some(earlier) => *earlier = *overwrite,
            None => folded.push(*overwrite),
        }
    }
    if folded.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO channel_overwrites (channel_id, target_id, kind, allow, deny, position) \
         SELECT $1, t.target_id, t.kind, t.allow, t.deny, t.position - 1 \
         FROM UNNEST($2::BIGINT[], $3::SMALLINT[], $4::BIGINT[], $5::BIGINT[]) \
         WITH ORDINALITY AS t (target_id, kind, allow, deny, position)",
    )
    .bind(channel.id.as_i64())
    .bind(folded.iter().map(|o| o.id.as_i64()).collect::<Vec<_>>())
    .bind(folded.iter().map(|o| small(o.kind)).collect::<Vec<_>>())
    .bind(folded.iter().map(|o| bits(o.allow)).collect::<Vec<_>>())
    .bind(folded.iter().map(|o| bits(o.deny)).collect::<Vec<_>>())
    .execute(conn)
    .await
    .map(drop)
}

/// A count or a number of minutes as an INTEGER column holds it.
pub(crate) fn count(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

fn read_count(row: &PgRow, column: &str) -> sqlx::Result<u32> {
    u32::try_from(row.try_get::<i32, _>(column)?).map_err(|e| corrupt(column, e))
}

pub(crate) fn channel_from(row: &PgRow) -> sqlx::Result<ChannelRecord> {
    let thread = match row.opt_id("owner_id")? {
        None => None,
        Some(owner_id) => Some(ThreadRecord {
            owner_id,
            archived: row.try_get("archived")?,
            locked: row.try_get("locked")?,
            invitable: row.try_get("invitable")?,
            auto_archive_minutes: read_count(row, "auto_archive_minutes")?,
            archive_ms: row.bits("archive_ms")?,
            created_ms: row.bits("thread_created_ms")?,
            message_count: read_count(row, "message_count")?,
            member_count: read_count(row, "member_count")?,
            total_message_sent: read_count(row, "total_message_sent")?,
            applied_tags: row.ids("applied_tags")?,
        }),
    };
    let forum = match row.try_get::<Option<String>, _>("forum")? {
        Some(text) => Some(forum_from_json(&text).map_err(|e| corrupt("forum settings", e))?),
        None => None,
    };
    Ok(ChannelRecord {
        id: row.id("id")?,
        guild_id: row.opt_id("guild_id")?,
        kind: row.small("kind")?,
        name: row.try_get("name")?,
        position: row.try_get("position")?,
        parent_id: row.opt_id("parent_id")?,
        topic: row.try_get("topic")?,
        nsfw: row.try_get("nsfw")?,
        rate_limit_per_user: row.wide("rate_limit_per_user")?,
        bitrate: row.opt_wide("bitrate")?,
        user_limit: row.opt_wide("user_limit")?,
        last_message_id: row.opt_id("last_message_id")?,
        overwrites: overwrites_from(row)?,
        thread,
        forum,
    })
}

/// Zips the four aggregated overwrite arrays back into records (NULL when there are none).
fn overwrites_from(row: &PgRow) -> sqlx::Result<Vec<OverwriteRecord>> {
    let targets = row.ids("target_ids")?;
    let kinds: Vec<i16> = row.try_get::<Option<_>, _>("kinds")?.unwrap_or_default();
    let allows: Vec<i64> = row.try_get::<Option<_>, _>("allows")?.unwrap_or_default();
    let denies: Vec<i64> = row.try_get::<Option<_>, _>("denies")?.unwrap_or_default();
    if kinds.len() != targets.len() || allows.len() != targets.len() || denies.len() != targets.len() {
        return Err(corrupt("overwrites", "aggregated arrays differ in length"));
    }
    targets
        .into_iter()
        .zip(kinds)
        .zip(allows.into_iter().zip(denies))
        .map(|((id, kind), (allow, deny))| {
            let kind = u8::try_from(kind).map_err(|e| corrupt("overwrite kind", e))?;
            Ok(OverwriteRecord { id, kind, allow: allow as u64, deny: deny as u64 })
        })
        .collect()
}
