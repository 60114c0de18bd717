//! [`PrivateChannelStore`] on PostgreSQL: a DM or group DM is a row of `channels` (no guild,
//! no parent, no thread owner) with a `private_channels` row (a group's owner and icon, a DM's
//! unique pair key) and its people in `channel_recipients`, in the order they joined.
//!
//! Concurrency: a pair's DM is claimed by inserting its pair key `ON CONFLICT DO NOTHING`, so
//! of two racing opens one creates it and the other (after waiting for that commit) reads it
//! and rolls its own channel row back. Changes to a group lock its `private_channels` row
//! first (`FOR UPDATE`), so concurrent adds cannot pass the size limit; every write that
//! touches both locks that row before the channel's, so they never deadlock.

use accord_core::Snowflake;
use accord_store::private_channels::GROUP_DM;
use accord_store::{
    EventDraft, EventsAfter, OpenedDm, PrivateChannelRecord, PrivateChannelStore, RecipientChange, StoreError,
    StoreResult,
};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgExecutor, Row};

use crate::channels::{channel_from, insert};
use crate::codec::{RowExt, ids, opt_id, small};
use crate::error::db;
use crate::{PostgresStore, events};

/// Private channels with their group settings and recipients (in join order), and the empty
/// overwrite columns `channel_from` reads. A macro so that `concat!` can build whole
/// `&'static str` queries from it.
macro_rules! select_private {
    () => {
        "SELECT c.*, NULL::BIGINT[] AS target_ids, NULL::SMALLINT[] AS kinds, NULL::BIGINT[] AS allows, \
         NULL::BIGINT[] AS denies, p.owner_id AS group_owner_id, p.icon AS group_icon, \
         (SELECT array_agg(r.user_id ORDER BY r.position) FROM channel_recipients r \
          WHERE r.channel_id = c.id) AS recipient_ids \
         FROM channels c JOIN private_channels p ON p.channel_id = c.id"
    };
}

#[async_trait::async_trait]
impl PrivateChannelStore for PostgresStore {
    async fn open_dm(&self, dm: &PrivateChannelRecord, events: &[EventDraft]) -> StoreResult<OpenedDm> {
        let key = pair_key(dm)?;
        if let Some(existing) = read_pair(&self.pool, &key).await.map_err(db)? {
            return Ok(OpenedDm::Existing(existing));
        }
        let mut tx = self.write().await?;
        insert(&mut tx, &dm.channel).await.map_err(db)?;
        let claimed = sqlx::query(
            "INSERT INTO private_channels (channel_id, owner_id, icon, pair_key) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (pair_key) DO NOTHING",
        )
        .bind(dm.channel.id.as_i64())
        .bind(opt_id(dm.owner_id))
        .bind(&dm.icon)
        .bind(&key)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if claimed.rows_affected() == 0 {
            // A concurrent open created it: DO NOTHING waited for its commit, and this fresh
            // statement sees it. Dropping the transaction rolls back the channel row above.
            let existing = read_pair(&mut *tx, &key).await.map_err(db)?;
            return existing.map(OpenedDm::Existing).ok_or(StoreError::Internal("a claimed DM vanished".into()));
        }
        insert_recipients(&mut tx, dm).await.map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(OpenedDm::Created(dm.clone()))
    }

