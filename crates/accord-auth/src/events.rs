//! Payloads of the auth-area events, built from records in hand so they can be written to
//! the outbox in the same transaction as the change.

use accord_core::Snowflake;
use accord_service::settings::document_of;
use accord_service::{ServiceContext, render};
use accord_store::relationships::kind::{BLOCKED, INCOMING_REQUEST, OUTGOING_REQUEST};
use accord_store::{EventDraft, RelationshipRecord, StoreResult, UserRecord};
use serde_json::json;

/// USER_UPDATE to the user's own sessions: the current user with their profile fields (as
/// the users service sends it), after a change of `verified` or `mfa_enabled`.
pub async fn user_update(ctx: &ServiceContext, user: &UserRecord) -> StoreResult<EventDraft> {
    let document = document_of(ctx.store.as_ref(), user.id).await?;
    Ok(ctx.event("USER_UPDATE", None, None, vec![user.id], &render::current_user_with(user, &document.profile)))
}

/// GUILD_MEMBER_REMOVE for a deleted account leaving a guild (as a member leaving would).
pub fn member_remove(ctx: &ServiceContext, guild_id: Snowflake, user: &UserRecord) -> EventDraft {
    let payload = json!({ "guild_id": guild_id, "user": render::user(user) });
    ctx.event("GUILD_MEMBER_REMOVE", Some(guild_id), None, vec![user.id], &payload)
}

/// RELATIONSHIP_REMOVE to the other side of one of a deleted account's relationships, if
/// they had one toward it (a block is one-sided; others' blocks of the account stay).
pub fn relationship_remove(ctx: &ServiceContext, deleted: Snowflake, mine: &RelationshipRecord) -> Option<EventDraft> {
    let theirs = match mine.side.kind {
        BLOCKED => return None,
        INCOMING_REQUEST => OUTGOING_REQUEST,
        OUTGOING_REQUEST => INCOMING_REQUEST,
        friend => friend,
    };
    let data = json!({ "id": deleted, "type": theirs, "nickname": null });
    Some(ctx.event("RELATIONSHIP_REMOVE", None, None, vec![mine.other_id], &data))
}
