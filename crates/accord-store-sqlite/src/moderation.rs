//! [`ModerationStore`] on SQLite: bans keyed by (guild, user), and reads of the audit log
//! (whose rows `events` writes). A ban's message deletion goes through `messages::delete`, so
//! it removes exactly what deleting those messages one by one would. Writers take turns
//! (`BEGIN IMMEDIATE`), so a join through an invite and a ban of the same user never
//! interleave: the join's ban check sees every committed ban.

use accord_core::Snowflake;
use accord_store::{AuditLogQuery, BanEvents, BanOutcome, BanRecord, EventDraft, ModerationStore, StoreResult};
use sqlx::SqliteConnection;

use crate::codec::{Columns, RowExt, bits, opt_id};
use crate::error::db;
use crate::{SqliteStore, events, members, messages};

/// A guild's bans between two user ids, upwards (`after` pages) or downwards (`before` pages).
const BANS_UP: &str =
    "SELECT * FROM bans WHERE guild_id = ?1 AND user_id > ?2 AND user_id < ?3 ORDER BY user_id ASC LIMIT ?4";
const BANS_DOWN: &str =
    "SELECT * FROM bans WHERE guild_id = ?1 AND user_id > ?2 AND user_id < ?3 ORDER BY user_id DESC LIMIT ?4";

/// A guild's audit log entries between two ids, by whom and of what type when given, upwards
/// (`after` pages) or downwards.
const AUDIT_LOG_UP: &str = "SELECT data FROM audit_log WHERE guild_id = ?1 AND id > ?2 AND id < ?3 \
     AND (?4 IS NULL OR user_id = ?4) AND (?5 IS NULL OR action_type = ?5) ORDER BY id ASC LIMIT ?6";
const AUDIT_LOG_DOWN: &str = "SELECT data FROM audit_log WHERE guild_id = ?1 AND id > ?2 AND id < ?3 \
     AND (?4 IS NULL OR user_id = ?4) AND (?5 IS NULL OR action_type = ?5) ORDER BY id DESC LIMIT ?6";

#[async_trait::async_trait]
impl ModerationStore for SqliteStore {
    async fn ban(
        &self,
        ban: &BanRecord,
        delete_from: Option<Snowflake>,
        events: &BanEvents<'_>,
    ) -> StoreResult<BanOutcome> {
        let mut tx = self.write().await?;
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
        let statement = "SELECT * FROM bans WHERE guild_id = ?1 AND user_id = ?2";
        self.inline.optional(statement, (guild_id.as_i64(), user_id.as_i64()), |row| ban_from(row))
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
        let params =
            (guild_id.as_i64(), after.map_or(0, Snowflake::as_i64), before.map_or(i64::MAX, Snowflake::as_i64), limit);
        let mut bans = self.inline.all(sql, params, |row| ban_from(row))?;
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
        let params = (
            guild_id.as_i64(),
            query.after.map_or(0, Snowflake::as_i64),
            query.before.map_or(i64::MAX, Snowflake::as_i64),
            opt_id(query.user_id),
            query.action_type,
            query.limit,
        );
        let rows = self.inline.all(sql, params, |row| row.try_get::<String>("data"))?;
        Ok(if query.after.is_some() { rows.into_iter().rev().collect() } else { rows })
    }
}

/// Whether the user is banned from the guild, as the transaction sees it.
pub(crate) async fn is_banned(
    conn: &mut SqliteConnection,
    guild_id: Snowflake,
    user_id: Snowflake,
) -> sqlx::Result<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM bans WHERE guild_id = $1 AND user_id = $2")
        .bind(guild_id.as_i64())
        .bind(user_id.as_i64())
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

/// Deletes the user's messages from `from` on in the guild's channels and threads; returns
/// their ids by channel, each ascending.
async fn delete_messages_of(
    conn: &mut SqliteConnection,
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

fn ban_from(row: &impl Columns) -> sqlx::Result<BanRecord> {
    Ok(BanRecord {
        guild_id: row.id("guild_id")?,
        user_id: row.id("user_id")?,
        reason: row.try_get("reason")?,
        created_ms: row.bits("created_ms")?,
    })
}