    async fn create_group_dm(&self, group: &PrivateChannelRecord, events: &[EventDraft]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        insert(&mut tx, &group.channel).await.map_err(db)?;
        sqlx::query("INSERT INTO private_channels (channel_id, owner_id, icon) VALUES ($1, $2, $3)")
            .bind(group.channel.id.as_i64())
            .bind(opt_id(group.owner_id))
            .bind(&group.icon)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        insert_recipients(&mut tx, group).await.map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn private_channel(&self, id: Snowflake) -> StoreResult<Option<PrivateChannelRecord>> {
        read(&self.pool, id).await.map_err(db)
    }

    async fn private_channels_of(&self, user_id: Snowflake) -> StoreResult<Vec<PrivateChannelRecord>> {
        let rows = sqlx::query(concat!(
            select_private!(),
            " WHERE c.id IN (SELECT channel_id FROM channel_recipients WHERE user_id = $1 AND open) \
             ORDER BY COALESCE(c.last_message_id, c.id) DESC, c.id DESC"
        ))
        .bind(user_id.as_i64())
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(record_from).collect::<sqlx::Result<_>>().map_err(db)
    }

    async fn set_dm_open(
        &self,
        channel_id: Snowflake,
        user_id: Snowflake,
        open: bool,
        events: &[EventDraft],
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        // Re-checked after waiting for a concurrent change's row lock, so only one of two
        // identical requests reports the change.
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
             AND EXISTS (SELECT 1 FROM channels WHERE id = $1 AND kind = $3)",
        )
        .bind(id)
        .bind(&group.icon)
        .bind(small(GROUP_DM))
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
        let Some(mut group) = lock_group(&mut tx, channel_id).await? else { return Ok(RecipientChange::Unknown) };
        if group.is_recipient(user_id) {
            return Ok(RecipientChange::Unchanged(group));
        }
        if group.recipients.len() >= max_people {
            return Ok(RecipientChange::Full);
        }
        sqlx::query(
            "INSERT INTO channel_recipients (channel_id, user_id, position, open) \
             SELECT $1, $2, COALESCE(MAX(position) + 1, 0), TRUE FROM channel_recipients WHERE channel_id = $1",
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
        let Some(mut group) = lock_group(&mut tx, channel_id).await? else { return Ok(RecipientChange::Unknown) };
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

/// Inserts the recipients, open for all, in the given order.
async fn insert_recipients(conn: &mut PgConnection, record: &PrivateChannelRecord) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO channel_recipients (channel_id, user_id, position, open) \
         SELECT $1, t.user_id, (t.position - 1)::INTEGER, TRUE \
         FROM UNNEST($2::BIGINT[]) WITH ORDINALITY AS t (user_id, position)",
    )
    .bind(record.channel.id.as_i64())
    .bind(ids(&record.recipients))
    .execute(conn)
    .await
    .map(drop)
}

async fn read(executor: impl PgExecutor<'_>, id: Snowflake) -> sqlx::Result<Option<PrivateChannelRecord>> {
    let row =
        sqlx::query(concat!(select_private!(), " WHERE c.id = $1")).bind(id.as_i64()).fetch_optional(executor).await?;
    row.as_ref().map(record_from).transpose()
}

async fn read_pair(executor: impl PgExecutor<'_>, pair_key: &str) -> sqlx::Result<Option<PrivateChannelRecord>> {
    let row = sqlx::query(concat!(select_private!(), " WHERE p.pair_key = $1"))
        .bind(pair_key)
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(record_from).transpose()
}

/// Locks the group DM's row until commit and reads it (a fresh statement, so it sees every
/// change committed before the lock was granted); `None` when it is not a group DM.
async fn lock_group(conn: &mut PgConnection, id: Snowflake) -> StoreResult<Option<PrivateChannelRecord>> {
    let locked = sqlx::query("SELECT 1 FROM private_channels WHERE channel_id = $1 FOR UPDATE")
        .bind(id.as_i64())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
    if locked.is_none() {
        return Ok(None);
    }
    let record = read(&mut *conn, id).await.map_err(db)?;
    Ok(record.filter(|r| r.channel.kind == GROUP_DM))
}

/// Private channels have no permission overwrites (the select yields none).
fn record_from(row: &PgRow) -> sqlx::Result<PrivateChannelRecord> {
    Ok(PrivateChannelRecord {
        channel: channel_from(row)?,
        owner_id: row.opt_id("group_owner_id")?,
        icon: row.try_get("group_icon")?,
        recipients: row.ids("recipient_ids")?,
    })
}
