//! [`RelationshipStore`] on PostgreSQL: one `relationships` row per side of a pair. A side
//! that does not exist yet cannot be locked with `FOR UPDATE`, so a replace first takes a
//! transaction-scoped advisory lock on the pair; then it reads both sides, compares and
//! rewrites them, and two replaces of one pair run one after the other.

use accord_core::Snowflake;
use accord_store::{
    EventDraft, Relationship, RelationshipPair, RelationshipRecord, RelationshipStore, StoreError, StoreResult,
};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgExecutor};

use crate::codec::{RowExt, bits, small};
use crate::error::db;
use crate::{PostgresStore, events};

/// The first key of the pair locks ("RELA" in ASCII). Two-key advisory locks live apart from
/// the one-key ones (the outbox lock), so they cannot collide with it.
const PAIR_LOCK: i32 = 0x5245_4c41;

#[async_trait::async_trait]
impl RelationshipStore for PostgresStore {
    async fn relationships(&self, user_id: Snowflake) -> StoreResult<Vec<RelationshipRecord>> {
        let rows = sqlx::query("SELECT * FROM relationships WHERE user_id = $1 ORDER BY other_id")
            .bind(user_id.as_i64())
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter()
            .map(|row| {
                Ok(RelationshipRecord {
                    user_id: row.id("user_id")?,
                    other_id: row.id("other_id")?,
                    side: side_from(row)?,
                })
            })
            .collect::<sqlx::Result<_>>()
            .map_err(db)
    }

    async fn relationship_pair(&self, user_id: Snowflake, other_id: Snowflake) -> StoreResult<RelationshipPair> {
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
        sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind(PAIR_LOCK)
            .bind(pair_hash(current.user_id, current.other_id))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
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

/// The second key of a pair's lock: the same for (a, b) and (b, a), and in every process.
/// Two pairs that share it merely wait for each other.
fn pair_hash(a: Snowflake, b: Snowflake) -> i32 {
    let mixed = a.min(b).get().wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ a.max(b).get();
    (mixed ^ (mixed >> 32)) as i32
}

/// Both sides of the pair in one statement (one snapshot).
async fn read_pair(
    executor: impl PgExecutor<'_>,
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
    conn: &mut PgConnection,
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
        .bind(small(side.kind))
        .bind(bits(side.since_ms)),
    };
    query.execute(conn).await.map(drop)
}

fn side_from(row: &PgRow) -> sqlx::Result<Relationship> {
    Ok(Relationship { kind: row.small("kind")?, since_ms: row.bits("since_ms")? })
}
