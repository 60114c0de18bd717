//! Messages as REST returns them: each with its author, mentioned users, reactions (with `me`
//! for the viewer), for replies the message replied to, and the thread it started — fetched
//! per page, not per message, where the store allows.

use accord_api::message::Message;
use accord_core::Snowflake;
use accord_service::{ServiceContext, render};
use accord_store::{MessageRecord, Store, StoreResult, UserRecord};

/// Discord's message flag for a message that started a thread (whose id is the message's).
pub const HAS_THREAD: u64 = 1 << 5;

/// Renders a page of messages of one channel, in the given order.
pub async fn messages(ctx: &ServiceContext, records: &[MessageRecord], viewer: Snowflake) -> StoreResult<Vec<Message>> {
    render(ctx, records, viewer, Stored::Yes).await
}

/// Renders a message being created: it has no reactions yet, so none are looked up.
pub async fn new_message(ctx: &ServiceContext, record: &MessageRecord, viewer: Snowflake) -> StoreResult<Message> {
    let mut rendered = render(ctx, std::slice::from_ref(record), viewer, Stored::No).await?;
    Ok(rendered.pop().expect("one record renders as one message"))
}

/// Whether the messages are stored already, so they may have reactions.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stored {
    Yes,
    No,
}

async fn render(
    ctx: &ServiceContext,
    records: &[MessageRecord],
    viewer: Snowflake,
    stored: Stored,
) -> StoreResult<Vec<Message>> {
    let Some(first) = records.first() else { return Ok(Vec::new()) };
    let ids: Vec<Snowflake> = records.iter().map(|m| m.id).collect();
    let reactions = match stored {
        Stored::Yes => ctx.store.reactions(first.channel_id, &ids, viewer).await?,
        Stored::No => Vec::new(),
    };
    let mut referenced = Vec::new();
    for reference in records.iter().filter_map(|m| m.reference) {
        if let Some(original) = ctx.store.message(reference.channel_id, reference.message_id).await? {
            referenced.push(original);
        }
    }
    let users = users_of(ctx.store.as_ref(), records.iter().chain(&referenced)).await?;
    let referenced_reactions = match referenced.first() {
        Some(r) => {
            let ids: Vec<Snowflake> = referenced.iter().map(|m| m.id).collect();
            ctx.store.reactions(r.channel_id, &ids, viewer).await?
        }
        None => Vec::new(),
    };
    let mut threads = Vec::new();
    for record in records.iter().filter(|m| m.flags & HAS_THREAD != 0) {
        if let Some(thread) = ctx.store.channel(record.id).await? {
            threads.push(thread);
        }
    }
    Ok(records
        .iter()
        .map(|record| {
            let mut message = render::message(record, &users, &reactions, &ctx.public_url);
            message.thread = threads.iter().find(|t| t.id == record.id).map(|t| Box::new(render::channel(t)));
            if let Some(reference) = record.reference {
                let original = referenced.iter().find(|m| m.id == reference.message_id);
                message.referenced_message = Some(original.map(|original| {
                    Box::new(render::message(original, &users, &referenced_reactions, &ctx.public_url))
                }));
            }
            message
        })
        .collect())
}

/// Renders one message.
pub async fn message(ctx: &ServiceContext, record: &MessageRecord, viewer: Snowflake) -> StoreResult<Message> {
    let mut rendered = messages(ctx, std::slice::from_ref(record), viewer).await?;
    Ok(rendered.pop().expect("one record renders as one message"))
}

/// The users the messages refer to (authors and mentions), fetched in one call.
async fn users_of(store: &dyn Store, messages: impl Iterator<Item = &MessageRecord>) -> StoreResult<Vec<UserRecord>> {
    let mut ids: Vec<Snowflake> =
        messages.flat_map(|m| std::iter::once(m.author_id).chain(m.mention_user_ids.iter().copied())).collect();
    ids.sort_unstable();
    ids.dedup();
    store.users(&ids).await
}
