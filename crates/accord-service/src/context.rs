//! The handles a service is given by the composition root. No globals: handlers reach the
//! store, id generator, keys, bus, shared state and blob storage through this value.

use std::sync::Arc;

pub use accord_bus::OutboxSignal;
use accord_core::token::TokenKeys;
use accord_core::{Snowflake, SnowflakeGenerator};
use accord_store::{EventDraft, StoreHandle};
use serde::Serialize;

/// Shared by every service of a process. Every request clones it (axum's `State`), so it is
/// one reference count: cloning and dropping each handle was ~2 % of a REST send's cycles.
#[derive(Clone)]
pub struct ServiceContext(Arc<ContextParts>);

impl ServiceContext {
    pub fn new(parts: ContextParts) -> Self {
        ServiceContext(Arc::new(parts))
    }
}

impl std::ops::Deref for ServiceContext {
    type Target = ContextParts;

    fn deref(&self) -> &ContextParts {
        &self.0
    }
}

/// What a [`ServiceContext`] holds.
pub struct ContextParts {
    pub store: StoreHandle,
    pub ids: Arc<SnowflakeGenerator>,
    pub tokens: Arc<TokenKeys>,
    pub outbox: OutboxSignal,
    /// For ephemeral events (typing) that are not stored and so skip the outbox.
    pub bus: accord_bus::BusHandle,
    /// Shared ephemeral state (rate limits, presence, caches): in memory in one process, Redis
    /// in a cluster. It may be unavailable; each caller has its documented fallback (auth
    /// limits fail closed, slowmode and typing fail open, presence degrades to offline).
    pub kv: accord_kv::KvHandle,
    /// Attachment, avatar and emoji bytes: a directory on the local disk in one process, an
    /// S3-compatible bucket in a cluster. It may be unavailable (calls then fail quickly with
    /// `BlobError::Unavailable`); chat without attachments carries on.
    pub blobs: accord_blobs::BlobHandle,
    /// Where clients reach this installation (`http://localhost:8080`, no trailing slash):
    /// the start of attachment, icon and avatar URLs.
    pub public_url: Arc<str>,
}

impl ServiceContext {
    /// A new unique id.
    pub fn next_id(&self) -> Snowflake {
        self.ids.next()
    }

    /// Builds an outbox event carrying `data` as its dispatch payload.
    pub fn event(
        &self,
        name: &str,
        guild_id: Option<Snowflake>,
        channel_id: Option<Snowflake>,
        user_ids: Vec<Snowflake>,
        data: &impl Serialize,
    ) -> EventDraft {
        EventDraft {
            id: self.next_id(),
            name: name.to_owned(),
            guild_id,
            channel_id,
            user_ids,
            data: serde_json::to_string(data).expect("wire types always serialise"),
        }
    }

    /// Tells the relay that a write just committed events.
    pub fn events_committed(&self) {
        self.outbox.notify();
    }
}
