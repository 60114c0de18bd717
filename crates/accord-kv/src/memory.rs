//! [`MemoryKv`]: the shared state of a single process (the embedded mode). One map per area,
//! each behind its own lock (held only for the few map operations of one call, never across
//! an await). Memory stays bounded: expired entries are dropped when read, and swept whenever
//! a map has doubled since its last sweep; a map whose live entries reach its capacity refuses
//! new keys with [`KvError::Unavailable`], so callers take the same fallback as when Redis is
//! down (auth attempts are refused, chat goes on).
//!
//! The areas' implementations are in [`rate_limit`], [`presence`], [`cache`], [`registry`]
//! and [`voice`] (whose expired states wait to be collected rather than being dropped when
//! read).

mod cache;
mod presence;
mod rate_limit;
mod registry;
mod voice;

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use accord_core::Snowflake;

use crate::{HealthKv, KvError, KvResult};

/// Live entries each area holds at most, unless configured otherwise.
pub const DEFAULT_CAPACITY: usize = 1_000_000;
/// A map is not swept before it has this many entries.
const MIN_SWEEP: usize = 1024;
/// A full map sweeps at most this often while it refuses new keys.
const FULL_SWEEP_EVERY: Duration = Duration::from_secs(1);

/// Registry groups: member id -> (expiry, value).
type Groups = HashMap<String, HashMap<String, (Instant, String)>>;

/// Rate limits, presence, the cache, the registry and voice states of one process.
#[derive(Debug)]
pub struct MemoryKv {
    /// Open rate-limit windows: key -> hits so far, expiring when the window closes.
    windows: Mutex<Area<String, u32>>,
    /// Users with at least one claim, expiring with their last claim.
    presence: Mutex<Area<Snowflake, presence::UserPresence>>,
    /// Cached strings.
    cache: Mutex<Area<String, String>>,
    /// Registry groups: a handful of instances, so unbounded.
    registry: Mutex<Groups>,
    /// Voice states by scope and by user, with their expiries in order.
    voice: Mutex<voice::Voice>,
}

impl Default for MemoryKv {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

impl MemoryKv {
    pub fn new() -> Self {
        Self::default()
    }

    /// Holds at most `capacity` live entries per area (rate-limit windows, present users,
    /// cache entries, voice states); past that, new keys are refused as unavailable.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            windows: Mutex::new(Area::new(capacity)),
            presence: Mutex::new(Area::new(capacity)),
            cache: Mutex::new(Area::new(capacity)),
            registry: Mutex::default(),
            voice: Mutex::new(voice::Voice::new(capacity)),
        }
    }
}

/// Locks an area; a panic elsewhere while it was held leaves nothing half-written that
/// matters for ephemeral state, so a poisoned lock is used as is.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

#[async_trait::async_trait]
impl HealthKv for MemoryKv {
    async fn ping(&self) -> KvResult<()> {
        Ok(())
    }
}

/// A value and when it expires.
#[derive(Debug)]
struct Entry<V> {
    expires: Instant,
    value: V,
}

/// One area's map of expiring entries, bounded as the module docs say.
#[derive(Debug)]
struct Area<K, V> {
    entries: HashMap<K, Entry<V>>,
    /// The size at which expired entries are next swept.
    sweep_at: usize,
    capacity: usize,
    /// When a full map may next sweep.
    next_full_sweep: Instant,
}

impl<K: Hash + Eq, V> Area<K, V> {
    fn new(capacity: usize) -> Self {
        Self { entries: HashMap::new(), sweep_at: MIN_SWEEP, capacity, next_full_sweep: Instant::now() }
    }

    /// The live entry under `key`; an expired one is dropped.
    fn live<Q>(&mut self, key: &Q, now: Instant) -> Option<&mut Entry<V>>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if self.entries.get(key).is_some_and(|e| e.expires <= now) {
            self.entries.remove(key);
        }
        self.entries.get_mut(key)
    }

    /// Stores an entry, replacing any under `key`; a new key needs room.
    fn insert(&mut self, key: K, entry: Entry<V>, now: Instant) -> KvResult<()> {
        if !self.entries.contains_key(&key) {
            self.make_room(now)?;
        }
        self.entries.insert(key, entry);
        Ok(())
    }

    fn make_room(&mut self, now: Instant) -> KvResult<()> {
        let full = self.entries.len() >= self.capacity;
        if self.entries.len() >= self.sweep_at || (full && now >= self.next_full_sweep) {
            self.entries.retain(|_, e| e.expires > now);
            self.sweep_at = (self.entries.len() * 2).max(MIN_SWEEP);
            self.next_full_sweep = now + FULL_SWEEP_EVERY;
        }
        if self.entries.len() >= self.capacity {
            return Err(KvError::Unavailable(format!("in-memory state is full ({} live entries)", self.capacity)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_entries_are_swept_as_the_map_grows() {
        let mut area: Area<usize, ()> = Area::new(usize::MAX);
        let start = Instant::now();
        for key in 0..MIN_SWEEP {
            area.insert(key, Entry { expires: start, value: () }, start).unwrap();
        }
        let later = start + Duration::from_millis(1);

        area.insert(MIN_SWEEP, Entry { expires: later + Duration::from_secs(1), value: () }, later).unwrap();

        assert_eq!(area.entries.len(), 1, "only the live entry is left");
    }

    #[test]
    fn a_full_map_refuses_new_keys_until_entries_expire() {
        let mut area: Area<u32, ()> = Area::new(2);
        let now = Instant::now();
        let soon = now + Duration::from_millis(10);
        area.insert(1, Entry { expires: soon, value: () }, now).unwrap();
        area.insert(2, Entry { expires: soon, value: () }, now).unwrap();

        let refused = area.insert(3, Entry { expires: soon, value: () }, now);
        area.insert(2, Entry { expires: soon, value: () }, now).expect("an existing key may be replaced");
        let later = now + FULL_SWEEP_EVERY + Duration::from_millis(1);
        let accepted = area.insert(3, Entry { expires: later + Duration::from_secs(1), value: () }, later);

        assert!(matches!(refused, Err(KvError::Unavailable(_))), "{refused:?}");
        assert!(accepted.is_ok(), "{accepted:?}");
    }
}
