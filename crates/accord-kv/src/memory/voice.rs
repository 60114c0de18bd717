//! Voice states in memory: per scope, each user's state with its expiry, an index of each
//! user's scopes, and every state's expiry in order, so expired states are collected soonest
//! first. An expired state is hidden at once but stays until collected, replaced or the user
//! puts a new one; it counts toward the capacity until then.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::{Duration, Instant};

use accord_core::Snowflake;

use super::{MemoryKv, lock};
use crate::{KvError, KvResult, VoiceEntry, VoiceKv, VoicePut};

/// The voice states of one process.
#[derive(Debug)]
pub(super) struct Voice {
    /// Scope -> user -> state, live or waiting to be collected.
    scopes: HashMap<Snowflake, HashMap<Snowflake, State>>,
    /// User -> the scopes where they have a state.
    users: HashMap<Snowflake, HashSet<Snowflake>>,
    /// (expiry, scope, user) of every state, soonest first.
    deadlines: BTreeSet<(Instant, Snowflake, Snowflake)>,
    /// States held at most, live or waiting to be collected.
    capacity: usize,
}

#[derive(Debug)]
struct State {
    expires: Instant,
    channel: Snowflake,
    value: String,
}

impl Voice {
    pub(super) fn new(capacity: usize) -> Self {
        Self { scopes: HashMap::new(), users: HashMap::new(), deadlines: BTreeSet::new(), capacity }
    }

    /// `user`'s live state in `scope`.
    fn live(&self, scope: Snowflake, user: Snowflake, now: Instant) -> Option<&State> {
        self.scopes.get(&scope)?.get(&user).filter(|s| s.expires > now)
    }

    /// Stores `user`'s state in `scope`, replacing any, live or expired; a new one needs room.
    fn store(&mut self, scope: Snowflake, user: Snowflake, state: State) -> KvResult<()> {
        match self.scopes.get(&scope).and_then(|states| states.get(&user)) {
            Some(old) => {
                self.deadlines.remove(&(old.expires, scope, user));
            }
            None => {
                if self.deadlines.len() >= self.capacity {
                    return Err(KvError::Unavailable(format!("in-memory voice states are full ({})", self.capacity)));
                }
                self.users.entry(user).or_default().insert(scope);
            }
        }
        self.deadlines.insert((state.expires, scope, user));
        self.scopes.entry(scope).or_default().insert(user, state);
        Ok(())
    }

    /// Removes `user`'s state in `scope`, live or expired.
    fn take(&mut self, scope: Snowflake, user: Snowflake) -> Option<State> {
        let states = self.scopes.get_mut(&scope)?;
        let state = states.remove(&user)?;
        if states.is_empty() {
            self.scopes.remove(&scope);
        }
        if let Some(scopes) = self.users.get_mut(&user) {
            scopes.remove(&scope);
            if scopes.is_empty() {
                self.users.remove(&user);
            }
        }
        self.deadlines.remove(&(state.expires, scope, user));
        Some(state)
    }

    fn list(&self, scope: Snowflake, now: Instant) -> Vec<VoiceEntry> {
        let Some(states) = self.scopes.get(&scope) else { return Vec::new() };
        states
            .iter()
            .filter(|(_, s)| s.expires > now)
            .map(|(&user, s)| VoiceEntry { scope, user, channel: s.channel, value: s.value.clone() })
            .collect()
    }
}

#[async_trait::async_trait]
impl VoiceKv for MemoryKv {
    async fn voice_put(
        &self,
        scope: Snowflake,
        user: Snowflake,
        channel: Snowflake,
        value: &str,
        limit: Option<u32>,
        ttl: Duration,
    ) -> KvResult<VoicePut> {
        let now = Instant::now();
        let mut voice = lock(&self.voice);
        let current = voice.live(scope, user, now);
        let previous = current.map(|s| s.value.clone());
        if let Some(limit) = limit
            && current.is_none_or(|s| s.channel != channel)
        {
            let states = voice.scopes.get(&scope).into_iter().flat_map(HashMap::values);
            let taken = states.filter(|s| s.expires > now && s.channel == channel).count();
            if taken >= usize::try_from(limit).unwrap_or(usize::MAX) {
                return Ok(VoicePut::Full);
            }
        }
        voice.store(scope, user, State { expires: now + ttl, channel, value: value.to_owned() })?;
        Ok(VoicePut::Stored { previous })
    }

