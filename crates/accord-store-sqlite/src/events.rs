//! Writes a change's [`EventDraft`]s to the outbox inside the change's own transaction. An
//! [`AUDIT_LOG_EVENT`] is also stored as an entry of its guild's audit log, so the entry
//! commits with the change it records.

use accord_store::EventDraft;
use accord_store::moderation::{AUDIT_LOG_EVENT, AuditLogKeys};
use sqlx::SqliteConnection;

use crate::codec::{ids_json, opt_id};
use crate::error::corrupt;

/// Appends `events` to the outbox, in order, on the transaction's connection. An audit log
/// event whose data lacks the entry's keys fails the write (`Internal` once mapped by `db`).
pub(crate) async fn write(conn: &mut SqliteConnection, events: &[EventDraft]) -> sqlx::Result<()> {
    for event in events {
        if event.name == AUDIT_LOG_EVENT {
            write_audit_entry(conn, &event.data).await?;
        }
        sqlx::query(
            "INSERT INTO outbox (id, name, guild_id, channel_id, user_ids, data) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(event.id.as_i64())
        .bind(&event.name)
        .bind(opt_id(event.guild_id))
        .bind(opt_id(event.channel_id))
        .bind(ids_json(&event.user_ids))
        .bind(&event.data)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Stores an audit log entry: its keys as columns, its JSON as given.
async fn write_audit_entry(conn: &mut SqliteConnection, data: &str) -> sqlx::Result<()> {
    let keys = AuditLogKeys::parse(data).map_err(|e| corrupt("audit log event", e))?;
    sqlx::query("INSERT INTO audit_log (id, guild_id, user_id, action_type, data) VALUES ($1, $2, $3, $4, $5)")
        .bind(keys.id.as_i64())
        .bind(keys.guild_id.as_i64())
        .bind(opt_id(keys.user_id))
        .bind(keys.action_type)
        .bind(data)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
