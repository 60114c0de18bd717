//! Accord's storage API. Services hold a [`StoreHandle`] and never a pool; each area has its
//! own trait, composed by [`Store`]; backends (`accord-store-sqlite`, later PostgreSQL)
//! implement every trait and prove it by running the [`contract`] suite.
//!
//! Every write that clients can observe takes the Discord events it causes as
//! [`EventDraft`]s and commits them in the same transaction as the change (the transactional
//! outbox); a relay publishes them afterwards, so a crash between commit and publish loses
//! nothing.
//!
//! Parts: [`records`] (plain data), [`error`], one module per area trait.

pub mod accounts;
pub mod channels;
pub mod codec;
#[cfg(feature = "contract")]
pub mod contract;
pub mod emojis;
pub mod error;
pub mod guilds;
pub mod invites;
pub mod members;
pub mod messages;
pub mod moderation;
pub mod outbox;
pub mod private_channels;
pub mod reactions;
pub mod read_states;
pub mod records;
pub mod relationships;
pub mod roles;
pub mod search;
pub mod security;
pub mod settings;
pub mod threads;

use std::sync::Arc;

pub use accounts::AccountStore;
pub use channels::ChannelStore;
pub use emojis::EmojiStore;
pub use error::StoreError;
pub use guilds::{ChannelStanding, GuildStanding, GuildStore};
pub use invites::{AcceptInvite, InviteStore};
pub use members::MemberStore;
pub use messages::{CreatedMessage, MessageStore, Page, PinOutcome};
pub use moderation::{AuditLogQuery, BanEvents, BanOutcome, BanRecord, ModerationStore};
pub use outbox::OutboxStore;
pub use private_channels::{EventsAfter, OpenedDm, PrivateChannelRecord, PrivateChannelStore, RecipientChange};
pub use reactions::{ReactionAdded, ReactionStore};
pub use read_states::ReadStateStore;
pub use records::*;
pub use relationships::{Relationship, RelationshipPair, RelationshipRecord, RelationshipStore};
pub use roles::RoleStore;
pub use search::{SearchQuery, SearchResults, SearchStore};
pub use security::SecurityStore;
pub use settings::SettingsStore;
pub use threads::ThreadStore;

/// The result type of every storage call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Health and durability facts of the backend.
#[async_trait::async_trait]
pub trait HealthStore {
    /// Succeeds when the database answers a query.
    async fn ping(&self) -> StoreResult<()>;

    /// Human-readable durability settings, asserted at startup (e.g. `journal_mode=wal`,
    /// `synchronous=2` on SQLite); an error when they are not the durable ones.
    async fn check_durability(&self) -> StoreResult<String>;
}

/// Everything a backend implements.
pub trait Store:
    AccountStore
    + GuildStore
    + ChannelStore
    + RoleStore
    + MemberStore
    + InviteStore
    + MessageStore
    + ReactionStore
    + ReadStateStore
    + SearchStore
    + ThreadStore
    + EmojiStore
    + PrivateChannelStore
    + RelationshipStore
    + SettingsStore
    + SecurityStore
    + ModerationStore
    + OutboxStore
    + HealthStore
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: AccountStore
        + GuildStore
        + ChannelStore
        + RoleStore
        + MemberStore
        + InviteStore
        + MessageStore
        + ReactionStore
        + ReadStateStore
        + SearchStore
        + ThreadStore
        + EmojiStore
        + PrivateChannelStore
        + RelationshipStore
        + SettingsStore
        + SecurityStore
        + ModerationStore
        + OutboxStore
        + HealthStore
        + Send
        + Sync
        + 'static
{
}

/// The handle services hold.
pub type StoreHandle = Arc<dyn Store>;
