//! The rows that index a message, written in its transaction: whom it pings
//! (`message_mentions`, read by read states and search). Its words need no rows here: the
//! `search` column is generated from the content.

use accord_core::Snowflake;
use accord_store::MessageRecord;
use sqlx::PgConnection;

use crate::codec::ids;

/// Indexes a message just stored.
pub(crate) async fn add(conn: &mut PgConnection, message: &MessageRecord) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO message_mentions (channel_id, message_id, target_id, author_id) \
         SELECT $1, $2, target, $4 FROM unnest($3::BIGINT[]) AS target",
    )
    .bind(message.channel_id.as_i64())
    .bind(message.id.as_i64())
    .bind(ids(&message.mention_targets()))
    .bind(message.author_id.as_i64())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Drops a message's index rows (before re-adding them on an edit, or when it is deleted).
pub(crate) async fn remove(conn: &mut PgConnection, channel_id: Snowflake, id: Snowflake) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM message_mentions WHERE channel_id = $1 AND message_id = $2")
        .bind(channel_id.as_i64())
        .bind(id.as_i64())
        .execute(&mut *conn)
        .await?;
    Ok(())
}
