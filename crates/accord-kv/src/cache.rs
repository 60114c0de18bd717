//! A small TTL cache of strings: markers and short-lived values that several processes must
//! see alike (slowmode's last send, typing's recent-start marker).

use std::time::Duration;

use crate::KvResult;

#[async_trait::async_trait]
pub trait CacheKv {
    /// The live value under `key`; none when missing or expired.
    async fn cache_get(&self, key: &str) -> KvResult<Option<String>>;

    /// Stores `value` under `key` for `ttl`, replacing any value.
    async fn cache_set(&self, key: &str, value: &str, ttl: Duration) -> KvResult<()>;

    /// Stores `value` under `key` for `ttl` unless a live value is there; true when stored.
    /// Atomic: of concurrent calls on one key, exactly one stores.
    async fn cache_set_if_absent(&self, key: &str, value: &str, ttl: Duration) -> KvResult<bool>;

    /// Removes the value under `key`; true when a live value was removed. Atomic: of
    /// concurrent calls on one key, at most one removes it (one process announces an ending).
    async fn cache_remove(&self, key: &str) -> KvResult<bool>;
}
