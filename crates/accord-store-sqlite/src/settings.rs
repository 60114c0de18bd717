//! [`SettingsStore`] on SQLite: one JSON document per user in `user_settings`, replaced whole.

use accord_core::Snowflake;
use accord_store::{EventDraft, SettingsStore, StoreResult};

use crate::codec::{Columns, RowExt, ids_json};
use crate::error::db;
use crate::{SqliteStore, events};

#[async_trait::async_trait]
impl SettingsStore for SqliteStore {
    async fn user_settings(&self, user_id: Snowflake) -> StoreResult<Option<String>> {
        let statement = "SELECT settings FROM user_settings WHERE user_id = ?1";
        self.inline.optional(statement, [user_id.as_i64()], |row| row.try_get("settings"))
    }

    async fn users_settings(&self, user_ids: &[Snowflake]) -> StoreResult<Vec<(Snowflake, String)>> {
        let statement =
            "SELECT user_id, settings FROM user_settings WHERE user_id IN (SELECT value FROM json_each(?1))";
        self.inline.all(statement, [ids_json(user_ids)], |row| Ok((row.id("user_id")?, row.try_get("settings")?)))
    }

    async fn set_user_settings(&self, user_id: Snowflake, settings: &str, events: &[EventDraft]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO user_settings (user_id, settings) VALUES ($1, $2) \
             ON CONFLICT (user_id) DO UPDATE SET settings = excluded.settings",
        )
        .bind(user_id.as_i64())
        .bind(settings)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }
}
