//! The TTL cache in Redis: plain strings with `PX` expiry.

use std::time::Duration;

use accord_kv::{CacheKv, KvResult};

use crate::{RedisKv, millis};

#[async_trait::async_trait]
impl CacheKv for RedisKv {
    async fn cache_get(&self, key: &str) -> KvResult<Option<String>> {
        let mut conn = self.conn();
        let key = self.key("cache", key);
        self.run(async move { redis::cmd("GET").arg(key).query_async(&mut conn).await }).await
    }

    async fn cache_set(&self, key: &str, value: &str, ttl: Duration) -> KvResult<()> {
        let mut conn = self.conn();
        let key = self.key("cache", key);
        let set = redis::cmd("SET").arg(key).arg(value).arg("PX").arg(millis(ttl)).to_owned();
        self.run(async move { set.query_async(&mut conn).await }).await
    }

    async fn cache_set_if_absent(&self, key: &str, value: &str, ttl: Duration) -> KvResult<bool> {
        let mut conn = self.conn();
        let key = self.key("cache", key);
        let set = redis::cmd("SET").arg(key).arg(value).arg("NX").arg("PX").arg(millis(ttl)).to_owned();
        let stored: Option<String> = self.run(async move { set.query_async(&mut conn).await }).await?;
        Ok(stored.is_some())
    }

    async fn cache_remove(&self, key: &str) -> KvResult<bool> {
        let mut conn = self.conn();
        let key = self.key("cache", key);
        let removed: u64 = self.run(async move { redis::cmd("DEL").arg(key).query_async(&mut conn).await }).await?;
        Ok(removed > 0)
    }
}
