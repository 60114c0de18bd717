//! The registry in memory: one map per group.

use std::time::{Duration, Instant};

use super::{MemoryKv, lock};
use crate::{KvResult, RegistryKv};

#[async_trait::async_trait]
impl RegistryKv for MemoryKv {
    async fn registry_put(&self, group: &str, id: &str, value: &str, ttl: Duration) -> KvResult<()> {
        let expires = Instant::now() + ttl;
        lock(&self.registry).entry(group.to_owned()).or_default().insert(id.to_owned(), (expires, value.to_owned()));
        Ok(())
    }

    async fn registry_list(&self, group: &str) -> KvResult<Vec<String>> {
        let now = Instant::now();
        let mut groups = lock(&self.registry);
        let Some(members) = groups.get_mut(group) else { return Ok(Vec::new()) };
        members.retain(|_, (expires, _)| *expires > now);
        Ok(members.values().map(|(_, value)| value.clone()).collect())
    }

    async fn registry_remove(&self, group: &str, id: &str) -> KvResult<()> {
        if let Some(members) = lock(&self.registry).get_mut(group) {
            members.remove(id);
        }
        Ok(())
    }
}
