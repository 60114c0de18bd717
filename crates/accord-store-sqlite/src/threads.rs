//! [`ThreadStore`] on SQLite: threads are rows of `channels` with `owner_id` set; members in
//! `thread_members`, counted into the thread's `member_count` in the same transaction.

use accord_core::Snowflake;
use accord_store::{
    ChannelRecord, EventDraft, MessageRecord, StoreError, StoreResult, ThreadMemberRecord, ThreadStore,
};

use crate::channels::{channel_from, insert};
use crate::codec::{Columns, RowExt, bits, ids_json};
use crate::error::db;
use crate::{SqliteStore, events, message_index, messages};

/// Discord's HAS_THREAD message flag.
const HAS_THREAD: i64 = 1 << 5;

#[async_trait::async_trait]
impl ThreadStore for SqliteStore {
    async fn create_thread(
        &self,
        thread: &ChannelRecord,
        from_message: Option<Snowflake>,
        starter: Option<&MessageRecord>,
        events: &[EventDraft],
    ) -> StoreResult<()> {
        let owner = thread.thread.as_ref().map(|t| t.owner_id).ok_or(StoreError::Internal("not a thread".into()))?;
        let mut tx = self.write().await?;
        if let Some(message_id) = from_message {
            let flagged = sqlx::query(
                "UPDATE messages SET flags = flags | $3 WHERE channel_id = $1 AND id = $2 AND flags & $3 = 0",
            )
            .bind(thread.parent_id.map(Snowflake::as_i64))
            .bind(message_id.as_i64())
            .bind(HAS_THREAD)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            if flagged.rows_affected() == 0 {
                return Err(StoreError::Conflict("thread"));
            }
        }
        insert(
            &mut tx,
            &ChannelRecord {
                thread: thread.thread.clone().map(|mut t| {
                    t.member_count = 1;
                    t
                }),
                ..thread.clone()
            },
        )
        .await
        .map_err(db)?;
        sqlx::query("INSERT INTO thread_members (thread_id, user_id, joined_ms, flags) VALUES ($1, $2, $3, 0)")
            .bind(thread.id.as_i64())
            .bind(owner.as_i64())
            .bind(bits(thread.thread.as_ref().map_or(0, |t| t.created_ms)))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if let Some(starter) = starter {
            messages::insert(&mut tx, starter).await.map_err(db)?;
            sqlx::query("UPDATE channels SET last_message_id = $2 WHERE id = $1")
                .bind(thread.id.as_i64())
                .bind(starter.id.as_i64())
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            message_index::add(&mut tx, starter).await.map_err(db)?;
        }
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn update_thread(&self, thread: &ChannelRecord, events: &[EventDraft]) -> StoreResult<()> {
        let Some(meta) = &thread.thread else { return Err(StoreError::Internal("not a thread".into())) };
        let mut tx = self.write().await?;
        let updated = sqlx::query(
            "UPDATE channels SET name = $2, rate_limit_per_user = $3, archived = $4, locked = $5, invitable = $6, \
             auto_archive_minutes = $7, archive_ms = $8, applied_tags = $9 WHERE id = $1 AND owner_id IS NOT NULL",
        )
        .bind(thread.id.as_i64())
        .bind(&thread.name)
        .bind(thread.rate_limit_per_user)
        .bind(meta.archived)
        .bind(meta.locked)
        .bind(meta.invitable)
        .bind(meta.auto_archive_minutes)
        .bind(bits(meta.archive_ms))
        .bind(ids_json(&meta.applied_tags))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if updated.rows_affected() == 0 {
            return Ok(());
        }
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn active_threads(&self, guild_id: Snowflake) -> StoreResult<Vec<ChannelRecord>> {
        let statement = "SELECT * FROM channels WHERE guild_id = ?1 AND owner_id IS NOT NULL AND archived = 0 \
             ORDER BY COALESCE(last_message_id, id) DESC, id DESC";
        self.inline.all(statement, [guild_id.as_i64()], |row| thread_from(row))
    }

    async fn archived_threads(
        &self,
        parent_id: Snowflake,
        private: bool,
        before_ms: Option<u64>,
        limit: u32,
    ) -> StoreResult<Vec<ChannelRecord>> {
        let statement = "SELECT * FROM channels WHERE parent_id = ?1 AND owner_id IS NOT NULL AND archived = 1 \
             AND (kind = 12) = ?2 AND archive_ms < ?3 ORDER BY archive_ms DESC, id DESC LIMIT ?4";
        let params = (parent_id.as_i64(), private, bits(before_ms.unwrap_or(u64::MAX >> 1)), limit);
        self.inline.all(statement, params, |row| thread_from(row))
    }

    async fn stale_threads(&self, now_ms: u64, limit: u32) -> StoreResult<Vec<ChannelRecord>> {
        // A snowflake's time is (id >> 22) + the Discord epoch.
        let statement = "SELECT * FROM channels WHERE owner_id IS NOT NULL AND archived = 0 \
             AND MAX(archive_ms, COALESCE((last_message_id >> 22) + 1420070400000, 0)) \
             + auto_archive_minutes * 60000 <= ?1 ORDER BY id LIMIT ?2";
        self.inline.all(statement, (bits(now_ms), limit), |row| thread_from(row))
    }

    async fn add_thread_member(&self, member: &ThreadMemberRecord, events: &[EventDraft]) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let added = sqlx::query(
            "INSERT INTO thread_members (thread_id, user_id, joined_ms, flags) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(member.thread_id.as_i64())
        .bind(member.user_id.as_i64())
        .bind(bits(member.joined_ms))
        .bind(bits(member.flags))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if added.rows_affected() == 0 {
            return Ok(false);
        }
        count_members(&mut tx, member.thread_id, 1).await?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn remove_thread_member(
        &self,
        thread_id: Snowflake,
        user_id: Snowflake,
        events: &[EventDraft],
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let removed = sqlx::query("DELETE FROM thread_members WHERE thread_id = $1 AND user_id = $2")
            .bind(thread_id.as_i64())
            .bind(user_id.as_i64())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if removed.rows_affected() == 0 {
            return Ok(false);
        }
        count_members(&mut tx, thread_id, -1).await?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn thread_members(&self, thread_id: Snowflake) -> StoreResult<Vec<ThreadMemberRecord>> {
        let statement = "SELECT * FROM thread_members WHERE thread_id = ?1 ORDER BY user_id";
        self.inline.all(statement, [thread_id.as_i64()], |row| member_from(row))
    }

    async fn memberships(&self, user_id: Snowflake, thread_ids: &[Snowflake]) -> StoreResult<Vec<ThreadMemberRecord>> {
        let statement = "SELECT * FROM thread_members WHERE user_id = ?1 \
             AND thread_id IN (SELECT value FROM json_each(?2)) ORDER BY thread_id";
        self.inline.all(statement, (user_id.as_i64(), ids_json(thread_ids)), |row| member_from(row))
    }
}

async fn count_members(conn: &mut sqlx::SqliteConnection, thread_id: Snowflake, change: i64) -> StoreResult<()> {
    sqlx::query("UPDATE channels SET member_count = MAX(member_count + $2, 0) WHERE id = $1")
        .bind(thread_id.as_i64())
        .bind(change)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
}

/// A thread from its channel row: threads have no permission overwrites of their own (they
/// follow their parent's).
fn thread_from(row: &impl Columns) -> sqlx::Result<ChannelRecord> {
    channel_from(row, Vec::new())
}

fn member_from(row: &impl Columns) -> sqlx::Result<ThreadMemberRecord> {
    Ok(ThreadMemberRecord {
        thread_id: row.id("thread_id")?,
        user_id: row.id("user_id")?,
        joined_ms: row.bits("joined_ms")?,
        flags: row.try_get::<i64>("flags")? as u64,
    })
}
