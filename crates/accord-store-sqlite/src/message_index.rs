//! The rows that index a message, written in its transaction: whom it pings
//! (`message_mentions`, read by read states and search) and its words (`message_search`, an
//! FTS5 table whose rowid is the message id).

use accord_core::Snowflake;
use accord_store::MessageRecord;
use sqlx::SqliteConnection;

/// Indexes a message just stored.
pub(crate) async fn add(conn: &mut SqliteConnection, message: &MessageRecord) -> sqlx::Result<()> {
    for target in message.mention_targets() {
        sqlx::query(
            "INSERT INTO message_mentions (channel_id, message_id, target_id, author_id) VALUES ($1, $2, $3, $4)",
        )
        .bind(message.channel_id.as_i64())
        .bind(message.id.as_i64())
        .bind(target.as_i64())
        .bind(message.author_id.as_i64())
        .execute(&mut *conn)
        .await?;
    }
    if !message.content.is_empty() {
        sqlx::query("INSERT INTO message_search (rowid, content) VALUES ($1, $2)")
            .bind(message.id.as_i64())
            .bind(&message.content)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Drops a message's index rows (before re-adding them on an edit, or when it is deleted).
pub(crate) async fn remove(conn: &mut SqliteConnection, channel_id: Snowflake, id: Snowflake) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM message_mentions WHERE channel_id = $1 AND message_id = $2")
        .bind(channel_id.as_i64())
        .bind(id.as_i64())
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM message_search WHERE rowid = $1").bind(id.as_i64()).execute(&mut *conn).await?;
    Ok(())
}
