//! Presence in memory: per user, each holder's value and claim expiry; the user's entry
//! expires with its last claim.

use std::time::{Duration, Instant};

use accord_core::Snowflake;
use accord_core::vec_map::VecMap;
use serde_json::Value;

use super::{Entry, MemoryKv, lock};
use crate::{KvResult, PresenceKv};

/// Holder -> (when its claim expires, its value as JSON text); ordered by holder name. The
/// text, not a parsed `Value`: every online user has one, and a `Value` object is a tree of
/// map nodes ten times its text's size, while reads (one per user in a guild snapshot) are rare.
#[derive(Debug, Default)]
pub(super) struct UserPresence(VecMap<String, (Instant, Box<str>)>);

impl UserPresence {
    /// Drops expired claims; the latest remaining expiry, if any.
    fn prune(&mut self, now: Instant) -> Option<Instant> {
        self.0.retain(|_, (expires, _)| *expires > now);
        self.0.values().map(|(expires, _)| *expires).max()
    }

    fn values(&self) -> Vec<Value> {
        self.0.values().map(|(_, text)| serde_json::from_str(text).expect("stored presence is JSON")).collect()
    }
}

/// Sets `holder`'s claim and value on `user`, creating the entry if the user was offline;
/// the entry then expires with its last claim. Returns the live values before.
fn claim(
    presence: &mut super::Area<Snowflake, UserPresence>,
    user: Snowflake,
    holder: &str,
    value: &Value,
    expires: Instant,
    now: Instant,
) -> KvResult<Vec<Value>> {
    let Some(entry) = presence.live(&user, now) else {
        let claims = [(holder.to_owned(), (expires, compact(value)))].into_iter().collect();
        presence.insert(user, Entry { expires, value: UserPresence(claims) }, now)?;
        return Ok(Vec::new());
    };
    entry.value.prune(now);
    let before = entry.value.values();
    entry.value.0.insert(holder.to_owned(), (expires, compact(value)));
    entry.expires = entry.value.prune(now).unwrap_or(expires);
    Ok(before)
}

fn compact(value: &Value) -> Box<str> {
    value.to_string().into_boxed_str()
}

#[async_trait::async_trait]
impl PresenceKv for MemoryKv {
    async fn presence_set(&self, user: Snowflake, holder: &str, value: &Value, ttl: Duration) -> KvResult<Vec<Value>> {
        let now = Instant::now();
        claim(&mut lock(&self.presence), user, holder, value, now + ttl, now)
    }

    async fn presence_refresh(&self, holder: &str, users: &[(Snowflake, Value)], ttl: Duration) -> KvResult<()> {
        let now = Instant::now();
        let mut presence = lock(&self.presence);
        for (user, value) in users {
            claim(&mut presence, *user, holder, value, now + ttl, now)?;
        }
        Ok(())
    }

    async fn presence_clear(&self, user: Snowflake, holder: &str) -> KvResult<Vec<Value>> {
        let now = Instant::now();
        let mut presence = lock(&self.presence);
        let Some(entry) = presence.live(&user, now) else { return Ok(Vec::new()) };
        entry.value.0.remove(holder);
        match entry.value.prune(now) {
            Some(last) => {
                entry.expires = last;
                Ok(entry.value.values())
            }
            None => {
                presence.entries.remove(&user);
                Ok(Vec::new())
            }
        }
    }

    async fn presence_get_many(&self, users: &[Snowflake]) -> KvResult<Vec<Vec<Value>>> {
        let now = Instant::now();
        let mut presence = lock(&self.presence);
        Ok(users
            .iter()
            .map(|user| {
                presence.live(user, now).map_or_else(Vec::new, |e| {
                    e.value.prune(now);
                    e.value.values()
                })
            })
            .collect())
    }
}
