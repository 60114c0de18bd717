//! Fixed windows in Redis: one counter key per window, counted by the [`HIT`] script.

use std::time::Duration;

use accord_kv::{Decision, KvResult, RateLimitKv};

use crate::scripts::HIT;
use crate::{RedisKv, millis};

#[async_trait::async_trait]
impl RateLimitKv for RedisKv {
    async fn hit(&self, key: &str, limit: u32, window: Duration) -> KvResult<Decision> {
        let mut conn = self.conn();
        let key = self.key("rate", key);
        let (allowed, remaining, reset_ms): (u8, u32, u64) =
            self.run(async move { HIT.key(key).arg(limit).arg(millis(window)).invoke_async(&mut conn).await }).await?;
        Ok(Decision { allowed: allowed == 1, remaining, reset_after: Duration::from_millis(reset_ms) })
    }
}
