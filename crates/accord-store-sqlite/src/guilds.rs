//! [`GuildStore`] on SQLite: a guild created with its roles, channels and owner in one
//! transaction; deletion cascades through the schema's foreign keys.

use accord_core::Snowflake;
use accord_store::guilds::NewGuild;
use accord_store::{ChannelStanding, EventDraft, GuildRecord, GuildStanding, GuildStore, StoreResult};

use crate::codec::{Columns, RowExt, opt_id};
use crate::error::db;
use crate::{SqliteStore, channels, events, members, roles, standing};

#[async_trait::async_trait]
impl GuildStore for SqliteStore {
    async fn create_guild(&self, new: &NewGuild, events: &[EventDraft]) -> StoreResult<()> {
        let guild = &new.guild;
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO guilds (id, name, icon, description, owner_id, verification_level, \
             default_message_notifications, explicit_content_filter, afk_channel_id, afk_timeout, \
             system_channel_id, preferred_locale) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(guild.id.as_i64())
        .bind(&guild.name)
        .bind(&guild.icon)
        .bind(&guild.description)
        .bind(guild.owner_id.as_i64())
        .bind(guild.verification_level)
        .bind(guild.default_message_notifications)
        .bind(guild.explicit_content_filter)
        .bind(opt_id(guild.afk_channel_id))
        .bind(guild.afk_timeout)
        .bind(opt_id(guild.system_channel_id))
        .bind(&guild.preferred_locale)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        for role in &new.roles {
            roles::insert(&mut tx, role).await.map_err(db)?;
        }
        for channel in &new.channels {
            channels::insert(&mut tx, channel).await.map_err(db)?;
        }
        members::insert(&mut tx, &new.owner).await.map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn guild(&self, id: Snowflake) -> StoreResult<Option<GuildRecord>> {
        self.inline.optional("SELECT * FROM guilds WHERE id = ?1", [id.as_i64()], |row| guild_from(row))
    }

    async fn guild_standing(&self, guild_id: Snowflake, user_id: Snowflake) -> StoreResult<Option<GuildStanding>> {
        standing::read(&self.inline, guild_id, user_id)
    }

    async fn channel_standing(
        &self,
        channel_id: Snowflake,
        user_id: Snowflake,
    ) -> StoreResult<Option<ChannelStanding>> {
        standing::read_in_channel(&self.inline, channel_id, user_id)
    }

    async fn update_guild(&self, guild: &GuildRecord, events: &[EventDraft]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let updated = sqlx::query(
            "UPDATE guilds SET name = $2, icon = $3, description = $4, owner_id = $5, verification_level = $6, \
             default_message_notifications = $7, explicit_content_filter = $8, afk_channel_id = $9, \
             afk_timeout = $10, system_channel_id = $11, preferred_locale = $12 WHERE id = $1",
        )
        .bind(guild.id.as_i64())
        .bind(&guild.name)
        .bind(&guild.icon)
        .bind(&guild.description)
        .bind(guild.owner_id.as_i64())
        .bind(guild.verification_level)
        .bind(guild.default_message_notifications)
        .bind(guild.explicit_content_filter)
        .bind(opt_id(guild.afk_channel_id))
        .bind(guild.afk_timeout)
        .bind(opt_id(guild.system_channel_id))
        .bind(&guild.preferred_locale)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if updated.rows_affected() == 0 {
            return Ok(());
        }
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn delete_guild(&self, id: Snowflake, events: &[EventDraft]) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        // Roles, channels (with their overwrites, invites and messages), members and invites
        // go with it through ON DELETE CASCADE.
        let deleted =
            sqlx::query("DELETE FROM guilds WHERE id = $1").bind(id.as_i64()).execute(&mut *tx).await.map_err(db)?;
        if deleted.rows_affected() == 0 {
            return Ok(false);
        }
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn guilds_of_user(
        &self,
        user_id: Snowflake,
        after: Option<Snowflake>,
        limit: u32,
    ) -> StoreResult<Vec<GuildRecord>> {
        let statement = "SELECT g.* FROM members m JOIN guilds g ON g.id = m.guild_id \
             WHERE m.user_id = ?1 AND m.guild_id > ?2 ORDER BY m.guild_id LIMIT ?3";
        let params = (user_id.as_i64(), after.map_or(0, Snowflake::as_i64), limit);
        self.inline.all(statement, params, |row| guild_from(row))
    }

    async fn member_count(&self, guild_id: Snowflake) -> StoreResult<u64> {
        let statement = "SELECT COUNT(*) AS count FROM members WHERE guild_id = ?1";
        let count = self.inline.optional(statement, [guild_id.as_i64()], |row| row.try_get::<i64>("count"))?;
        Ok(count.unwrap_or(0) as u64)
    }
}

pub(crate) fn guild_from(row: &impl Columns) -> sqlx::Result<GuildRecord> {
    Ok(GuildRecord {
        id: row.id("id")?,
        name: row.try_get("name")?,
        icon: row.try_get("icon")?,
        description: row.try_get("description")?,
        owner_id: row.id("owner_id")?,
        verification_level: row.try_get("verification_level")?,
        default_message_notifications: row.try_get("default_message_notifications")?,
        explicit_content_filter: row.try_get("explicit_content_filter")?,
        afk_channel_id: row.opt_id("afk_channel_id")?,
        afk_timeout: row.try_get("afk_timeout")?,
        system_channel_id: row.opt_id("system_channel_id")?,
        preferred_locale: row.try_get("preferred_locale")?,
    })
}
