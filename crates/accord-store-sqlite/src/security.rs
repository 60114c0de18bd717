//! [`SecurityStore`] on SQLite: one-time tokens, session revocation with its event, TOTP
//! with recovery codes, and account deletion. Every use of a token, step or code is a single
//! conditional statement inside a `BEGIN IMMEDIATE` transaction, so it succeeds once.

use accord_core::Snowflake;
use accord_store::security::{
    AccountDeletion, DeletionOutcome, LiveSession, OneTimeToken, Revocation, SessionsRevoked, TokenPurpose, TotpRecord,
};
use accord_store::{EventDraft, SecurityStore, StoreResult};
use sqlx::SqliteConnection;

use crate::codec::{Columns, RowExt, bits};
use crate::error::{corrupt, db};
use crate::{SqliteStore, events, members};

#[async_trait::async_trait]
impl SecurityStore for SqliteStore {
    async fn create_one_time_token(&self, token: &OneTimeToken) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM one_time_tokens WHERE user_id = $1 AND expires_ms <= $2")
            .bind(token.user_id.as_i64())
            .bind(bits(token.created_ms))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        sqlx::query(
            "INSERT INTO one_time_tokens (token_hash, purpose, user_id, email, created_ms, expires_ms) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&token.token_hash)
        .bind(token.purpose.as_u8())
        .bind(token.user_id.as_i64())
        .bind(&token.email)
        .bind(bits(token.created_ms))
        .bind(bits(token.expires_ms))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn one_time_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now_ms: u64,
    ) -> StoreResult<Option<OneTimeToken>> {
        let statement = "SELECT * FROM one_time_tokens WHERE token_hash = ?1 AND purpose = ?2 AND expires_ms > ?3";
        self.inline.optional(statement, (token_hash, purpose.as_u8(), bits(now_ms)), |row| token_from(row))
    }

