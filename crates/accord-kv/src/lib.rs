//! Accord's shared ephemeral state: what every process of a deployment must agree on but
//! nothing needs to keep forever. Services hold a [`KvHandle`]; each area has its own trait,
//! composed by [`Kv`]; backends ([`MemoryKv`] here for one process, `accord-kv-redis` for a
//! cluster) implement every trait and prove it by running the [`contract`] suite.
//!
//! Every call can fail with [`KvError::Unavailable`], and each caller decides what that means
//! for it (auth limits fail closed, slowmode and typing fail open, presence degrades).
//!
//! Parts: [`error`], [`rate_limit`] (atomic fixed windows), [`presence`] (per-user values
//! kept alive by holders' claims), [`cache`] (a small TTL cache), [`registry`] (live
//! instances), [`voice`] (per-scope voice states, expiring unless renewed), [`memory`].

pub mod cache;
#[cfg(feature = "contract")]
pub mod contract;
pub mod error;
pub mod memory;
pub mod presence;
pub mod rate_limit;
pub mod registry;
pub mod voice;

use std::sync::Arc;

pub use cache::CacheKv;
pub use error::{KvError, KvResult};
pub use memory::MemoryKv;
pub use presence::PresenceKv;
pub use rate_limit::{Decision, RateLimitKv};
pub use registry::RegistryKv;
pub use voice::{VoiceEntry, VoiceKv, VoicePut};

/// Whether the backend answers.
#[async_trait::async_trait]
pub trait HealthKv {
    /// Succeeds when the backend answers a round trip.
    async fn ping(&self) -> KvResult<()>;
}

/// Everything a backend implements.
pub trait Kv: RateLimitKv + PresenceKv + CacheKv + RegistryKv + VoiceKv + HealthKv + Send + Sync + 'static {}

impl<T> Kv for T where T: RateLimitKv + PresenceKv + CacheKv + RegistryKv + VoiceKv + HealthKv + Send + Sync + 'static {}

/// The handle services hold.
pub type KvHandle = Arc<dyn Kv>;
