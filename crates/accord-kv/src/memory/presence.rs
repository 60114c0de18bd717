//! Presence in memory: per user, the value and each holder's claim expiry; the user's entry
//! expires with its last claim.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use accord_core::Snowflake;
use serde_json::Value;

use super::{Entry, MemoryKv, lock};
use crate::{KvResult, PresenceKv};

#[derive(Debug)]
pub(super) struct UserPresence {
    value: Value,
    /// Holder -> when its claim expires.
    claims: HashMap<String, Instant>,
}

impl UserPresence {
    /// Drops expired claims; the latest remaining expiry, if any.
    fn prune(&mut self, now: Instant) -> Option<Instant> {
        self.claims.retain(|_, expires| *expires > now);
        self.claims.values().max().copied()
    }
}

/// Adds or renews `holder`'s claim on a live entry, which then expires with its last claim.
fn claim(entry: &mut Entry<UserPresence>, holder: &str, expires: Instant, now: Instant) {
    entry.value.prune(now);
    entry.value.claims.insert(holder.to_owned(), expires);
    entry.expires = entry.value.claims.values().max().copied().unwrap_or(expires);
}

fn new_entry(holder: &str, value: &Value, expires: Instant) -> Entry<UserPresence> {
    let claims = HashMap::from([(holder.to_owned(), expires)]);
    Entry { expires, value: UserPresence { value: value.clone(), claims } }
}

#[async_trait::async_trait]
impl PresenceKv for MemoryKv {
    async fn presence_set(
        &self,
        user: Snowflake,
        holder: &str,
        value: &Value,
        ttl: Duration,
    ) -> KvResult<Option<Value>> {
        let now = Instant::now();
        let mut presence = lock(&self.presence);
        if let Some(entry) = presence.live(&user, now) {
            let previous = std::mem::replace(&mut entry.value.value, value.clone());
            claim(entry, holder, now + ttl, now);
            return Ok(Some(previous));
        }
        presence.insert(user, new_entry(holder, value, now + ttl), now)?;
        Ok(None)
    }

    async fn presence_refresh(&self, holder: &str, users: &[(Snowflake, Value)], ttl: Duration) -> KvResult<()> {
        let now = Instant::now();
        let mut presence = lock(&self.presence);
        for (user, value) in users {
            match presence.live(user, now) {
                Some(entry) => claim(entry, holder, now + ttl, now),
                None => presence.insert(*user, new_entry(holder, value, now + ttl), now)?,
            }
        }
        Ok(())
    }

    async fn presence_clear(&self, user: Snowflake, holder: &str) -> KvResult<bool> {
        let now = Instant::now();
        let mut presence = lock(&self.presence);
        let Some(entry) = presence.live(&user, now) else { return Ok(true) };
        entry.value.claims.remove(holder);
        match entry.value.prune(now) {
            Some(last) => {
                entry.expires = last;
                Ok(false)
            }
            None => {
                presence.entries.remove(&user);
                Ok(true)
            }
        }
    }

    async fn presence_get_many(&self, users: &[Snowflake]) -> KvResult<Vec<Option<Value>>> {
        let now = Instant::now();
        let mut presence = lock(&self.presence);
        Ok(users.iter().map(|user| presence.live(user, now).map(|e| e.value.value.clone())).collect())
    }
}
