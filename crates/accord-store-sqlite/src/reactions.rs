//! [`ReactionStore`] on SQLite: one row per (message, emoji, user). `id` counts up per message,
//! so the smallest per emoji orders a message's emoji by first use.

use accord_core::Snowflake;
use accord_store::{EventDraft, ReactionAdded, ReactionCount, ReactionEmoji, ReactionStore, StoreResult};

use crate::codec::{Columns, RowExt, ids_json, opt_id};
use crate::error::db;
use crate::{SqliteStore, events};

#[async_trait::async_trait]
impl ReactionStore for SqliteStore {
    async fn add_reaction(
        &self,
        channel_id: Snowflake,
        message_id: Snowflake,
        emoji: &ReactionEmoji,
        user_id: Snowflake,
        max_emoji: u32,
        events: &[EventDraft],
    ) -> StoreResult<ReactionAdded> {
        let (channel, message) = (channel_id.as_i64(), message_id.as_i64());
        let key = emoji.key();
        let mut tx = self.write().await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM messages WHERE channel_id = $1 AND id = $2")
            .bind(channel)
            .bind(message)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        if exists.is_none() {
            return Ok(ReactionAdded::MissingMessage);
        }
        let (others, used): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(DISTINCT emoji), COALESCE(SUM(emoji = $3), 0) FROM reactions \
             WHERE channel_id = $1 AND message_id = $2",
        )
        .bind(channel)
        .bind(message)
        .bind(&key)
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        if used == 0 && others >= i64::from(max_emoji) {
            return Ok(ReactionAdded::Full);
        }
        let inserted = sqlx::query(
            "INSERT INTO reactions (channel_id, message_id, emoji, user_id, id, emoji_id, emoji_name, animated) \
             SELECT $1, $2, $3, $4, COALESCE(MAX(id), 0) + 1, $5, $6, $7 FROM reactions \
             WHERE channel_id = $1 AND message_id = $2 \
             ON CONFLICT DO NOTHING",
        )
        .bind(channel)
        .bind(message)
        .bind(&key)
        .bind(user_id.as_i64())
        .bind(opt_id(emoji.id))
        .bind(&emoji.name)
        .bind(emoji.animated)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if inserted.rows_affected() == 0 {
            return Ok(ReactionAdded::Unchanged);
        }
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(ReactionAdded::Added)
    }

    async fn remove_reaction(
        &self,
        channel_id: Snowflake,
        message_id: Snowflake,
        emoji_key: &str,
        user_id: Snowflake,
        events: &[EventDraft],
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let deleted = sqlx::query(
            "DELETE FROM reactions WHERE channel_id = $1 AND message_id = $2 AND emoji = $3 AND user_id = $4",
        )
        .bind(channel_id.as_i64())
        .bind(message_id.as_i64())
        .bind(emoji_key)
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

    async fn remove_reactions(
        &self,
        channel_id: Snowflake,
        message_id: Snowflake,
        emoji_key: Option<&str>,
        events: &[EventDraft],
    ) -> StoreResult<u64> {
        let mut tx = self.write().await?;
        let deleted = sqlx::query(
            "DELETE FROM reactions WHERE channel_id = $1 AND message_id = $2 AND ($3 IS NULL OR emoji = $3)",
        )
        .bind(channel_id.as_i64())
        .bind(message_id.as_i64())
        .bind(emoji_key)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if deleted == 0 {
            return Ok(0);
        }
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(deleted)
    }

    async fn reaction_users(
        &self,
        channel_id: Snowflake,
        message_id: Snowflake,
        emoji_key: &str,
        after: Option<Snowflake>,
        limit: u32,
    ) -> StoreResult<Vec<Snowflake>> {
        let statement = "SELECT user_id FROM reactions WHERE channel_id = ?1 AND message_id = ?2 AND emoji = ?3 \
             AND user_id > ?4 ORDER BY user_id ASC LIMIT ?5";
        let params = (channel_id.as_i64(), message_id.as_i64(), emoji_key, after.map_or(0, Snowflake::as_i64), limit);
        self.inline.all(statement, params, |row| row.id("user_id"))
    }

    async fn reactions(
        &self,
        channel_id: Snowflake,
        message_ids: &[Snowflake],
        viewer: Snowflake,
    ) -> StoreResult<Vec<ReactionCount>> {
        if message_ids.is_empty() {
            return Ok(Vec::new());
        }
        let statement = "SELECT message_id, emoji_id, emoji_name, MAX(animated) AS animated, COUNT(*) AS count, \
             MAX(user_id = ?3) AS me, MIN(id) AS first FROM reactions \
             WHERE channel_id = ?1 AND message_id IN (SELECT value FROM json_each(?2)) \
             GROUP BY message_id, emoji ORDER BY message_id, first";
        let params = (channel_id.as_i64(), ids_json(message_ids), viewer.as_i64());
        self.inline.all(statement, params, |row| {
            Ok(ReactionCount {
                message_id: row.id("message_id")?,
                emoji: ReactionEmoji {
                    id: row.opt_id("emoji_id")?,
                    name: row.try_get("emoji_name")?,
                    animated: row.try_get("animated")?,
                },
                count: row.try_get("count")?,
                me: row.try_get("me")?,
            })
        })
    }
}
