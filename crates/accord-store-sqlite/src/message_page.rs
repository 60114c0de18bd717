//! A page of history: one statement on the reading thread's own connection, its rows read
//! straight into records. Every page, an Around one too, is one statement, so it is read from
//! one snapshot without a transaction.

use accord_core::Snowflake;
use accord_store::{MessageRecord, Page, StoreResult};

use crate::inline::InlineReads;
use crate::messages::message_from;

/// The newest messages first.
const LATEST: &str = "SELECT * FROM messages WHERE channel_id = ?1 ORDER BY id DESC LIMIT ?2";
/// Messages older than an id, newest first.
const BEFORE: &str = "SELECT * FROM messages WHERE channel_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3";
/// The `?3` messages newer than an id (oldest first, so the limit counts from the id).
const AFTER: &str = "SELECT * FROM messages WHERE channel_id = ?1 AND id > ?2 ORDER BY id ASC LIMIT ?3";
/// [`AFTER`]'s `?3` newer messages, and the message itself with the `?4` older ones.
const AROUND: &str = "SELECT * FROM (SELECT * FROM messages WHERE channel_id = ?1 AND id > ?2 ORDER BY id ASC LIMIT ?3) \
     UNION ALL \
     SELECT * FROM (SELECT * FROM messages WHERE channel_id = ?1 AND id <= ?2 ORDER BY id DESC LIMIT ?4)";

/// The messages of `page` in the channel, newest first.
pub(crate) fn read(reads: &InlineReads, channel_id: Snowflake, page: Page) -> StoreResult<Vec<MessageRecord>> {
    let channel = channel_id.as_i64();
    let mut messages = match page {
        Page::Latest { limit } => reads.all(LATEST, (channel, limit), |row| message_from(row)),
        Page::Before { id, limit } => reads.all(BEFORE, (channel, id.as_i64(), limit), |row| message_from(row)),
        Page::After { id, limit } => reads.all(AFTER, (channel, id.as_i64(), limit), |row| message_from(row)),
        Page::Around { id, limit } => {
            // The newer half gets floor(limit / 2); the message itself and the older ones the rest.
            let (newer, older) = (limit / 2, limit - limit / 2);
            reads.all(AROUND, (channel, id.as_i64(), newer, older), |row| message_from(row))
        }
    }?;
    if matches!(page, Page::After { .. } | Page::Around { .. }) {
        messages.sort_unstable_by_key(|message| std::cmp::Reverse(message.id));
    }
    Ok(messages)
}
