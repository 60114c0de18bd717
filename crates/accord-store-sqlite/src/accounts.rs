//! [`AccountStore`] on SQLite: users, sessions with their refresh tokens, applications.

use accord_core::Snowflake;
use accord_store::{
    AccountStore, ApplicationRecord, Credentials, EventDraft, RefreshRecord, SessionRecord, StoreError, StoreResult,
    UserRecord,
};
use sqlx::SqliteConnection;

use crate::codec::{Columns, RowExt, bits, ids_json, opt_bits};
use crate::error::db;
use crate::{SqliteStore, events};

/// The users whose ids a JSON array lists: a join from the ids, each a primary-key lookup.
/// `id IN (SELECT value FROM json_each(?1))` built a temporary index of the list first, which
/// was most of the read for a send's one author.
const USERS_BY_ID: &str = "SELECT u.* FROM json_each(?1) AS wanted JOIN users AS u ON u.id = wanted.value";

#[async_trait::async_trait]
impl AccountStore for SqliteStore {
    async fn create_user(&self, user: &UserRecord, password_hash: Option<&str>) -> StoreResult<()> {
        let mut tx = self.write().await?;
        insert_user(&mut tx, user, password_hash).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn credentials_by_login(&self, login: &str) -> StoreResult<Option<Credentials>> {
        let statement = "SELECT * FROM users \
             WHERE (username = ?1 COLLATE NOCASE OR email = ?1 COLLATE NOCASE) AND password_hash IS NOT NULL \
             ORDER BY username = ?1 COLLATE NOCASE DESC LIMIT 1";
        self.inline.optional(statement, [login], |row| {
            Ok(Credentials { user: user_from(row)?, password_hash: row.try_get("password_hash")? })
        })
    }

    async fn user(&self, id: Snowflake) -> StoreResult<Option<UserRecord>> {
        self.inline.optional("SELECT * FROM users WHERE id = ?1", [id.as_i64()], |row| user_from(row))
    }

    async fn users(&self, ids: &[Snowflake]) -> StoreResult<Vec<UserRecord>> {
        // The ids are deduplicated here, as IN would, and sorted, as its order was.
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        self.inline.all(USERS_BY_ID, [ids_json(&ids)], |row| user_from(row))
    }

    async fn search_users(&self, prefix: &str, after: Option<Snowflake>, limit: u32) -> StoreResult<Vec<UserRecord>> {
        // `%`, `_` and the escape character itself match only themselves.
        let pattern = format!("{}%", prefix.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let statement = "SELECT * FROM users WHERE (username LIKE ?1 ESCAPE '\\' OR global_name LIKE ?1 ESCAPE '\\') \
             AND id > ?2 ORDER BY id LIMIT ?3";
        let params = (pattern, after.map_or(0, Snowflake::as_i64), limit);
        self.inline.all(statement, params, |row| user_from(row))
    }

    async fn update_user(&self, user: &UserRecord, events: &[EventDraft]) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        // A username taken by another user fails the unique index: `Conflict("username")`,
        // and the dropped transaction writes nothing.
        let updated = sqlx::query("UPDATE users SET username = $2, global_name = $3, avatar = $4 WHERE id = $1")
            .bind(user.id.as_i64())
            .bind(&user.username)
            .bind(&user.global_name)
            .bind(&user.avatar)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if updated.rows_affected() == 0 {
            return Ok(false);
        }
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn create_session(&self, session: &SessionRecord, refresh: &RefreshRecord) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("INSERT INTO sessions (id, user_id, created_ms, revoked) VALUES ($1, $2, $3, $4)")
            .bind(session.id.as_i64())
            .bind(session.user_id.as_i64())
            .bind(bits(session.created_ms))
            .bind(session.revoked)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        insert_refresh(&mut tx, refresh).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn session(&self, id: Snowflake) -> StoreResult<Option<SessionRecord>> {
        self.inline.optional("SELECT * FROM sessions WHERE id = ?1", [id.as_i64()], |row| session_from(row))
    }

    async fn revoke_session(&self, id: Snowflake) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE sessions SET revoked = 1 WHERE id = $1")
            .bind(id.as_i64())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn refresh_token(&self, token_hash: &str) -> StoreResult<Option<RefreshRecord>> {
        self.inline
            .optional("SELECT * FROM refresh_tokens WHERE token_hash = ?1", [token_hash], |row| refresh_from(row))
    }

    async fn rotate_refresh_token(&self, old_hash: &str, successor: &RefreshRecord, now_ms: u64) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let rotated =
            sqlx::query("UPDATE refresh_tokens SET rotated_ms = $1 WHERE token_hash = $2 AND rotated_ms IS NULL")
                .bind(bits(now_ms))
                .bind(old_hash)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        if rotated.rows_affected() != 1 {
            return Ok(false);
        }
        insert_refresh(&mut tx, successor).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn count_refresh_replay(&self, token_hash: &str) -> StoreResult<u32> {
        let mut tx = self.write().await?;
        let replays: Option<u32> = sqlx::query_scalar(
            "UPDATE refresh_tokens SET replays = replays + 1 WHERE token_hash = $1 RETURNING replays",
        )
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(replays.unwrap_or(0))
    }

    async fn create_application(&self, app: &ApplicationRecord, bot: &UserRecord) -> StoreResult<()> {
        let mut tx = self.write().await?;
        insert_user(&mut tx, bot, None).await.map_err(db)?;
        sqlx::query(
            "INSERT INTO applications (id, owner_id, bot_user_id, name, description, icon, flags, bot_public, \
             bot_require_code_grant) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(app.id.as_i64())
        .bind(app.owner_id.as_i64())
        .bind(app.bot_user_id.as_i64())
        .bind(&app.name)
        .bind(&app.description)
        .bind(&app.icon)
        .bind(bits(app.flags))
        .bind(app.bot_public)
        .bind(app.bot_require_code_grant)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn application(&self, id: Snowflake) -> StoreResult<Option<ApplicationRecord>> {
        self.inline.optional("SELECT * FROM applications WHERE id = ?1", [id.as_i64()], |row| application_from(row))
    }

    async fn application_by_bot(&self, bot_user_id: Snowflake) -> StoreResult<Option<ApplicationRecord>> {
        let statement = "SELECT * FROM applications WHERE bot_user_id = ?1";
        self.inline.optional(statement, [bot_user_id.as_i64()], |row| application_from(row))
    }

    async fn bump_token_generation(&self, bot_user_id: Snowflake) -> StoreResult<u64> {
        let mut tx = self.write().await?;
        let generation: Option<i64> = sqlx::query_scalar(
            "UPDATE users SET token_generation = token_generation + 1 WHERE id = $1 RETURNING token_generation",
        )
        .bind(bot_user_id.as_i64())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let generation = generation
            .ok_or_else(|| StoreError::Internal(format!("no user {bot_user_id} to bump token generation")))?;
        tx.commit().await.map_err(db)?;
        Ok(generation as u64)
    }
}

async fn insert_user(conn: &mut SqliteConnection, user: &UserRecord, password_hash: Option<&str>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO users (id, username, global_name, email, avatar, bot, flags, token_generation, password_hash, \
         verified, mfa_enabled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(user.id.as_i64())
    .bind(&user.username)
    .bind(&user.global_name)
    .bind(&user.email)
    .bind(&user.avatar)
    .bind(user.bot)
    .bind(bits(user.flags))
    .bind(bits(user.token_generation))
    .bind(password_hash)
    .bind(user.verified)
    .bind(user.mfa_enabled)
    .execute(conn)
    .await
    .map(drop)
}

async fn insert_refresh(conn: &mut SqliteConnection, refresh: &RefreshRecord) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, session_id, user_id, issued_ms, rotated_ms, replays) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&refresh.token_hash)
    .bind(refresh.session_id.as_i64())
    .bind(refresh.user_id.as_i64())
    .bind(bits(refresh.issued_ms))
    .bind(opt_bits(refresh.rotated_ms))
    .bind(refresh.replays)
    .execute(conn)
    .await
    .map(drop)
}

fn user_from(row: &impl Columns) -> sqlx::Result<UserRecord> {
    Ok(UserRecord {
        id: row.id("id")?,
        username: row.try_get("username")?,
        global_name: row.try_get("global_name")?,
        email: row.try_get("email")?,
        avatar: row.try_get("avatar")?,
        bot: row.try_get("bot")?,
        flags: row.bits("flags")?,
        token_generation: row.bits("token_generation")?,
        verified: row.try_get("verified")?,
        mfa_enabled: row.try_get("mfa_enabled")?,
    })
}

fn session_from(row: &impl Columns) -> sqlx::Result<SessionRecord> {
    Ok(SessionRecord {
        id: row.id("id")?,
        user_id: row.id("user_id")?,
        created_ms: row.bits("created_ms")?,
        revoked: row.try_get("revoked")?,
    })
}

fn refresh_from(row: &impl Columns) -> sqlx::Result<RefreshRecord> {
    Ok(RefreshRecord {
        token_hash: row.try_get("token_hash")?,
        session_id: row.id("session_id")?,
        user_id: row.id("user_id")?,
        issued_ms: row.bits("issued_ms")?,
        rotated_ms: row.opt_bits("rotated_ms")?,
        replays: row.try_get("replays")?,
    })
}

fn application_from(row: &impl Columns) -> sqlx::Result<ApplicationRecord> {
    Ok(ApplicationRecord {
        id: row.id("id")?,
        owner_id: row.id("owner_id")?,
        bot_user_id: row.id("bot_user_id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        icon: row.try_get("icon")?,
        flags: row.bits("flags")?,
        bot_public: row.try_get("bot_public")?,
        bot_require_code_grant: row.try_get("bot_require_code_grant")?,
    })
}

#[cfg(test)]
mod tests {
    use super::USERS_BY_ID;

    /// The planner could as well scan every user and probe the list; the join is only
    /// cheaper while the list drives it.
    #[tokio::test]
    async fn users_by_id_looks_each_id_up_by_its_primary_key() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("accord.db");
        let store = crate::SqliteStore::open(&path).await.expect("open");
        let connection = rusqlite::Connection::open(&path).expect("a second connection");

        let mut explain = connection.prepare(&format!("EXPLAIN QUERY PLAN {USERS_BY_ID}")).expect("explained");
        let plan: Vec<String> = explain
            .query_map(["[1,2]"], |row| row.get::<_, String>(3))
            .expect("plan")
            .collect::<Result<_, _>>()
            .expect("plan rows");

        assert_eq!(plan.len(), 2, "{plan:?}");
        assert!(plan[0].starts_with("SCAN wanted VIRTUAL TABLE"), "{plan:?}");
        assert_eq!(plan[1], "SEARCH u USING INTEGER PRIMARY KEY (rowid=?)", "{plan:?}");
        drop(explain);
        store.close().await;
    }
}
