//! Fixed windows in memory: the window's count, expiring when it closes.

use std::time::{Duration, Instant};

use super::{Entry, MemoryKv, lock};
use crate::{Decision, KvResult, RateLimitKv};

#[async_trait::async_trait]
impl RateLimitKv for MemoryKv {
    async fn hit(&self, key: &str, limit: u32, window: Duration) -> KvResult<Decision> {
        let now = Instant::now();
        let mut windows = lock(&self.windows);
        if let Some(open) = windows.live(key, now) {
            let reset_after = open.expires - now;
            if open.value >= limit {
                return Ok(Decision { allowed: false, remaining: 0, reset_after });
            }
            open.value += 1;
            return Ok(Decision { allowed: true, remaining: limit - open.value, reset_after });
        }
        if limit == 0 {
            return Ok(Decision { allowed: false, remaining: 0, reset_after: window });
        }
        windows.insert(key.to_owned(), Entry { expires: now + window, value: 1 }, now)?;
        Ok(Decision { allowed: true, remaining: limit - 1, reset_after: window })
    }
}
