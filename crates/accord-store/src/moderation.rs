//! Bans and the audit log.
//!
//! Audit log entries are written through the outbox: an [`EventDraft`] named
//! [`AUDIT_LOG_EVENT`] (GUILD_AUDIT_LOG_ENTRY_CREATE), whose data is Discord's audit log entry
//! object with `guild_id`, is also stored as an entry of its guild's log by the same
//! transaction that makes the change it records. So every write method records its audit
//! entry atomically without a parameter of its own.

use accord_core::Snowflake;
use serde::Deserialize;

use crate::{EventDraft, StoreError, StoreResult};

/// The event whose data is also stored as an audit log entry.
pub const AUDIT_LOG_EVENT: &str = "GUILD_AUDIT_LOG_ENTRY_CREATE";

/// The fields of an audit log entry that backends index, read from an [`AUDIT_LOG_EVENT`]'s
/// data (ids as strings or numbers, other fields ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct AuditLogKeys {
    pub id: Snowflake,
    pub guild_id: Snowflake,
    /// Who made the change; none for changes the system made.
    #[serde(default)]
    pub user_id: Option<Snowflake>,
    pub action_type: u16,
}

impl AuditLogKeys {
    /// Reads the keys of an entry. Data without them is the writer's bug: `Internal`.
    pub fn parse(data: &str) -> StoreResult<AuditLogKeys> {
        serde_json::from_str(data).map_err(|e| StoreError::Internal(format!("audit log entry: {e}")))
    }
}

/// A guild's ban of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BanRecord {
    pub guild_id: Snowflake,
    pub user_id: Snowflake,
    pub reason: Option<String>,
    pub created_ms: u64,
}

/// What a ban did, for the events it writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BanOutcome {
    /// The user was banned already: nothing was written.
    pub already_banned: bool,
    /// The user was a member, and no longer is.
    pub was_member: bool,
    /// Messages deleted, by channel (threads included), each channel's ids ascending.
    pub deleted: Vec<(Snowflake, Vec<Snowflake>)>,
}

/// Builds a ban's events from what it did, inside its transaction.
pub type BanEvents<'a> = dyn Fn(&BanOutcome) -> Vec<EventDraft> + Send + Sync + 'a;

/// Which entries of a guild's audit log to read: newest first, at most `limit`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditLogQuery {
    /// Entries made by this user.
    pub user_id: Option<Snowflake>,
    pub action_type: Option<u16>,
    /// Entries with an id below this one.
    pub before: Option<Snowflake>,
    /// Entries with an id above this one.
    pub after: Option<Snowflake>,
    pub limit: u32,
}

#[async_trait::async_trait]
pub trait ModerationStore {
    /// Bans a user in one transaction: records the ban, removes their membership if any, and
    /// with `delete_from` deletes their messages in the guild's channels and threads whose id
    /// is at least `delete_from` (with their reactions, pins and search entries, as
    /// `delete_messages` does); then writes `events(outcome)`. A user banned already gets
    /// `already_banned` and nothing is written.
    async fn ban(
        &self,
        ban: &BanRecord,
        delete_from: Option<Snowflake>,
        events: &BanEvents<'_>,
    ) -> StoreResult<BanOutcome>;

    async fn ban_of(&self, guild_id: Snowflake, user_id: Snowflake) -> StoreResult<Option<BanRecord>>;

    /// The guild's bans by ascending user id: after `after`, or before `before` (the last
    /// `limit` before it, still ascending), at most `limit`.
    async fn bans(
        &self,
        guild_id: Snowflake,
        before: Option<Snowflake>,
        after: Option<Snowflake>,
        limit: u32,
    ) -> StoreResult<Vec<BanRecord>>;

    /// Lifts a ban; false (nothing written) when there was none.
    async fn unban(&self, guild_id: Snowflake, user_id: Snowflake, events: &[EventDraft]) -> StoreResult<bool>;

    /// Audit log entries (the stored event data, JSON) of the guild matching `query`, newest first.
    async fn audit_log(&self, guild_id: Snowflake, query: &AuditLogQuery) -> StoreResult<Vec<String>>;
}
