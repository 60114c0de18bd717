//! Message payloads: the REST object and the gateway events built from the same render.

use accord_api::message::Message;
use accord_core::Snowflake;
use accord_service::{ServiceContext, render};
use accord_store::{EventDraft, MemberRecord, MessageRecord, Store, StoreResult, UserRecord};
use serde_json::json;

/// Loads the author and mentioned users and renders the message as REST returns it.
pub async fn load_message(store: &dyn Store, message: &MessageRecord) -> StoreResult<Message> {
    Ok(render::message(message, &users_of(store, std::slice::from_ref(message)).await?))
}

/// The users a set of messages refers to (authors and mentions), fetched in one call.
pub async fn users_of(store: &dyn Store, messages: &[MessageRecord]) -> StoreResult<Vec<UserRecord>> {
    let mut ids: Vec<Snowflake> =
        messages.iter().flat_map(|m| std::iter::once(m.author_id).chain(m.mention_user_ids.iter().copied())).collect();
    ids.sort_unstable();
    ids.dedup();
    store.users(&ids).await
}

/// MESSAGE_CREATE or MESSAGE_UPDATE: the message with `guild_id` and the author's `member`.
pub fn message_event(
    ctx: &ServiceContext,
    name: &str,
    rendered: &Message,
    record: &MessageRecord,
    author_member: Option<&MemberRecord>,
) -> EventDraft {
    let mut payload = rendered.clone();
    payload.guild_id = record.guild_id;
    payload.member = author_member.map(|m| render::member(m, None));
    ctx.event(name, record.guild_id, Some(record.channel_id), vec![], &payload)
}

pub fn message_delete(ctx: &ServiceContext, record: &MessageRecord) -> EventDraft {
    let payload = json!({ "id": record.id, "channel_id": record.channel_id, "guild_id": record.guild_id });
    ctx.event("MESSAGE_DELETE", record.guild_id, Some(record.channel_id), vec![], &payload)
}
