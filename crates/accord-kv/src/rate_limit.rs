//! Rate limits: fixed windows counted atomically, cluster-wide when the backend is shared.

use std::time::Duration;

use crate::KvResult;

/// The outcome of one hit against its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Whether the hit is within the limit (and so was counted).
    pub allowed: bool,
    /// Hits still allowed in the current window after this one.
    pub remaining: u32,
    /// Time until the current window closes and the count starts again.
    pub reset_after: Duration,
}

#[async_trait::async_trait]
pub trait RateLimitKv {
    /// Counts one hit on `key`. A window opens at a key's first hit and lasts `window`; it
    /// allows `limit` hits, and refused hits are not counted. Atomic: however many processes
    /// hit one key at once, no window allows more than `limit`.
    async fn hit(&self, key: &str, limit: u32, window: Duration) -> KvResult<Decision>;
}
