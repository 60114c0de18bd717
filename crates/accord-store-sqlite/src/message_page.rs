//! A page of history as one row: the page's messages come back as one JSON array built by
//! SQLite. sqlx hands each row of a result from the connection's thread to the caller's on its
//! own, copying each of its columns into a separate allocation; for a page of 50 messages of 20
//! columns that was most of a history read's cost. One row of JSON is one hand-off and one
//! string, which serde reads faster than sqlx decodes the rows.

use accord_core::Snowflake;
use accord_store::codec::attachments_from_json;
use accord_store::{MessageRecord, MessageReference, StoreResult};
use serde::Deserialize;
use sqlx::SqliteConnection;

use crate::codec::ids_from_json;
use crate::error::{corrupt, db};
use crate::inline::InlineReads;

/// Wraps a `SELECT * FROM messages ...` so the rows it returns come back as one JSON array of
/// arrays, in the column order [`Columns`] reads.
macro_rules! json_page {
    ($select:literal) => {
        concat!(
            "SELECT json_group_array(json_array(id, channel_id, guild_id, author_id, content, nonce, ",
            "enforced_nonce, tts, kind, flags, edited_ms, pinned_ms, mention_everyone, mention_user_ids, ",
            "mention_role_ids, ref_message_id, ref_channel_id, ref_guild_id, attachments, embeds)) FROM (",
            $select,
            ")"
        )
    };
}

/// The newest messages first.
pub(crate) const LATEST: &str = json_page!("SELECT * FROM messages WHERE channel_id = ?1 ORDER BY id DESC LIMIT ?2");
/// Messages older than an id, newest first.
pub(crate) const BEFORE: &str =
    json_page!("SELECT * FROM messages WHERE channel_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3");
/// Messages at or older than an id, newest first.
pub(crate) const AT_OR_BEFORE: &str =
    json_page!("SELECT * FROM messages WHERE channel_id = ?1 AND id <= ?2 ORDER BY id DESC LIMIT ?3");
/// Messages newer than an id, oldest first (the page's limit counts from the id).
pub(crate) const AFTER: &str =
    json_page!("SELECT * FROM messages WHERE channel_id = ?1 AND id > ?2 ORDER BY id ASC LIMIT ?3");

/// One message as `json_array` lists its columns (booleans are SQLite integers; the id lists,
/// attachments and embeds are JSON text of their own).
#[derive(Deserialize)]
struct Columns(
    i64,
    i64,
    Option<i64>,
    i64,
    String,
    Option<String>,
    i64,
    i64,
    u8,
    i64,
    Option<i64>,
    Option<i64>,
    i64,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    String,
    String,
);

/// Runs one of this module's page statements with its bindings (channel, then the anchor id
/// where it has one, then the limit) and returns the messages newest first.
pub(crate) async fn read(
    connection: &mut SqliteConnection,
    statement: &'static str,
    channel_id: Snowflake,
    anchor: Option<Snowflake>,
    limit: u32,
) -> sqlx::Result<Vec<MessageRecord>> {
    let mut query = sqlx::query_scalar::<_, String>(statement).bind(channel_id.as_i64());
    if let Some(anchor) = anchor {
        query = query.bind(anchor.as_i64());
    }
    let text = query.bind(limit).fetch_one(connection).await?;
    parse(&text)
}

/// [`read`] on this thread's inline connection.
pub(crate) fn read_inline(
    reads: &InlineReads,
    statement: &'static str,
    channel_id: Snowflake,
    anchor: Option<Snowflake>,
    limit: u32,
) -> StoreResult<Vec<MessageRecord>> {
    let page = |row: &rusqlite::Row<'_>| row.get::<_, String>(0).map_err(|e| corrupt("message page", e));
    let text = match anchor {
        Some(anchor) => reads.optional(statement, (channel_id.as_i64(), anchor.as_i64(), limit), page),
        None => reads.optional(statement, (channel_id.as_i64(), limit), page),
    }?;
    // The aggregate always makes one row; "[]" when the page is empty.
    parse(text.as_deref().unwrap_or("[]")).map_err(db)
}

/// The messages of a page's JSON, newest first: the aggregate's order is not specified.
fn parse(text: &str) -> sqlx::Result<Vec<MessageRecord>> {
    let rows: Vec<Columns> = serde_json::from_str(text).map_err(|e| corrupt("message page", e))?;
    let mut messages = rows.into_iter().map(record).collect::<sqlx::Result<Vec<_>>>()?;
    messages.sort_unstable_by_key(|message| std::cmp::Reverse(message.id));
    Ok(messages)
}

fn record(columns: Columns) -> sqlx::Result<MessageRecord> {
    let Columns(
        id,
        channel_id,
        guild_id,
        author_id,
        content,
        nonce,
        enforced_nonce,
        tts,
        kind,
        flags,
        edited_ms,
        pinned_ms,
        mention_everyone,
        mention_user_ids,
        mention_role_ids,
        ref_message_id,
        ref_channel_id,
        ref_guild_id,
        attachments,
        embeds,
    ) = columns;
    let reference = match (ref_message_id, ref_channel_id) {
        (Some(message_id), Some(channel_id)) => Some(MessageReference {
            message_id: Snowflake::from_i64(message_id),
            channel_id: Snowflake::from_i64(channel_id),
            guild_id: ref_guild_id.map(Snowflake::from_i64),
        }),
        _ => None,
    };
    Ok(MessageRecord {
        id: Snowflake::from_i64(id),
        channel_id: Snowflake::from_i64(channel_id),
        guild_id: guild_id.map(Snowflake::from_i64),
        author_id: Snowflake::from_i64(author_id),
        content,
        nonce,
        enforced_nonce: enforced_nonce != 0,
        tts: tts != 0,
        kind,
        flags: flags as u64,
        edited_ms: edited_ms.map(|ms| ms as u64),
        pinned_ms: pinned_ms.map(|ms| ms as u64),
        mention_everyone: mention_everyone != 0,
        mention_user_ids: ids_from_json(&mention_user_ids)?,
        mention_role_ids: ids_from_json(&mention_role_ids)?,
        reference,
        attachments: attachments_from_json(&attachments).map_err(|e| corrupt("attachments", e))?,
        embeds,
    })
}
