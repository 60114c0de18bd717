//! [`ModerationStore`] on PostgreSQL: bans keyed by (guild, user), and reads of the audit log
//! (whose rows `events` writes). A ban's message deletion goes through `messages::delete`, so
//! it removes exactly what deleting those messages one by one would.
//!
//! Why the ban lock: a ban removes the membership it sees, and a join through an invite checks
//! for a ban it sees; under READ COMMITTED neither sees the other's uncommitted row, so a join
//! racing a ban could leave a banned member. Both take a transaction-scoped advisory lock on
//! the (guild, user) pair first, so they run one after the other.

use accord_core::Snowflake;
use accord_store::{AuditLogQuery, BanEvents, BanOutcome, BanRecord, EventDraft, ModerationStore, StoreResult};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use crate::codec::{RowExt, bits, opt_id, wide};
use crate::error::db;
use crate::{PostgresStore, events, members, messages};

/// The first key of the ban locks ("BANS" in ASCII). Two-key advisory locks live apart from
/// the one-key ones (the outbox lock), and this first key apart from the pair locks'.
const BAN_LOCK: i32 = 0x4241_4e53;

/// A guild's bans between two user ids, upwards (`after` pages) or downwards (`before` pages).
const BANS_UP: &str =
    "SELECT * FROM bans WHERE guild_id = $1 AND user_id > $2 AND user_id < $3 ORDER BY user_id ASC LIMIT $4";
const BANS_DOWN: &str =
    "SELECT * FROM bans WHERE guild_id = $1 AND user_id > $2 AND user_id < $3 ORDER BY user_id DESC LIMIT $4";

/// A guild's audit log entries between two ids, by whom and of what type when given, upwards
/// (`after` pages) or downwards.
const AUDIT_LOG_UP: &str = "SELECT data FROM audit_log WHERE guild_id = $1 AND id > $2 AND id < $3 \
     AND ($4::BIGINT IS NULL OR user_id = $4) AND ($5::INTEGER IS NULL OR action_type = $5) \
     ORDER BY id ASC LIMIT $6";
const AUDIT_LOG_DOWN: &str = "SELECT data FROM audit_log WHERE guild_id = $1 AND id > $2 AND id < $3 \
     AND ($4::BIGINT IS NULL OR user_id = $4) AND ($5::INTEGER IS NULL OR action_type = $5) \
     ORDER BY id DESC LIMIT $6";

#[async_trait::async_trait]
impl ModerationStore for PostgresStore {
    async fn ban(
        &self,
        ban: &BanRecord,
        delete_from: Option<Snowflake>,
        events: &BanEvents<'_>,
    ) -> StoreResult<BanOutcome> {
        let mut tx = self.write().await?;
        lock_ban(&mut tx, ban.guild_id, ban.user_id).await.map_err(db)?;
        let inserted = sqlx::query(
            "INSERT INTO bans (guild_id, user_id, reason, created_ms) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (guild_id, user_id) DO NOTHING",
        )
        .bind(ban.guild_id.as_i64())
        .bind(ban.user_id.as_i64())
        .bind(&ban.reason)
        .bind(bits(ban.created_ms))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if inserted.rows_affected() == 0 {
            return Ok(BanOutcome { already_banned: true, ..BanOutcome::default() });
        }
        let was_member = members::delete(&mut tx, ban.guild_id, ban.user_id).await.map_err(db)?;
        let deleted = match delete_from {
            Some(from) => delete_messages_of(&mut tx, ban.guild_id, ban.user_id, from).await.map_err(db)?,
            None => Vec::new(),
        };
        let outcome = BanOutcome { already_banned: false, was_member, deleted };
        events::write(&mut tx, &events(&outcome)).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(outcome)
    }

    async fn ban_of(&self, guild_id: Snowflake, user_id: Snowflake) -> StoreResult<Option<BanRecord>> {
        let row = sqlx::query("SELECT * FROM bans WHERE guild_id = $1 AND user_id = $2")
            .bind(guild_id.as_i64())
            .bind(user_id.as_i64())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(ban_from).transpose().map_err(db)
    }

