//! The registry in Redis: per group, a sorted set of member ids scored by when each expires,
//! and a value key per member with the same expiry. Listing drops the expired ids and reads
//! the values in one round trip each.

use std::time::Duration;

use accord_kv::{KvResult, RegistryKv};

use crate::{RedisKv, millis};

fn now_ms() -> u64 {
    accord_core::time::now_ms()
}

#[async_trait::async_trait]
impl RegistryKv for RedisKv {
    async fn registry_put(&self, group: &str, id: &str, value: &str, ttl: Duration) -> KvResult<()> {
        let mut conn = self.conn();
        let (members, member) = (self.key("registry", group), self.key("registry", format!("{group}:{id}")));
        let expires = now_ms() + millis(ttl);
        let mut pipe = redis::pipe();
        pipe.atomic()
            .cmd("SET")
            .arg(&member)
            .arg(value)
            .arg("PX")
            .arg(millis(ttl))
            .ignore()
            .cmd("ZADD")
            .arg(&members)
            .arg(expires)
            .arg(id)
            .ignore();
        self.run(async move { pipe.query_async(&mut conn).await }).await
    }

    async fn registry_list(&self, group: &str) -> KvResult<Vec<String>> {
        let mut conn = self.conn();
        let members = self.key("registry", group);
        let mut pipe = redis::pipe();
        pipe.cmd("ZREMRANGEBYSCORE")
            .arg(&members)
            .arg("-inf")
            .arg(now_ms())
            .ignore()
            .cmd("ZRANGE")
            .arg(&members)
            .arg(0)
            .arg(-1);
        let (ids,): (Vec<String>,) = self.run(async move { pipe.query_async(&mut conn).await }).await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = ids.iter().map(|id| self.key("registry", format!("{group}:{id}"))).collect();
        let mut conn = self.conn();
        let values: Vec<Option<String>> =
            self.run(async move { redis::cmd("MGET").arg(keys).query_async(&mut conn).await }).await?;
        Ok(values.into_iter().flatten().collect())
    }

    async fn registry_remove(&self, group: &str, id: &str) -> KvResult<()> {
        let mut conn = self.conn();
        let (members, member) = (self.key("registry", group), self.key("registry", format!("{group}:{id}")));
        let mut pipe = redis::pipe();
        pipe.cmd("DEL").arg(member).ignore().cmd("ZREM").arg(members).arg(id).ignore();
        self.run(async move { pipe.query_async(&mut conn).await }).await
    }
}
