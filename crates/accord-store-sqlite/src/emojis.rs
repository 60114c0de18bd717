//! [`EmojiStore`] on SQLite.

use accord_core::Snowflake;
use accord_store::{EmojiRecord, EmojiStore, EventDraft, StoreResult};

use crate::codec::{Columns, RowExt, ids_json, opt_id};
use crate::error::db;
use crate::{SqliteStore, events};

#[async_trait::async_trait]
impl EmojiStore for SqliteStore {
    async fn create_emoji(&self, emoji: &EmojiRecord, events: &[EventDraft]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO guild_emojis (id, guild_id, name, creator_id, animated, available, roles) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(emoji.id.as_i64())
        .bind(emoji.guild_id.as_i64())
        .bind(&emoji.name)
        .bind(opt_id(emoji.creator_id))
        .bind(emoji.animated)
        .bind(emoji.available)
        .bind(ids_json(&emoji.roles))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn guild_emojis(&self, guild_id: Snowflake) -> StoreResult<Vec<EmojiRecord>> {
        let statement = "SELECT * FROM guild_emojis WHERE guild_id = ?1 ORDER BY id";
        self.inline.all(statement, [guild_id.as_i64()], |row| emoji_from(row))
    }

    async fn emoji(&self, guild_id: Snowflake, id: Snowflake) -> StoreResult<Option<EmojiRecord>> {
        let statement = "SELECT * FROM guild_emojis WHERE guild_id = ?1 AND id = ?2";
        self.inline.optional(statement, (guild_id.as_i64(), id.as_i64()), |row| emoji_from(row))
    }

    async fn update_emoji(&self, emoji: &EmojiRecord, events: &[EventDraft]) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let updated = sqlx::query("UPDATE guild_emojis SET name = $3, roles = $4 WHERE guild_id = $1 AND id = $2")
            .bind(emoji.guild_id.as_i64())
            .bind(emoji.id.as_i64())
            .bind(&emoji.name)
            .bind(ids_json(&emoji.roles))
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

    async fn delete_emoji(&self, guild_id: Snowflake, id: Snowflake, events: &[EventDraft]) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let deleted = sqlx::query("DELETE FROM guild_emojis WHERE guild_id = $1 AND id = $2")
            .bind(guild_id.as_i64())
            .bind(id.as_i64())
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
}

fn emoji_from(row: &impl Columns) -> sqlx::Result<EmojiRecord> {
    Ok(EmojiRecord {
        id: row.id("id")?,
        guild_id: row.id("guild_id")?,
        name: row.try_get("name")?,
        creator_id: row.opt_id("creator_id")?,
        animated: row.try_get("animated")?,
        available: row.try_get("available")?,
        roles: row.ids("roles")?,
    })
}
