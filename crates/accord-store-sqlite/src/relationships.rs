//! [`RelationshipStore`] on SQLite: one `relationships` row per side of a pair. A replace
//! reads and rewrites both sides in one `BEGIN IMMEDIATE` transaction, so SQLite's single
//! writer makes the compare-and-swap atomic.

use accord_core::Snowflake;
use accord_store::{
    EventDraft, Relationship, RelationshipPair, RelationshipRecord, RelationshipStore, StoreError, StoreResult,
};
use sqlx::{SqliteConnection, SqliteExecutor};

use crate::codec::{Columns, RowExt, bits};
use crate::error::db;
use crate::{SqliteStore, events};

#[async_trait::async_trait]
impl RelationshipStore for SqliteStore {
    async fn relationships(&self, user_id: Snowflake) -> StoreResult<Vec<RelationshipRecord>> {
        let statement = "SELECT * FROM relationships WHERE user_id = ?1 ORDER BY other_id";
        self.inline.all(statement, [user_id.as_i64()], |row| {
            Ok(RelationshipRecord { user_id: row.id("user_id")?, other_id: row.id("other_id")?, side: side_from(row)? })
        })
    }

    async fn relationship_pair(&self, user_id: Snowflake, other_id: Snowflake) -> StoreResult<RelationshipPair> {
        // The statement transactions share; rare enough for the pool's connection.
        read_pair(&self.pool, user_id, other_id).await.map_err(db)
    }

    async fn replace_relationship(
        &self,
        current: &RelationshipPair,
        next: &RelationshipPair,
        events: &[EventDraft],
    ) -> StoreResult<bool> {
        if (current.user_id, current.other_id) != (next.user_id, next.other_id) {
            return Err(StoreError::Internal("replacing a relationship with another pair's".into()));
        }
        let mut tx = self.write().await?;
        let stored = read_pair(&mut *tx, current.user_id, current.other_id).await.map_err(db)?;
        let kind = |side: Option<Relationship>| side.map(|r| r.kind);
        if kind(stored.mine) != kind(current.mine) || kind(stored.theirs) != kind(current.theirs) {
            return Ok(false);
        }
        write_side(&mut tx, next.user_id, next.other_id, next.mine).await.map_err(db)?;
        write_side(&mut tx, next.other_id, next.user_id, next.theirs).await.map_err(db)?;
        events::write(&mut tx, events).await.map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }
}

/// Both sides of the pair in one statement (one snapshot).
async fn read_pair(
    executor: impl SqliteExecutor<'_>,
    user_id: Snowflake,
    other_id: Snowflake,
) -> sqlx::Result<RelationshipPair> {
    let rows = sqlx::query(
        "SELECT * FROM relationships WHERE (user_id = $1 AND other_id = $2) OR (user_id = $2 AND other_id = $1)",
    )
    .bind(user_id.as_i64())
    .bind(other_id.as_i64())
    .fetch_all(executor)
    .await?;
    let mut pair = RelationshipPair { user_id, other_id, mine: None, theirs: None };
    for row in &rows {
        if row.id("user_id")? == user_id {
            pair.mine = Some(side_from(row)?);
        } else {
            pair.theirs = Some(side_from(row)?);
        }
    }
    Ok(pair)
}

/// Sets what `user_id` has toward `other_id`: deleted for `None`.
async fn write_side(
    conn: &mut SqliteConnection,
    user_id: Snowflake,
    other_id: Snowflake,
    side: Option<Relationship>,
) -> sqlx::Result<()> {
    let query = match side {
        None => sqlx::query("DELETE FROM relationships WHERE user_id = $1 AND other_id = $2")
            .bind(user_id.as_i64())
            .bind(other_id.as_i64()),
        Some(side) => sqlx::query(
            "INSERT INTO relationships (user_id, other_id, kind, since_ms) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, other_id) DO UPDATE SET kind = excluded.kind, since_ms = excluded.since_ms",
        )
        .bind(user_id.as_i64())
        .bind(other_id.as_i64())
        .bind(side.kind)
        .bind(bits(side.since_ms)),
    };
    query.execute(conn).await.map(drop)
}

fn side_from(row: &impl Columns) -> sqlx::Result<Relationship> {
    Ok(Relationship { kind: row.try_get("kind")?, since_ms: row.bits("since_ms")? })
}
