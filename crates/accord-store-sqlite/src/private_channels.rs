//! [`PrivateChannelStore`] on SQLite: a DM or group DM is a row of `channels` (no guild, no
//! parent, no thread owner) with a `private_channels` row (a group's owner and icon, a DM's
//! unique pair key) and its people in `channel_recipients`, in the order they joined. Each
//! read-modify-write is one `BEGIN IMMEDIATE` transaction, so SQLite's single writer keeps a
//! pair to one DM and a group within its size limit.

use accord_core::Snowflake;
use accord_store::private_channels::GROUP_DM;
use accord_store::{
    EventDraft, EventsAfter, OpenedDm, PrivateChannelRecord, PrivateChannelStore, RecipientChange, StoreError,
    StoreResult,
};
use sqlx::{SqliteConnection, SqliteExecutor};

use crate::channels::{channel_from, insert};
use crate::codec::{Columns, RowExt, ids_json, opt_id};
use crate::error::db;
use crate::{SqliteStore, events};

/// Private channels with their group settings and recipients (a JSON array in join order).
/// A macro so that `concat!` can build whole `&'static str` queries from it.
macro_rules! select_private {
    () => {
        "SELECT c.*, p.owner_id AS group_owner_id, p.icon AS group_icon, \
         (SELECT json_group_array(r.user_id ORDER BY r.position) FROM channel_recipients r \
          WHERE r.channel_id = c.id) AS recipient_ids \
         FROM channels c JOIN private_channels p ON p.channel_id = c.id"
    };
}

#[async_trait::async_trait]
impl PrivateChannelStore for SqliteStore {
    async fn open_dm(&self, dm: &PrivateChannelRecord, events: &[EventDraft]) -> StoreResult<OpenedDm> {
        let key = pair_key(dm)?;
        let mut tx = self.write().await?;
        let existing = sqlx::query(concat!(select_private!(), " WHERE p.pair_key = $1"))
            .bind(&key)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
        if let Some(row) = existing {
            return record_from(&row).map(OpenedDm::Existing).map_err(db);
        }
        create(&mut tx, dm, Some(&key)).await.map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(OpenedDm::Created(dm.clone()))
    }

