//! Presence in Redis: per user a values key (a hash of holder -> JSON) and a claims key (a
//! sorted set of holder -> expiry in ms by Redis's clock); both expire with the last claim.
//! Scripts read and write them together, skipping claims that have expired.

use std::time::Duration;

use accord_core::Snowflake;
use accord_kv::{KvResult, PresenceKv};
use serde_json::Value;

use crate::error::bad_value;
use crate::scripts::{PRESENCE_CLEAR, PRESENCE_GET, PRESENCE_REFRESH, PRESENCE_SET};
use crate::{RedisKv, millis};

/// Users renewed or read per script call, so one call never blocks Redis for long.
const REFRESH_BATCH: usize = 200;

impl RedisKv {
    fn value_key(&self, user: Snowflake) -> String {
        self.key("presence", format_args!("{user}:values"))
    }

    fn claims_key(&self, user: Snowflake) -> String {
        self.key("presence", format_args!("{user}:claims"))
    }
}

/// The values a script answered (a holder's value missing from the hash reads as none).
fn parse(stored: Vec<Option<String>>) -> KvResult<Vec<Value>> {
    stored.into_iter().flatten().map(|s| serde_json::from_str(&s).map_err(bad_value)).collect()
}

#[async_trait::async_trait]
impl PresenceKv for RedisKv {
    async fn presence_set(&self, user: Snowflake, holder: &str, value: &Value, ttl: Duration) -> KvResult<Vec<Value>> {
        let mut conn = self.conn();
        let mut call = PRESENCE_SET.key(self.value_key(user));
        call.key(self.claims_key(user)).arg(holder).arg(value.to_string()).arg(millis(ttl));
        let before: Vec<Option<String>> = self.run(async move { call.invoke_async(&mut conn).await }).await?;
        parse(before)
    }

    async fn presence_refresh(&self, holder: &str, users: &[(Snowflake, Value)], ttl: Duration) -> KvResult<()> {
        for batch in users.chunks(REFRESH_BATCH) {
            let mut conn = self.conn();
            let mut call = PRESENCE_REFRESH.arg(holder);
            call.arg(millis(ttl));
            for (user, value) in batch {
                call.key(self.value_key(*user)).key(self.claims_key(*user)).arg(value.to_string());
            }
            self.run(async move { call.invoke_async::<()>(&mut conn).await }).await?;
        }
        Ok(())
    }

    async fn presence_clear(&self, user: Snowflake, holder: &str) -> KvResult<Vec<Value>> {
        let mut conn = self.conn();
        let mut call = PRESENCE_CLEAR.key(self.value_key(user));
        call.key(self.claims_key(user)).arg(holder);
        let left: Vec<Option<String>> = self.run(async move { call.invoke_async(&mut conn).await }).await?;
        parse(left)
    }

    async fn presence_get_many(&self, users: &[Snowflake]) -> KvResult<Vec<Vec<Value>>> {
        let mut out = Vec::with_capacity(users.len());
        for batch in users.chunks(REFRESH_BATCH) {
            let mut conn = self.conn();
            let mut call = PRESENCE_GET.prepare_invoke();
            for user in batch {
                call.key(self.value_key(*user)).key(self.claims_key(*user));
            }
            let stored: Vec<Vec<Option<String>>> = self.run(async move { call.invoke_async(&mut conn).await }).await?;
            for values in stored {
                out.push(parse(values)?);
            }
        }
        Ok(out)
    }
}
