//! Invites, and joining a guild through one.

use accord_core::Snowflake;

use crate::{EventDraft, InviteRecord, MemberRecord, StoreResult};

/// The outcome of accepting an invite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcceptInvite {
    /// The member was added and the invite's use counted (the record shows the new count).
    Joined(InviteRecord),
    /// Already a member: nothing changed.
    AlreadyMember(InviteRecord),
    /// Unknown, expired or used up: nothing changed.
    Invalid,
    /// The user is banned from the guild: nothing changed.
    Banned,
}

#[async_trait::async_trait]
pub trait InviteStore {
    /// `Conflict("invite_code")` when the code exists.
    async fn create_invite(&self, invite: &InviteRecord, events: &[EventDraft]) -> StoreResult<()>;

    async fn invite(&self, code: &str) -> StoreResult<Option<InviteRecord>>;

    async fn guild_invites(&self, guild_id: Snowflake) -> StoreResult<Vec<InviteRecord>>;

    /// Returns false when the code did not exist.
    async fn delete_invite(&self, code: &str, events: &[EventDraft]) -> StoreResult<bool>;

    /// In one transaction: checks the invite is usable at `now_ms` and the user not banned
    /// from its guild, adds `member` (as a temporary member with a temporary invite) (whose
    /// guild must be the invite's), counts the use, and writes `events` — only if it joined.
    /// An invite that reaches `max_uses` is deleted.
    async fn accept_invite(
        &self,
        code: &str,
        member: &MemberRecord,
        now_ms: u64,
        events: &[EventDraft],
    ) -> StoreResult<AcceptInvite>;

    /// Members who joined through a temporary invite and have had no role since, at most
    /// `limit`, as `(guild_id, user_id)`. (Giving a member a role makes them permanent.)
    async fn temporary_members(&self, limit: u32) -> StoreResult<Vec<(Snowflake, Snowflake)>>;
}
