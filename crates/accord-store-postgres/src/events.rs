//! Writes a change's [`EventDraft`]s to the outbox inside the change's own transaction, with
//! positions that increase in commit order.
//!
//! Why the lock: the relay reads `pending_events` in position order and then forgets every
//! row up to the last position it published. An identity sequence alone hands out positions
//! in the order writers *ask*, not the order they *commit*: if transaction A takes position 5,
//! B takes 6 and commits first, the relay can publish 6 and mark it, deleting 5 unseen when A
//! commits later. Taking a transaction-scoped advisory lock just before drawing positions
//! serialises the tail of every event-writing transaction: the holder draws its positions,
//! commits, and only then (the lock is released after the commit is visible) can the next
//! writer draw larger ones. So positions follow commit order, and a reader that sees a row
//! also sees every row with a smaller position. The cost is that event-writing commits queue
//! one behind the other on this lock; work before it (row changes, index checks) still runs
//! concurrently, and callers batch writes (group commit) to keep the queue short.
//!
//! An [`AUDIT_LOG_EVENT`] is also stored as an entry of its guild's audit log, so the entry
//! commits with the change it records.

use accord_store::EventDraft;
use accord_store::moderation::{AUDIT_LOG_EVENT, AuditLogKeys};
use sqlx::PgConnection;

use crate::codec::{ids, opt_id};
use crate::error::corrupt;

/// The advisory lock key guarding outbox positions ("ACCORDOB" in ASCII); nothing else in
/// Accord uses it, and sqlx's migration lock keys are derived from a CRC of the database name.
const OUTBOX_LOCK: i64 = 0x4143_434f_5244_4f42;

/// Appends `events` to the outbox, in order, on the transaction's connection. Call it last in
/// the transaction, right before the commit: the outbox lock is held from here to the end.
/// An audit log event whose data lacks the entry's keys fails the write (`Internal` once
/// mapped by `db`).
pub(crate) async fn write(conn: &mut PgConnection, events: &[EventDraft]) -> sqlx::Result<()> {
    if events.is_empty() {
        // Nothing to order, so no reason to queue behind other writers.
        return Ok(());
    }
    // Entries first: they need no position, so they are written before taking the lock.
    for event in events.iter().filter(|e| e.name == AUDIT_LOG_EVENT) {
        write_audit_entry(conn, &event.data).await?;
    }
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(OUTBOX_LOCK).execute(&mut *conn).await?;
    for event in events {
        sqlx::query(
            "INSERT INTO outbox (id, name, guild_id, channel_id, user_ids, data) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(event.id.as_i64())
        .bind(&event.name)
        .bind(opt_id(event.guild_id))
        .bind(opt_id(event.channel_id))
        .bind(ids(&event.user_ids))
        .bind(&event.data)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Stores an audit log entry: its keys as columns, its JSON as given.
async fn write_audit_entry(conn: &mut PgConnection, data: &str) -> sqlx::Result<()> {
    let keys = AuditLogKeys::parse(data).map_err(|e| corrupt("audit log event", e))?;
    sqlx::query("INSERT INTO audit_log (id, guild_id, user_id, action_type, data) VALUES ($1, $2, $3, $4, $5)")
        .bind(keys.id.as_i64())
        .bind(keys.guild_id.as_i64())
        .bind(opt_id(keys.user_id))
        .bind(i32::from(keys.action_type))
        .bind(data)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
