//! Payloads of the users-area events, built from records in hand so they can be written to
//! the outbox in the same transaction as the change.

use accord_api::settings::Profile;
use accord_service::{ServiceContext, render};
use accord_store::{EventDraft, UserRecord};

/// USER_UPDATE: the current user object (private and profile fields included), to that user alone.
pub fn user_update(ctx: &ServiceContext, user: &UserRecord, profile: &Profile) -> EventDraft {
    ctx.event("USER_UPDATE", None, None, vec![user.id], &render::current_user_with(user, profile))
}
