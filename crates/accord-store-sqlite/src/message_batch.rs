//! A batch of new messages written with one statement per table rather than several per
//! message: each statement is a round trip to the connection's thread, which costs more than
//! the row itself. Used by the group-commit writer for messages without an enforced nonce.

use std::collections::BTreeMap;

use accord_store::codec::attachments_to_json;
use accord_store::{EventDraft, MessageRecord};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::codec::{bits, ids_json, opt_bits, opt_id};

/// The `messages` columns a new message fills, in the order [`push_message`] binds them.
const COLUMNS: &str = "INSERT INTO messages (channel_id, id, guild_id, author_id, content, nonce, enforced_nonce, \
    tts, kind, flags, edited_ms, pinned, mention_everyone, mention_user_ids, mention_role_ids, ref_message_id, \
    ref_channel_id, ref_guild_id, pinned_ms, attachments, embeds, has_bits) ";

/// `INSERT INTO messages` for `messages`, with `suffix` (e.g. an `ON CONFLICT` clause) after.
pub(crate) fn insert_query(messages: &[&MessageRecord], suffix: &str) -> QueryBuilder<Sqlite> {
    let mut query = QueryBuilder::new(COLUMNS);
    query.push_values(messages, |mut row, message| {
        let reference = message.reference.as_ref();
        row.push_bind(message.channel_id.as_i64())
            .push_bind(message.id.as_i64())
            .push_bind(opt_id(message.guild_id))
            .push_bind(message.author_id.as_i64())
            .push_bind(&message.content)
            .push_bind(&message.nonce)
            .push_bind(message.enforced_nonce)
            .push_bind(message.tts)
            .push_bind(message.kind)
            .push_bind(bits(message.flags))
            .push_bind(opt_bits(message.edited_ms))
            .push_bind(message.pinned_ms.is_some())
            .push_bind(message.mention_everyone)
            .push_bind(ids_json(&message.mention_user_ids))
            .push_bind(ids_json(&message.mention_role_ids))
            .push_bind(reference.map(|r| r.message_id.as_i64()))
            .push_bind(reference.map(|r| r.channel_id.as_i64()))
            .push_bind(reference.and_then(|r| opt_id(r.guild_id)))
            .push_bind(opt_bits(message.pinned_ms))
            .push_bind(attachments_to_json(&message.attachments))
            .push_bind(&message.embeds)
            .push_bind(message.has_bits());
    });
    query.push(suffix);
    query
}

/// Writes `messages` (none with an enforced nonce) and their `events`, and keeps their
/// channels, index rows and DMs in step, as `messages::create` does for one.
pub(crate) async fn create_all(
    conn: &mut SqliteConnection,
    messages: &[&MessageRecord],
    events: &[&EventDraft],
) -> sqlx::Result<()> {
    insert_query(messages, "").build().execute(&mut *conn).await?;
    index(conn, messages).await?;
    touch_channels(conn, messages).await?;
    insert_events(conn, events).await
}

/// The mention and search rows of `messages`.
async fn index(conn: &mut SqliteConnection, messages: &[&MessageRecord]) -> sqlx::Result<()> {
    let mentions: Vec<(&MessageRecord, i64)> =
        messages.iter().flat_map(|m| m.mention_targets().into_iter().map(move |t| (*m, t.as_i64()))).collect();
    if !mentions.is_empty() {
        let mut query =
            QueryBuilder::<Sqlite>::new("INSERT INTO message_mentions (channel_id, message_id, target_id, author_id) ");
        query.push_values(&mentions, |mut row, (message, target)| {
            row.push_bind(message.channel_id.as_i64())
                .push_bind(message.id.as_i64())
                .push_bind(*target)
                .push_bind(message.author_id.as_i64());
        });
        query.build().execute(&mut *conn).await?;
    }
    let worded: Vec<&&MessageRecord> = messages.iter().filter(|m| !m.content.is_empty()).collect();
    if !worded.is_empty() {
        let mut query = QueryBuilder::<Sqlite>::new("INSERT INTO message_search (rowid, content) ");
        query.push_values(worded, |mut row, message| {
            row.push_bind(message.id.as_i64()).push_bind(&message.content);
        });
        query.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Each channel's last message, and a thread's counts; a DM shown again to whoever closed it.
async fn touch_channels(conn: &mut SqliteConnection, messages: &[&MessageRecord]) -> sqlx::Result<()> {
    let mut channels: BTreeMap<i64, (i64, i64, bool)> = BTreeMap::new();
    for message in messages {
        let entry = channels.entry(message.channel_id.as_i64()).or_insert((0, 0, message.guild_id.is_none()));
        entry.0 = entry.0.max(message.id.as_i64());
        entry.1 += 1;
    }
    let mut query = QueryBuilder::<Sqlite>::new(
        "UPDATE channels SET last_message_id = max(coalesce(channels.last_message_id, 0), b.last), \
         message_count = message_count + iif(owner_id IS NOT NULL, b.n, 0), \
         total_message_sent = total_message_sent + iif(owner_id IS NOT NULL, b.n, 0) \
         FROM (SELECT column1 AS id, column2 AS last, column3 AS n FROM (",
    );
    query.push_values(&channels, |mut row, (id, (last, n, _))| {
        row.push_bind(*id).push_bind(*last).push_bind(*n);
    });
    query.push(")) AS b WHERE channels.id = b.id");
    query.build().execute(&mut *conn).await?;
    let private: Vec<i64> = channels.iter().filter(|(_, (_, _, dm))| *dm).map(|(id, _)| *id).collect();
    if !private.is_empty() {
        let mut query =
            QueryBuilder::<Sqlite>::new("UPDATE channel_recipients SET open = 1 WHERE open = 0 AND channel_id IN (");
        let mut ids = query.separated(", ");
        for id in private {
            ids.push_bind(id);
        }
        query.push(")");
        query.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Appends `events` to the outbox in order (none of them an audit log entry).
async fn insert_events(conn: &mut SqliteConnection, events: &[&EventDraft]) -> sqlx::Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let mut query = QueryBuilder::<Sqlite>::new("INSERT INTO outbox (id, name, guild_id, channel_id, user_ids, data) ");
    query.push_values(events, |mut row, event| {
        row.push_bind(event.id.as_i64())
            .push_bind(&event.name)
            .push_bind(opt_id(event.guild_id))
            .push_bind(opt_id(event.channel_id))
            .push_bind(ids_json(&event.user_ids))
            .push_bind(&event.data);
    });
    query.build().execute(&mut *conn).await.map(drop)
}
