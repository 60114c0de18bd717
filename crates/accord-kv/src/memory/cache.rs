//! The TTL cache in memory.

use std::time::{Duration, Instant};

use super::{Entry, MemoryKv, lock};
use crate::{CacheKv, KvResult};

#[async_trait::async_trait]
impl CacheKv for MemoryKv {
    async fn cache_get(&self, key: &str) -> KvResult<Option<String>> {
        let now = Instant::now();
        Ok(lock(&self.cache).live(key, now).map(|e| e.value.clone()))
    }

    async fn cache_set(&self, key: &str, value: &str, ttl: Duration) -> KvResult<()> {
        let now = Instant::now();
        lock(&self.cache).insert(key.to_owned(), Entry { expires: now + ttl, value: value.to_owned() }, now)
    }

    async fn cache_set_if_absent(&self, key: &str, value: &str, ttl: Duration) -> KvResult<bool> {
        let now = Instant::now();
        let mut cache = lock(&self.cache);
        if cache.live(key, now).is_some() {
            return Ok(false);
        }
        cache.insert(key.to_owned(), Entry { expires: now + ttl, value: value.to_owned() }, now)?;
        Ok(true)
    }

    async fn cache_remove(&self, key: &str) -> KvResult<bool> {
        let mut cache = lock(&self.cache);
        let live = cache.live(key, Instant::now()).is_some();
        cache.entries.remove(key);
        Ok(live)
    }
}