    async fn voice_swap(
        &self,
        scope: Snowflake,
        user: Snowflake,
        expected: &str,
        channel: Snowflake,
        value: &str,
        ttl: Duration,
    ) -> KvResult<bool> {
        let now = Instant::now();
        let mut voice = lock(&self.voice);
        if voice.live(scope, user, now).is_none_or(|s| s.value != expected) {
            return Ok(false);
        }
        voice.store(scope, user, State { expires: now + ttl, channel, value: value.to_owned() })?;
        Ok(true)
    }

    async fn voice_remove(
        &self,
        scope: Snowflake,
        user: Snowflake,
        expected: Option<&str>,
    ) -> KvResult<Option<String>> {
        let now = Instant::now();
        let mut voice = lock(&self.voice);
        let Some(current) = voice.live(scope, user, now) else { return Ok(None) };
        if expected.is_some_and(|expected| current.value != expected) {
            return Ok(None);
        }
        Ok(voice.take(scope, user).map(|s| s.value))
    }

    async fn voice_renew(&self, states: &[(Snowflake, Snowflake)], ttl: Duration) -> KvResult<()> {
        let now = Instant::now();
        let mut voice = lock(&self.voice);
        let voice = &mut *voice;
        for &(scope, user) in states {
            let state = voice.scopes.get_mut(&scope).and_then(|states| states.get_mut(&user));
            let Some(state) = state.filter(|s| s.expires > now) else { continue };
            voice.deadlines.remove(&(state.expires, scope, user));
            state.expires = now + ttl;
            voice.deadlines.insert((state.expires, scope, user));
        }
        Ok(())
    }

    async fn voice_list(&self, scope: Snowflake) -> KvResult<Vec<VoiceEntry>> {
        Ok(lock(&self.voice).list(scope, Instant::now()))
    }

    async fn voice_list_many(&self, scopes: &[Snowflake]) -> KvResult<Vec<Vec<VoiceEntry>>> {
        let now = Instant::now();
        let voice = lock(&self.voice);
        Ok(scopes.iter().map(|&scope| voice.list(scope, now)).collect())
    }

    async fn voice_scopes_of(&self, user: Snowflake) -> KvResult<Vec<Snowflake>> {
        let now = Instant::now();
        let voice = lock(&self.voice);
        let Some(scopes) = voice.users.get(&user) else { return Ok(Vec::new()) };
        Ok(scopes.iter().copied().filter(|&scope| voice.live(scope, user, now).is_some()).collect())
    }

    async fn voice_take_expired(&self, max: usize) -> KvResult<Vec<VoiceEntry>> {
        let now = Instant::now();
        let mut voice = lock(&self.voice);
        let due: Vec<(Snowflake, Snowflake)> = voice
            .deadlines
            .iter()
            .take_while(|(expires, _, _)| *expires <= now)
            .take(max)
            .map(|&(_, scope, user)| (scope, user))
            .collect();
        Ok(due
            .into_iter()
            .filter_map(|(scope, user)| {
                let state = voice.take(scope, user)?;
                Some(VoiceEntry { scope, user, channel: state.channel, value: state.value })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u64) -> Snowflake {
        Snowflake::new(n).expect("non-zero id")
    }

    #[tokio::test]
    async fn uncollected_states_hold_their_room_until_taken() {
        let kv = MemoryKv::with_capacity(1);
        let short = Duration::from_millis(1);
        kv.voice_put(id(1), id(1), id(10), "a", None, short).await.expect("room for one");
        tokio::time::sleep(Duration::from_millis(5)).await;

        let refused = kv.voice_put(id(1), id(2), id(10), "b", None, short).await;
        let taken = kv.voice_take_expired(10).await.expect("take");
        let accepted = kv.voice_put(id(1), id(2), id(10), "b", None, short).await;

        assert!(matches!(refused, Err(KvError::Unavailable(_))), "{refused:?}");
        assert_eq!(taken.len(), 1);
        assert!(accepted.is_ok(), "{accepted:?}");
    }
}