    async fn verify_email(
        &self,
        token_hash: &str,
        now_ms: u64,
        events: &[EventDraft],
    ) -> StoreResult<Option<Snowflake>> {
        let mut tx = self.write().await?;
        let Some(token) = take_token(&mut tx, token_hash, TokenPurpose::VerifyEmail, now_ms).await.map_err(db)? else {
            return Ok(None);
        };
        let verified = sqlx::query("UPDATE users SET verified = TRUE WHERE id = $1 AND email = $2 COLLATE NOCASE")
            .bind(token.user_id.as_i64())
            .bind(&token.email)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        // A token for an address the account no longer has is used up all the same.
        let outcome = (verified.rows_affected() == 1).then_some(token.user_id);
        if outcome.is_some() {
            events::write(&mut tx, events).await.map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(outcome)
    }

    async fn reset_password(
        &self,
        token_hash: &str,
        now_ms: u64,
        password_hash: &str,
        event_id: Snowflake,
    ) -> StoreResult<Option<(Snowflake, Vec<Snowflake>)>> {
        let mut tx = self.write().await?;
        let Some(token) = take_token(&mut tx, token_hash, TokenPurpose::ResetPassword, now_ms).await.map_err(db)?
        else {
            return Ok(None);
        };
        let revocation = Revocation { user_id: token.user_id, keep: None, event_id };
        let revoked = set_password(&mut tx, password_hash, &revocation).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(Some((token.user_id, revoked)))
    }

    async fn password_hash(&self, user_id: Snowflake) -> StoreResult<Option<String>> {
        let statement = "SELECT password_hash FROM users WHERE id = ?1";
        let hash = self
            .inline
            .optional(statement, [user_id.as_i64()], |row| row.try_get::<Option<String>>("password_hash"))?;
        Ok(hash.flatten())
    }

    async fn change_password(&self, password_hash: &str, revocation: &Revocation) -> StoreResult<Vec<Snowflake>> {
        let mut tx = self.write().await?;
        let revoked = set_password(&mut tx, password_hash, revocation).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(revoked)
    }

    async fn revoke_sessions(&self, revocation: &Revocation) -> StoreResult<Vec<Snowflake>> {
        let mut tx = self.write().await?;
        let revoked = revoke(&mut tx, revocation).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(revoked)
    }

    async fn revoke_user_session(
        &self,
        user_id: Snowflake,
        session_id: Snowflake,
        event_id: Snowflake,
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let revoked = sqlx::query("UPDATE sessions SET revoked = TRUE WHERE id = $1 AND user_id = $2 AND NOT revoked")
            .bind(session_id.as_i64())
            .bind(user_id.as_i64())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if revoked.rows_affected() == 0 {
            return Ok(false);
        }
        events::write(&mut tx, &[SessionsRevoked::event(event_id, user_id, vec![session_id])]).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn live_sessions(&self, user_id: Snowflake, created_after_ms: u64) -> StoreResult<Vec<LiveSession>> {
        let statement = "SELECT s.id, s.created_ms, COALESCE(MAX(r.issued_ms), s.created_ms) AS last_used_ms \
             FROM sessions s LEFT JOIN refresh_tokens r ON r.session_id = s.id \
             WHERE s.user_id = ?1 AND NOT s.revoked AND s.created_ms > ?2 \
             GROUP BY s.id, s.created_ms ORDER BY s.id DESC";
        self.inline.all(statement, (user_id.as_i64(), bits(created_after_ms)), |row| {
            Ok(LiveSession {
                id: row.id("id")?,
                created_ms: row.bits("created_ms")?,
                last_used_ms: row.bits("last_used_ms")?,
            })
        })
    }

    async fn totp(&self, user_id: Snowflake) -> StoreResult<Option<TotpRecord>> {
        self.inline.optional("SELECT * FROM totp_secrets WHERE user_id = ?1", [user_id.as_i64()], |row| {
            Ok(TotpRecord {
                user_id: row.id("user_id")?,
                secret: row.try_get("secret")?,
                last_step: row.bits("last_step")?,
                enabled_ms: row.bits("enabled_ms")?,
            })
        })
    }

    async fn enable_totp(
        &self,
        record: &TotpRecord,
        recovery_code_hashes: &[String],
        events: &[EventDraft],
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let inserted = sqlx::query(
            "INSERT INTO totp_secrets (user_id, secret, last_step, enabled_ms) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(record.user_id.as_i64())
        .bind(&record.secret)
        .bind(bits(record.last_step))
        .bind(bits(record.enabled_ms))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if inserted.rows_affected() == 0 {
            return Ok(false);
        }
        for hash in recovery_code_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash, used) VALUES ($1, $2, FALSE)")
                .bind(record.user_id.as_i64())
                .bind(hash)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        set_mfa_flag(&mut tx, record.user_id, true).await.map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn disable_totp(&self, user_id: Snowflake, events: &[EventDraft]) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        // Its recovery codes go with it (ON DELETE CASCADE).
        let deleted = sqlx::query("DELETE FROM totp_secrets WHERE user_id = $1")
            .bind(user_id.as_i64())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if deleted.rows_affected() == 0 {
            return Ok(false);
        }
        set_mfa_flag(&mut tx, user_id, false).await.map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn use_totp_step(&self, user_id: Snowflake, step: u64) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let used = sqlx::query("UPDATE totp_secrets SET last_step = $2 WHERE user_id = $1 AND last_step < $2")
            .bind(user_id.as_i64())
            .bind(bits(step))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(used.rows_affected() == 1)
    }

    async fn use_recovery_code(&self, user_id: Snowflake, code_hash: &str) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let used =
            sqlx::query("UPDATE recovery_codes SET used = TRUE WHERE user_id = $1 AND code_hash = $2 AND NOT used")
                .bind(user_id.as_i64())
                .bind(code_hash)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(used.rows_affected() == 1)
    }

    async fn delete_account(&self, deletion: &AccountDeletion, events: &[EventDraft]) -> StoreResult<DeletionOutcome> {
        let mut tx = self.write().await?;
        let user = deletion.user_id.as_i64();
        let person: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1 AND NOT bot")
            .bind(user)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        if person.is_none() {
            return Ok(DeletionOutcome::UnknownUser);
        }
        let owned: Option<i64> = sqlx::query_scalar("SELECT id FROM guilds WHERE owner_id = $1 LIMIT 1")
            .bind(user)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        if owned.is_some() {
            return Ok(DeletionOutcome::OwnsGuilds);
        }
        let guilds: Vec<i64> = sqlx::query_scalar("SELECT guild_id FROM members WHERE user_id = $1 ORDER BY guild_id")
            .bind(user)
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?;
        let mut expected: Vec<i64> = deletion.guild_ids.iter().map(|g| g.as_i64()).collect();
        expected.sort_unstable();
        if guilds != expected {
            return Ok(DeletionOutcome::MembershipsChanged);
        }
        let revocation = Revocation { user_id: deletion.user_id, keep: None, event_id: deletion.revocation_event_id };
        let revoked = revoke(&mut tx, &revocation).await.map_err(db)?;
        for guild_id in &deletion.guild_ids {
            members::delete(&mut tx, *guild_id, deletion.user_id).await.map_err(db)?;
        }
        for statement in [
            "DELETE FROM relationships WHERE user_id = $1 OR (other_id = $1 AND kind <> 2)",
            "DELETE FROM user_settings WHERE user_id = $1",
            "DELETE FROM one_time_tokens WHERE user_id = $1",
            "DELETE FROM totp_secrets WHERE user_id = $1",
        ] {
            sqlx::query(statement).bind(user).execute(&mut *tx).await.map_err(db)?;
        }
        sqlx::query(
            "UPDATE users SET username = $2, global_name = $3, email = NULL, avatar = NULL, password_hash = NULL, \
             verified = FALSE, mfa_enabled = FALSE WHERE id = $1",
        )
        .bind(user)
        .bind(&deletion.username)
        .bind(&deletion.global_name)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(DeletionOutcome::Deleted { revoked })
    }
}

/// Deletes and returns a token that is usable now.
async fn take_token(
    conn: &mut SqliteConnection,
    token_hash: &str,
    purpose: TokenPurpose,
    now_ms: u64,
) -> sqlx::Result<Option<OneTimeToken>> {
    let row = sqlx::query(
        "DELETE FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2 AND expires_ms > $3 RETURNING *",
    )
    .bind(token_hash)
    .bind(purpose.as_u8())
    .bind(bits(now_ms))
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(token_from).transpose()
}

/// Sets the password, drops pending reset tokens and revokes the sessions.
async fn set_password(
    conn: &mut SqliteConnection,
    password_hash: &str,
    revocation: &Revocation,
) -> sqlx::Result<Vec<Snowflake>> {
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(revocation.user_id.as_i64())
        .bind(password_hash)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM one_time_tokens WHERE user_id = $1 AND purpose = $2")
        .bind(revocation.user_id.as_i64())
        .bind(TokenPurpose::ResetPassword.as_u8())
        .execute(&mut *conn)
        .await?;
    revoke(conn, revocation).await
}

/// Revokes the user's live sessions but the kept one, writing the event when any ended.
async fn revoke(conn: &mut SqliteConnection, revocation: &Revocation) -> sqlx::Result<Vec<Snowflake>> {
    let keep = revocation.keep.map_or(0, Snowflake::as_i64);
    let revoked: Vec<i64> = sqlx::query_scalar(
        "UPDATE sessions SET revoked = TRUE WHERE user_id = $1 AND NOT revoked AND id <> $2 RETURNING id",
    )
    .bind(revocation.user_id.as_i64())
    .bind(keep)
    .fetch_all(&mut *conn)
    .await?;
    let mut revoked: Vec<Snowflake> = revoked.into_iter().map(Snowflake::from_i64).collect();
    revoked.sort_unstable();
    if !revoked.is_empty() {
        let event = SessionsRevoked::event(revocation.event_id, revocation.user_id, revoked.clone());
        events::write(conn, &[event]).await?;
    }
    Ok(revoked)
}

async fn set_mfa_flag(conn: &mut SqliteConnection, user_id: Snowflake, enabled: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET mfa_enabled = $2 WHERE id = $1")
        .bind(user_id.as_i64())
        .bind(enabled)
        .execute(conn)
        .await
        .map(drop)
}

fn token_from(row: &impl Columns) -> sqlx::Result<OneTimeToken> {
    let purpose: u8 = row.try_get("purpose")?;
    Ok(OneTimeToken {
        token_hash: row.try_get("token_hash")?,
        purpose: TokenPurpose::from_u8(purpose).ok_or_else(|| corrupt("token purpose", purpose))?,
        user_id: row.id("user_id")?,
        email: row.try_get("email")?,
        created_ms: row.bits("created_ms")?,
        expires_ms: row.bits("expires_ms")?,
    })
}