    async fn bans(
        &self,
        guild_id: Snowflake,
        before: Option<Snowflake>,
        after: Option<Snowflake>,
        limit: u32,
    ) -> StoreResult<Vec<BanRecord>> {
        // With `before`, the last `limit` below it: read downwards, then turn around.
        let sql = if before.is_some() { BANS_DOWN } else { BANS_UP };
        let rows = sqlx::query(sql)
            .bind(guild_id.as_i64())
            .bind(after.map_or(0, Snowflake::as_i64))
            .bind(before.map_or(i64::MAX, Snowflake::as_i64))
            .bind(wide(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        let mut bans = rows.iter().map(ban_from).collect::<sqlx::Result<Vec<_>>>().map_err(db)?;
        if before.is_some() {
            bans.reverse();
        }
        Ok(bans)
    }

    async fn unban(&self, guild_id: Snowflake, user_id: Snowflake, events: &[EventDraft]) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let deleted = sqlx::query("DELETE FROM bans WHERE guild_id = $1 AND user_id = $2")
            .bind(guild_id.as_i64())
            .bind(user_id.as_i64())
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

    async fn audit_log(&self, guild_id: Snowflake, query: &AuditLogQuery) -> StoreResult<Vec<String>> {
        // With `after`, the first `limit` above it: read upwards, then turn around.
        let sql = if query.after.is_some() { AUDIT_LOG_UP } else { AUDIT_LOG_DOWN };
        let rows: Vec<String> = sqlx::query_scalar(sql)
            .bind(guild_id.as_i64())
            .bind(query.after.map_or(0, Snowflake::as_i64))
            .bind(query.before.map_or(i64::MAX, Snowflake::as_i64))
            .bind(opt_id(query.user_id))
            .bind(query.action_type.map(i32::from))
            .bind(wide(query.limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        Ok(if query.after.is_some() { rows.into_iter().rev().collect() } else { rows })
    }
}

/// Takes the ban lock of (guild, user) and answers whether the user is banned from the guild.
pub(crate) async fn lock_and_check_ban(
    conn: &mut PgConnection,
    guild_id: Snowflake,
    user_id: Snowflake,
) -> sqlx::Result<bool> {
    lock_ban(&mut *conn, guild_id, user_id).await?;
    let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM bans WHERE guild_id = $1 AND user_id = $2")
        .bind(guild_id.as_i64())
        .bind(user_id.as_i64())
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

/// Waits for, then holds until the transaction ends, the ban lock of (guild, user).
async fn lock_ban(conn: &mut PgConnection, guild_id: Snowflake, user_id: Snowflake) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
        .bind(BAN_LOCK)
        .bind(ban_hash(guild_id, user_id))
        .execute(conn)
        .await
        .map(drop)
}

/// The second key of a (guild, user) ban lock, the same in every process. Two pairs that share
/// it merely wait for each other.
fn ban_hash(guild_id: Snowflake, user_id: Snowflake) -> i32 {
    let mixed = guild_id.get().wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ user_id.get();
    (mixed ^ (mixed >> 32)) as i32
}

/// Deletes the user's messages from `from` on in the guild's channels and threads; returns
/// their ids by channel, each ascending.
async fn delete_messages_of(
    conn: &mut PgConnection,
    guild_id: Snowflake,
    user_id: Snowflake,
    from: Snowflake,
) -> sqlx::Result<Vec<(Snowflake, Vec<Snowflake>)>> {
    let rows = sqlx::query(
        "SELECT m.channel_id, m.id FROM messages m JOIN channels c ON c.id = m.channel_id \
         WHERE m.author_id = $2 AND m.id >= $3 AND c.guild_id = $1 ORDER BY m.channel_id, m.id",
    )
    .bind(guild_id.as_i64())
    .bind(user_id.as_i64())
    .bind(from.as_i64())
    .fetch_all(&mut *conn)
    .await?;
    let mut deleted: Vec<(Snowflake, Vec<Snowflake>)> = Vec::new();
    for row in &rows {
        let (channel_id, id) = (row.id("channel_id")?, row.id("id")?);
        // A message deleted by a concurrent transaction since the SELECT is simply gone.
        if !messages::delete(&mut *conn, channel_id, id).await? {
            continue;
        }
        match deleted.last_mut() {
            Some((channel, ids)) if *channel == channel_id => ids.push(id),
            _ => deleted.push((channel_id, vec![id])),
        }
    }
    Ok(deleted)
}

fn ban_from(row: &PgRow) -> sqlx::Result<BanRecord> {
    Ok(BanRecord {
        guild_id: row.id("guild_id")?,
        user_id: row.id("user_id")?,
        reason: row.try_get("reason")?,
        created_ms: row.bits("created_ms")?,
    })
}