    async fn create_group_dm(&self, group: &PrivateChannelRecord, events: &[EventDraft]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        create(&mut tx, group, None).await.map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn private_channel(&self, id: Snowflake) -> StoreResult<Option<PrivateChannelRecord>> {
        self.inline.optional(concat!(select_private!(), " WHERE c.id = ?1"), [id.as_i64()], |row| record_from(row))
    }

    async fn private_channels_of(&self, user_id: Snowflake) -> StoreResult<Vec<PrivateChannelRecord>> {
        let statement = concat!(
            select_private!(),
            " WHERE c.id IN (SELECT channel_id FROM channel_recipients WHERE user_id = ?1 AND open = 1) \
             ORDER BY COALESCE(c.last_message_id, c.id) DESC, c.id DESC"
        );
        self.inline.all(statement, [user_id.as_i64()], |row| record_from(row))
    }

    async fn set_dm_open(
        &self,
        channel_id: Snowflake,
        user_id: Snowflake,
        open: bool,
        events: &[EventDraft],
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let changed = sqlx::query(
            "UPDATE channel_recipients SET open = $3 WHERE channel_id = $1 AND user_id = $2 AND open <> $3",
        )
        .bind(channel_id.as_i64())
        .bind(user_id.as_i64())
        .bind(open)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if changed.rows_affected() == 0 {
            return Ok(false);
        }
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn update_group_dm(&self, group: &PrivateChannelRecord, events: &[EventDraft]) -> StoreResult<bool> {
        let id = group.channel.id.as_i64();
        let mut tx = self.write().await?;
        let updated = sqlx::query(
            "UPDATE private_channels SET icon = $2 WHERE channel_id = $1 \
             AND channel_id IN (SELECT id FROM channels WHERE kind = $3)",
        )
        .bind(id)
        .bind(&group.icon)
        .bind(GROUP_DM)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if updated.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query("UPDATE channels SET name = $2 WHERE id = $1")
            .bind(id)
            .bind(&group.channel.name)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }

    async fn add_recipient(
        &self,
        channel_id: Snowflake,
        user_id: Snowflake,
        max_people: usize,
        events: &EventsAfter<'_>,
    ) -> StoreResult<RecipientChange> {
        let mut tx = self.write().await?;
        let Some(mut group) = read_group(&mut tx, channel_id).await? else { return Ok(RecipientChange::Unknown) };
        if group.is_recipient(user_id) {
            return Ok(RecipientChange::Unchanged(group));
        }
        if group.recipients.len() >= max_people {
            return Ok(RecipientChange::Full);
        }
        sqlx::query(
            "INSERT INTO channel_recipients (channel_id, user_id, position, open) \
             SELECT $1, $2, COALESCE(MAX(position) + 1, 0), 1 FROM channel_recipients WHERE channel_id = $1",
        )
        .bind(channel_id.as_i64())
        .bind(user_id.as_i64())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        group.recipients.push(user_id);
        events::write(&mut tx, &events(&group)).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(RecipientChange::Changed(group))
    }

    async fn remove_recipient(
        &self,
        channel_id: Snowflake,
        user_id: Snowflake,
        events: &EventsAfter<'_>,
    ) -> StoreResult<RecipientChange> {
        let mut tx = self.write().await?;
        let Some(mut group) = read_group(&mut tx, channel_id).await? else { return Ok(RecipientChange::Unknown) };
        if !group.is_recipient(user_id) {
            return Ok(RecipientChange::Unchanged(group));
        }
        group.recipients.retain(|r| *r != user_id);
        let owner_left = group.owner_id == Some(user_id);
        if owner_left {
            group.owner_id = group.recipients.first().copied();
        }
        if group.recipients.is_empty() {
            // Its recipients, messages and read states cascade.
            sqlx::query("DELETE FROM channels WHERE id = $1")
                .bind(channel_id.as_i64())
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        } else {
            sqlx::query("DELETE FROM channel_recipients WHERE channel_id = $1 AND user_id = $2")
                .bind(channel_id.as_i64())
                .bind(user_id.as_i64())
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            if owner_left {
                sqlx::query("UPDATE private_channels SET owner_id = $2 WHERE channel_id = $1")
                    .bind(channel_id.as_i64())
                    .bind(opt_id(group.owner_id))
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
            }
        }
        events::write(&mut tx, &events(&group)).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(RecipientChange::Changed(group))
    }
}

/// A DM's pair key: its two recipients' ids, the lower first.
fn pair_key(dm: &PrivateChannelRecord) -> StoreResult<String> {
    let [a, b] = dm.recipients[..] else {
        return Err(StoreError::Internal(format!("a DM has two recipients, not {}", dm.recipients.len())));
    };
    Ok(format!("{}:{}", a.min(b).get(), a.max(b).get()))
}

/// Inserts the channel, its private row and its recipients (open for all, in the given order).
async fn create(
    conn: &mut SqliteConnection,
    record: &PrivateChannelRecord,
    pair_key: Option<&str>,
) -> sqlx::Result<()> {
    insert(&mut *conn, &record.channel).await?;
    sqlx::query("INSERT INTO private_channels (channel_id, owner_id, icon, pair_key) VALUES ($1, $2, $3, $4)")
        .bind(record.channel.id.as_i64())
        .bind(opt_id(record.owner_id))
        .bind(&record.icon)
        .bind(pair_key)
        .execute(&mut *conn)
        .await?;
    // json_each's key is the array index: the join order.
    sqlx::query(
        "INSERT INTO channel_recipients (channel_id, user_id, position, open) \
         SELECT $1, value, key, 1 FROM json_each($2)",
    )
    .bind(record.channel.id.as_i64())
    .bind(ids_json(&record.recipients))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn read(executor: impl SqliteExecutor<'_>, id: Snowflake) -> sqlx::Result<Option<PrivateChannelRecord>> {
    let row =
        sqlx::query(concat!(select_private!(), " WHERE c.id = $1")).bind(id.as_i64()).fetch_optional(executor).await?;
    row.as_ref().map(record_from).transpose()
}

/// The group DM as the transaction sees it; `None` when it is not one.
async fn read_group(conn: &mut SqliteConnection, id: Snowflake) -> StoreResult<Option<PrivateChannelRecord>> {
    let record = read(&mut *conn, id).await.map_err(db)?;
    Ok(record.filter(|r| r.channel.kind == GROUP_DM))
}

/// Private channels have no permission overwrites.
fn record_from(row: &impl Columns) -> sqlx::Result<PrivateChannelRecord> {
    Ok(PrivateChannelRecord {
        channel: channel_from(row, Vec::new())?,
        owner_id: row.opt_id("group_owner_id")?,
        icon: row.try_get("group_icon")?,
        recipients: row.ids("recipient_ids")?,
    })
}
