//! [`MemberStore`] on SQLite: memberships keyed by (guild, user), role ids as a JSON array.

use accord_core::Snowflake;
use accord_store::{EventDraft, MemberRecord, MemberStore, StoreResult};
use sqlx::SqliteConnection;

use crate::codec::{Columns, RowExt, bits, ids_json, opt_bits};
use crate::error::db;
use crate::{SqliteStore, events};

#[async_trait::async_trait]
impl MemberStore for SqliteStore {
    async fn add_member(&self, member: &MemberRecord, events: &[EventDraft]) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        if !insert(&mut tx, member).await.map_err(db)? {
            return Ok(false);
        }
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn member(&self, guild_id: Snowflake, user_id: Snowflake) -> StoreResult<Option<MemberRecord>> {
        let statement = "SELECT * FROM members WHERE guild_id = ?1 AND user_id = ?2";
        self.inline.optional(statement, (guild_id.as_i64(), user_id.as_i64()), |row| member_from(row))
    }

    async fn members(
        &self,
        guild_id: Snowflake,
        after: Option<Snowflake>,
        limit: u32,
    ) -> StoreResult<Vec<MemberRecord>> {
        let statement = "SELECT * FROM members WHERE guild_id = ?1 AND user_id > ?2 ORDER BY user_id LIMIT ?3";
        let params = (guild_id.as_i64(), after.map_or(0, Snowflake::as_i64), limit);
        self.inline.all(statement, params, |row| member_from(row))
    }

    async fn update_member(&self, member: &MemberRecord, events: &[EventDraft]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let updated = sqlx::query(
            "UPDATE members SET nick = $3, roles = $4, deaf = $5, mute = $6, flags = $7, \
             communication_disabled_until_ms = $8 WHERE guild_id = $1 AND user_id = $2",
        )
        .bind(member.guild_id.as_i64())
        .bind(member.user_id.as_i64())
        .bind(&member.nick)
        .bind(ids_json(&member.roles))
        .bind(member.deaf)
        .bind(member.mute)
        .bind(bits(member.flags))
        .bind(opt_bits(member.communication_disabled_until_ms))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if updated.rows_affected() == 0 {
            return Ok(());
        }
        if !member.roles.is_empty() {
            sqlx::query("DELETE FROM temporary_members WHERE guild_id = $1 AND user_id = $2")
                .bind(member.guild_id.as_i64())
                .bind(member.user_id.as_i64())
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn shared_guilds(&self, user_id: Snowflake, other_id: Snowflake) -> StoreResult<Vec<Snowflake>> {
        let statement = "SELECT a.guild_id FROM members a JOIN members b ON b.guild_id = a.guild_id AND b.user_id = ?2 \
             WHERE a.user_id = ?1 ORDER BY a.guild_id";
        self.inline.all(statement, (user_id.as_i64(), other_id.as_i64()), |row| row.id("guild_id"))
    }

    async fn remove_member(&self, guild_id: Snowflake, user_id: Snowflake, events: &[EventDraft]) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        if !delete(&mut tx, guild_id, user_id).await.map_err(db)? {
            return Ok(false);
        }
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }
}

/// Inserts a member unless already one; returns whether it was inserted.
pub(crate) async fn insert(conn: &mut SqliteConnection, member: &MemberRecord) -> sqlx::Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO members (guild_id, user_id, nick, roles, joined_ms, deaf, mute, flags, \
         communication_disabled_until_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (guild_id, user_id) DO NOTHING",
    )
    .bind(member.guild_id.as_i64())
    .bind(member.user_id.as_i64())
    .bind(&member.nick)
    .bind(ids_json(&member.roles))
    .bind(bits(member.joined_ms))
    .bind(member.deaf)
    .bind(member.mute)
    .bind(bits(member.flags))
    .bind(opt_bits(member.communication_disabled_until_ms))
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Removes a membership (leaving, a kick, a ban); returns whether there was one.
pub(crate) async fn delete(conn: &mut SqliteConnection, guild_id: Snowflake, user_id: Snowflake) -> sqlx::Result<bool> {
    let deleted = sqlx::query("DELETE FROM members WHERE guild_id = $1 AND user_id = $2")
        .bind(guild_id.as_i64())
        .bind(user_id.as_i64())
        .execute(conn)
        .await?;
    Ok(deleted.rows_affected() > 0)
}

fn member_from(row: &impl Columns) -> sqlx::Result<MemberRecord> {
    Ok(MemberRecord {
        guild_id: row.id("guild_id")?,
        user_id: row.id("user_id")?,
        nick: row.try_get("nick")?,
        roles: row.ids("roles")?,
        joined_ms: row.bits("joined_ms")?,
        deaf: row.try_get("deaf")?,
        mute: row.try_get("mute")?,
        flags: row.bits("flags")?,
        communication_disabled_until_ms: row.opt_bits("communication_disabled_until_ms")?,
    })
}
