//! [`RoleStore`] on SQLite: guild roles; deleting one also strips it from members' role lists
//! and from channel overwrites.

use accord_core::Snowflake;
use accord_store::{EventDraft, RoleRecord, RoleStore, StoreResult};
use sqlx::SqliteConnection;

use crate::codec::{Columns, RowExt, bits, ids_from_json, ids_json};
use crate::error::db;
use crate::{SqliteStore, events};

#[async_trait::async_trait]
impl RoleStore for SqliteStore {
    async fn create_role(&self, role: &RoleRecord, events: &[EventDraft]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        insert(&mut tx, role).await.map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn guild_roles(&self, guild_id: Snowflake) -> StoreResult<Vec<RoleRecord>> {
        let statement = "SELECT * FROM roles WHERE guild_id = ?1 ORDER BY position, id";
        self.inline.all(statement, [guild_id.as_i64()], |row| role_from(row))
    }

    async fn update_roles(&self, roles: &[RoleRecord], events: &[EventDraft]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let mut changed = 0;
        for role in roles {
            let updated = sqlx::query(
                "UPDATE roles SET name = $3, color = $4, hoist = $5, position = $6, permissions = $7, managed = $8, \
                 mentionable = $9 WHERE id = $1 AND guild_id = $2",
            )
            .bind(role.id.as_i64())
            .bind(role.guild_id.as_i64())
            .bind(&role.name)
            .bind(role.color)
            .bind(role.hoist)
            .bind(role.position)
            .bind(bits(role.permissions))
            .bind(role.managed)
            .bind(role.mentionable)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            changed += updated.rows_affected();
        }
        if changed == 0 {
            return Ok(());
        }
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn delete_role(&self, guild_id: Snowflake, role_id: Snowflake, events: &[EventDraft]) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let deleted = sqlx::query("DELETE FROM roles WHERE id = $1 AND guild_id = $2")
            .bind(role_id.as_i64())
            .bind(guild_id.as_i64())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if deleted.rows_affected() == 0 {
            return Ok(false);
        }
        strip_from_members(&mut tx, guild_id, role_id).await.map_err(db)?;
        sqlx::query(
            "DELETE FROM channel_overwrites WHERE target_id = $1 AND kind = 0 \
             AND channel_id IN (SELECT id FROM channels WHERE guild_id = $2)",
        )
        .bind(role_id.as_i64())
        .bind(guild_id.as_i64())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }
}

/// Inserts a role.
pub(crate) async fn insert(conn: &mut SqliteConnection, role: &RoleRecord) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO roles (id, guild_id, name, color, hoist, position, permissions, managed, mentionable) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(role.id.as_i64())
    .bind(role.guild_id.as_i64())
    .bind(&role.name)
    .bind(role.color)
    .bind(role.hoist)
    .bind(role.position)
    .bind(bits(role.permissions))
    .bind(role.managed)
    .bind(role.mentionable)
    .execute(conn)
    .await
    .map(drop)
}

/// Removes `role_id` from the role list of every member of the guild that has it, keeping
/// the order of the others.
async fn strip_from_members(conn: &mut SqliteConnection, guild_id: Snowflake, role_id: Snowflake) -> sqlx::Result<()> {
    let holders = sqlx::query(
        "SELECT user_id, roles FROM members WHERE guild_id = $1 \
         AND EXISTS (SELECT 1 FROM json_each(members.roles) WHERE json_each.value = $2)",
    )
    .bind(guild_id.as_i64())
    .bind(role_id.as_i64())
    .fetch_all(&mut *conn)
    .await?;
    for holder in &holders {
        let mut roles = ids_from_json(&holder.try_get::<String>("roles")?)?;
        roles.retain(|&r| r != role_id);
        sqlx::query("UPDATE members SET roles = $3 WHERE guild_id = $1 AND user_id = $2")
            .bind(guild_id.as_i64())
            .bind(holder.id("user_id")?.as_i64())
            .bind(ids_json(&roles))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

fn role_from(row: &impl Columns) -> sqlx::Result<RoleRecord> {
    Ok(RoleRecord {
        id: row.id("id")?,
        guild_id: row.id("guild_id")?,
        name: row.try_get("name")?,
        color: row.try_get("color")?,
        hoist: row.try_get("hoist")?,
        position: row.try_get("position")?,
        permissions: row.bits("permissions")?,
        managed: row.try_get("managed")?,
        mentionable: row.try_get("mentionable")?,
    })
}
