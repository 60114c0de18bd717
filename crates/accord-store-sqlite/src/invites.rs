//! [`InviteStore`] on SQLite: invites, and joining a guild through one in a single transaction
//! (which also checks the user is not banned from it).

use accord_core::Snowflake;
use accord_store::{AcceptInvite, EventDraft, InviteRecord, InviteStore, MemberRecord, StoreResult};
use sqlx::SqliteConnection;

use crate::codec::{Columns, RowExt, bits};
use crate::error::db;
use crate::{SqliteStore, events, members, moderation};

#[async_trait::async_trait]
impl InviteStore for SqliteStore {
    async fn create_invite(&self, invite: &InviteRecord, events: &[EventDraft]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO invites (code, guild_id, channel_id, inviter_id, max_age, max_uses, uses, temporary, \
             created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&invite.code)
        .bind(invite.guild_id.as_i64())
        .bind(invite.channel_id.as_i64())
        .bind(invite.inviter_id.as_i64())
        .bind(invite.max_age)
        .bind(invite.max_uses)
        .bind(invite.uses)
        .bind(invite.temporary)
        .bind(bits(invite.created_ms))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn invite(&self, code: &str) -> StoreResult<Option<InviteRecord>> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        select(&mut conn, code).await.map_err(db)
    }

    async fn guild_invites(&self, guild_id: Snowflake) -> StoreResult<Vec<InviteRecord>> {
        let statement = "SELECT * FROM invites WHERE guild_id = ?1 ORDER BY created_ms, code";
        self.inline.all(statement, [guild_id.as_i64()], |row| invite_from(row))
    }

    async fn delete_invite(&self, code: &str, events: &[EventDraft]) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let deleted =
            sqlx::query("DELETE FROM invites WHERE code = $1").bind(code).execute(&mut *tx).await.map_err(db)?;
        if deleted.rows_affected() == 0 {
            return Ok(false);
        }
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn accept_invite(
        &self,
        code: &str,
        member: &MemberRecord,
        now_ms: u64,
        events: &[EventDraft],
    ) -> StoreResult<AcceptInvite> {
        let mut tx = self.write().await?;
        let Some(mut invite) = select(&mut tx, code).await.map_err(db)? else {
            return Ok(AcceptInvite::Invalid);
        };
        if !invite.is_usable(now_ms) || invite.guild_id != member.guild_id {
            return Ok(AcceptInvite::Invalid);
        }
        if moderation::is_banned(&mut tx, member.guild_id, member.user_id).await.map_err(db)? {
            return Ok(AcceptInvite::Banned);
        }
        if !members::insert(&mut tx, member).await.map_err(db)? {
            return Ok(AcceptInvite::AlreadyMember(invite));
        }
        if invite.temporary {
            sqlx::query("INSERT INTO temporary_members (guild_id, user_id) VALUES ($1, $2)")
                .bind(member.guild_id.as_i64())
                .bind(member.user_id.as_i64())
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        invite.uses += 1;
        if invite.max_uses > 0 && invite.uses >= invite.max_uses {
            sqlx::query("DELETE FROM invites WHERE code = $1").bind(code).execute(&mut *tx).await.map_err(db)?;
        } else {
            sqlx::query("UPDATE invites SET uses = $2 WHERE code = $1")
                .bind(code)
                .bind(invite.uses)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(AcceptInvite::Joined(invite))
    }

    async fn temporary_members(&self, limit: u32) -> StoreResult<Vec<(Snowflake, Snowflake)>> {
        let statement = "SELECT guild_id, user_id FROM temporary_members ORDER BY guild_id, user_id LIMIT ?1";
        self.inline.all(statement, [limit], |row| Ok((row.id("guild_id")?, row.id("user_id")?)))
    }
}

async fn select(conn: &mut SqliteConnection, code: &str) -> sqlx::Result<Option<InviteRecord>> {
    let row = sqlx::query("SELECT * FROM invites WHERE code = $1").bind(code).fetch_optional(conn).await?;
    row.as_ref().map(invite_from).transpose()
}

fn invite_from(row: &impl Columns) -> sqlx::Result<InviteRecord> {
    Ok(InviteRecord {
        code: row.try_get("code")?,
        guild_id: row.id("guild_id")?,
        channel_id: row.id("channel_id")?,
        inviter_id: row.id("inviter_id")?,
        max_age: row.try_get("max_age")?,
        max_uses: row.try_get("max_uses")?,
        uses: row.try_get("uses")?,
        temporary: row.try_get("temporary")?,
        created_ms: row.bits("created_ms")?,
    })
}
