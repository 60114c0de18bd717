//! Guild memberships.

use accord_core::Snowflake;

use crate::{EventDraft, MemberRecord, StoreResult};

#[async_trait::async_trait]
pub trait MemberStore {
    /// Adds a member; returns false (writing nothing, events included) when already a member.
    /// (Callers check bans first: [`crate::ModerationStore::ban_of`].)
    async fn add_member(&self, member: &MemberRecord, events: &[EventDraft]) -> StoreResult<bool>;

    async fn member(&self, guild_id: Snowflake, user_id: Snowflake) -> StoreResult<Option<MemberRecord>>;

    /// Members with user id after `after`, ascending by user id, at most `limit`.
    async fn members(
        &self,
        guild_id: Snowflake,
        after: Option<Snowflake>,
        limit: u32,
    ) -> StoreResult<Vec<MemberRecord>>;

    /// Replaces nick, roles, deaf, mute, flags and timeout of an existing member; with a role
    /// a temporary member becomes permanent.
    async fn update_member(&self, member: &MemberRecord, events: &[EventDraft]) -> StoreResult<()>;

    /// The guilds both users are members of, by ascending id.
    async fn shared_guilds(&self, user_id: Snowflake, other_id: Snowflake) -> StoreResult<Vec<Snowflake>>;

    /// Removes a member; returns false (writing nothing) when not a member.
    async fn remove_member(&self, guild_id: Snowflake, user_id: Snowflake, events: &[EventDraft]) -> StoreResult<bool>;
}
