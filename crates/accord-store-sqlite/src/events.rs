//! Writes a change's [`EventDraft`]s to the outbox inside the change's own transaction.

use accord_store::EventDraft;
use sqlx::SqliteConnection;

use crate::codec::{ids_json, opt_id};

/// Appends `events` to the outbox, in order, on the transaction's connection.
pub(crate) async fn write(conn: &mut SqliteConnection, events: &[EventDraft]) -> sqlx::Result<()> {
    for event in events {
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
