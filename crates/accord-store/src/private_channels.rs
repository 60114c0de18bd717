//! DMs and group DMs: channels outside any guild, seen by the people in them.

use accord_core::Snowflake;

use crate::{ChannelRecord, EventDraft, StoreResult};

/// Discord's DM channel type.
pub const DM: u8 = 1;
/// Discord's group DM channel type.
pub const GROUP_DM: u8 = 3;

/// A DM (type 1) or group DM (type 3) with the people in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateChannelRecord {
    /// The channel: no guild, no parent; a group's name ("" when unnamed, and for DMs).
    pub channel: ChannelRecord,
    /// Group DMs: who may remove people; passes on when they leave.
    pub owner_id: Option<Snowflake>,
    /// Group DMs: the icon's hash.
    pub icon: Option<String>,
    /// Everyone in it, in the order they joined.
    pub recipients: Vec<Snowflake>,
}

impl PrivateChannelRecord {
    pub fn is_recipient(&self, user_id: Snowflake) -> bool {
        self.recipients.contains(&user_id)
    }

    /// The recipients other than `user_id`: the channel as `user_id` sees it.
    pub fn others(&self, user_id: Snowflake) -> impl Iterator<Item = Snowflake> + '_ {
        self.recipients.iter().copied().filter(move |r| *r != user_id)
    }
}

/// Builds the events of a change from the channel as it is after the change, inside the
/// transaction that makes it (who owns a group after its owner leaves is only known there).
pub type EventsAfter<'a> = dyn Fn(&PrivateChannelRecord) -> Vec<EventDraft> + Send + Sync + 'a;

/// The outcome of opening the DM of two people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenedDm {
    /// The pair had no DM: this one was created, with the events.
    Created(PrivateChannelRecord),
    /// The pair's DM, which already existed; nothing was written.
    Existing(PrivateChannelRecord),
}

/// The outcome of adding someone to or removing someone from a group DM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecipientChange {
    /// Done, with the events; the group as it is now (after the last person leaves, as it
    /// was with them gone: the group itself is deleted).
    Changed(PrivateChannelRecord),
    /// Nothing to do (already in it, or not in it); nothing was written.
    Unchanged(PrivateChannelRecord),
    /// The group holds as many people as it may; nothing was written.
    Full,
    /// No such group DM; nothing was written.
    Unknown,
}

#[async_trait::async_trait]
pub trait PrivateChannelStore {
    /// The DM of the two recipients of `dm`: created, open for both, with `events` when the
    /// pair has none; otherwise the existing one. Exactly one DM per pair, also when two
    /// requests race.
    async fn open_dm(&self, dm: &PrivateChannelRecord, events: &[EventDraft]) -> StoreResult<OpenedDm>;

    /// Creates a group DM with its recipients.
    async fn create_group_dm(&self, group: &PrivateChannelRecord, events: &[EventDraft]) -> StoreResult<()>;

    async fn private_channel(&self, id: Snowflake) -> StoreResult<Option<PrivateChannelRecord>>;

    /// The DMs and group DMs `user_id` is in and has open, newest activity first.
    async fn private_channels_of(&self, user_id: Snowflake) -> StoreResult<Vec<PrivateChannelRecord>>;

    /// Shows or hides a DM in one recipient's list (closing a DM; a new message opens it
    /// again for everyone). Writes `events` and returns true only when it changed.
    async fn set_dm_open(
        &self,
        channel_id: Snowflake,
        user_id: Snowflake,
        open: bool,
        events: &[EventDraft],
    ) -> StoreResult<bool>;

    /// Replaces a group DM's name and icon; false (nothing written) when there is no such group.
    async fn update_group_dm(&self, group: &PrivateChannelRecord, events: &[EventDraft]) -> StoreResult<bool>;

    /// Adds `user_id` to a group DM that holds fewer than `max_people`.
    async fn add_recipient(
        &self,
        channel_id: Snowflake,
        user_id: Snowflake,
        max_people: usize,
        events: &EventsAfter<'_>,
    ) -> StoreResult<RecipientChange>;

    /// Removes `user_id` from a group DM. When the owner leaves, the earliest remaining
    /// recipient owns it; when the last person leaves, the group and its messages are deleted.
    async fn remove_recipient(
        &self,
        channel_id: Snowflake,
        user_id: Snowflake,
        events: &EventsAfter<'_>,
    ) -> StoreResult<RecipientChange>;
}
