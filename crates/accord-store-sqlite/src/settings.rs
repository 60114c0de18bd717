//! [`SettingsStore`] on SQLite: one JSON document per user in `user_settings`, replaced whole.

use accord_core::Snowflake;
use accord_store::{EventDraft, SettingsStore, StoreResult};
use sqlx::Row;

use crate::codec::{RowExt, ids_json};
use crate::error::db;
use crate::{SqliteStore, events};

#[async_trait::async_trait]
impl SettingsStore for SqliteStore {
    async fn user_settings(&self, user_id: Snowflake) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT settings FROM user_settings WHERE user_id = $1")
            .bind(user_id.as_i64())
            .fetch_optional(&mut *self.reader().await?)
            .await
            .map_err(db)
    }

    async fn users_settings(&self, user_ids: &[Snowflake]) -> StoreResult<Vec<(Snowflake, String)>> {
        let rows = sqlx::query(
            "SELECT user_id, settings FROM user_settings WHERE user_id IN (SELECT value FROM json_each($1))",
        )
        .bind(ids_json(user_ids))
        .fetch_all(&mut *self.reader().await?)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|row| Ok((row.id("user_id")?, row.try_get("settings")?)))
            .collect::<sqlx::Result<_>>()
            .map_err(db)
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
