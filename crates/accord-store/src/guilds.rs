//! Guilds as a whole: creation with their first roles, channels and owner; settings; deletion.

use accord_core::Snowflake;

use crate::{ChannelRecord, EventDraft, GuildRecord, MemberRecord, RoleRecord, StoreResult};

/// Everything a new guild starts with, written in one transaction.
#[derive(Debug, Clone)]
pub struct NewGuild {
    pub guild: GuildRecord,
    /// @everyone (id = guild id) first.
    pub roles: Vec<RoleRecord>,
    pub channels: Vec<ChannelRecord>,
    pub owner: MemberRecord,
}

/// A guild as one user stands in it: what a permission check reads on every request.
#[derive(Debug, Clone, PartialEq)]
pub struct GuildStanding {
    pub guild: GuildRecord,
    /// Every role, @everyone included, ordered by (position, id).
    pub roles: Vec<RoleRecord>,
    /// The user's membership; none for non-members.
    pub member: Option<MemberRecord>,
}

/// A channel and, when it is in a guild, that guild as one user stands in it: what every
/// request in a channel reads first.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelStanding {
    pub channel: ChannelRecord,
    /// None outside guilds.
    pub guild: Option<GuildStanding>,
}

#[async_trait::async_trait]
pub trait GuildStore {
    async fn create_guild(&self, new: &NewGuild, events: &[EventDraft]) -> StoreResult<()>;

    async fn guild(&self, id: Snowflake) -> StoreResult<Option<GuildRecord>>;

    /// The guild, its roles and `user_id`'s membership, read together (one statement where
    /// the store can, since every guild request needs all three); none when the guild does
    /// not exist.
    async fn guild_standing(&self, guild_id: Snowflake, user_id: Snowflake) -> StoreResult<Option<GuildStanding>>;

    /// The channel with its guild's standing for `user_id` (as [`guild_standing`] reads it),
    /// read together (one statement where the store can); none when the channel does not
    /// exist.
    ///
    /// [`guild_standing`]: GuildStore::guild_standing
    async fn channel_standing(&self, channel_id: Snowflake, user_id: Snowflake)
    -> StoreResult<Option<ChannelStanding>>;

    /// Replaces the guild's settings.
    async fn update_guild(&self, guild: &GuildRecord, events: &[EventDraft]) -> StoreResult<()>;

    /// Deletes the guild and everything in it (roles, channels, members, invites, messages).
    /// Returns false when it did not exist.
    async fn delete_guild(&self, id: Snowflake, events: &[EventDraft]) -> StoreResult<bool>;

    /// The guilds `user_id` is a member of with id after `after` (if any), ascending, at most `limit`.
    async fn guilds_of_user(
        &self,
        user_id: Snowflake,
        after: Option<Snowflake>,
        limit: u32,
    ) -> StoreResult<Vec<GuildRecord>>;

    async fn member_count(&self, guild_id: Snowflake) -> StoreResult<u64>;
}
