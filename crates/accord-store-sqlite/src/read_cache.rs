//! A cache of the rows every request reads — the caller's session, the guild, its roles, the
//! caller's membership — kept valid by a generation count. Every write transaction but the
//! group-commit writer's (new messages, which change none of these rows) bumps the
//! generation when it commits; an entry read under an older generation is a miss. Readers take
//! the generation before they query, so a row read while a write commits is never served
//! under the generation that follows it. Only one process writes an embedded database, so the
//! store sees every change.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use accord_core::Snowflake;
use accord_store::{GuildRecord, MemberRecord, RoleRecord, SessionRecord, StoreResult};

/// Entries a map holds before it is emptied, bounding the cache's memory.
const MAX_ENTRIES: usize = 50_000;

/// One kind of row, by key, with the generation each was read under.
pub(crate) struct Entries<K, V>(Mutex<HashMap<K, (u64, V)>>);

impl<K: Hash + Eq, V: Clone> Entries<K, V> {
    fn new() -> Self {
        Self(Mutex::new(HashMap::new()))
    }

    fn get(&self, key: &K, generation: u64) -> Option<V> {
        let entries = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.get(key).filter(|(read_under, _)| *read_under == generation).map(|(_, value)| value.clone())
    }

    fn put(&self, key: K, generation: u64, value: V) {
        let mut entries = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key, (generation, value));
    }
}

pub(crate) struct ReadCache {
    generation: AtomicU64,
    pub(crate) sessions: Entries<Snowflake, Option<SessionRecord>>,
    pub(crate) guilds: Entries<Snowflake, Option<GuildRecord>>,
    pub(crate) roles: Entries<Snowflake, Vec<RoleRecord>>,
    pub(crate) members: Entries<(Snowflake, Snowflake), Option<MemberRecord>>,
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadCache").field("generation", &self.generation.load(Ordering::Relaxed)).finish()
    }
}

impl ReadCache {
    pub(crate) fn new() -> Self {
        Self {
            generation: AtomicU64::new(0),
            sessions: Entries::new(),
            guilds: Entries::new(),
            roles: Entries::new(),
            members: Entries::new(),
        }
    }

    /// A write committed: everything read before is stale.
    pub(crate) fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// `key`'s row from `entries` if read under the current generation, else `load`ed (and
    /// kept under the generation taken before loading).
    pub(crate) async fn get_or_load<K: Hash + Eq, V: Clone>(
        &self,
        entries: &Entries<K, V>,
        key: K,
        load: impl Future<Output = StoreResult<V>>,
    ) -> StoreResult<V> {
        let generation = self.generation.load(Ordering::SeqCst);
        if let Some(value) = entries.get(&key, generation) {
            return Ok(value);
        }
        let value = load.await?;
        entries.put(key, generation, value.clone());
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_commit_makes_earlier_reads_misses() {
        let cache = ReadCache::new();
        let key = Snowflake::from_i64(7);
        let first = cache.get_or_load(&cache.roles, key, async { Ok(Vec::new()) }).await.expect("loads");
        assert!(first.is_empty());
        let hit = cache.get_or_load(&cache.roles, key, async { panic!("served from the cache") }).await;
        assert!(hit.is_ok());

        cache.invalidate();

        let reloaded = std::sync::atomic::AtomicBool::new(false);
        cache
            .get_or_load(&cache.roles, key, async {
                reloaded.store(true, Ordering::Relaxed);
                Ok(Vec::new())
            })
            .await
            .expect("loads again");
        assert!(reloaded.load(Ordering::Relaxed), "read again after the write");
    }
}
