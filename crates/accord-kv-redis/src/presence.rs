//! Presence in Redis: per user a value key (the JSON) and a claims key (a sorted set of
//! holder -> expiry in ms by Redis's clock); both expire with the last claim, so a plain
//! `MGET` of value keys reads who is online.

use std::time::Duration;

use accord_core::Snowflake;
use accord_kv::{KvResult, PresenceKv};
use serde_json::Value;

use crate::error::bad_value;
use crate::scripts::{PRESENCE_CLEAR, PRESENCE_REFRESH, PRESENCE_SET};
use crate::{RedisKv, millis};

/// Users renewed per script call, so one call never blocks Redis for long.
const REFRESH_BATCH: usize = 200;

impl RedisKv {
    fn value_key(&self, user: Snowflake) -> String {
        self.key("presence", user)
    }

    fn claims_key(&self, user: Snowflake) -> String {
        self.key("presence", format_args!("{user}:claims"))
    }
}

fn parse(stored: Option<String>) -> KvResult<Option<Value>> {
    stored.map(|s| serde_json::from_str(&s).map_err(bad_value)).transpose()
}

#[async_trait::async_trait]
impl PresenceKv for RedisKv {
    async fn presence_set(
        &self,
        user: Snowflake,
        holder: &str,
        value: &Value,
        ttl: Duration,
    ) -> KvResult<Option<Value>> {
        let mut conn = self.conn();
        let mut call = PRESENCE_SET.key(self.value_key(user));
        call.key(self.claims_key(user)).arg(holder).arg(value.to_string()).arg(millis(ttl));
        let previous: Option<String> = self.run(async move { call.invoke_async(&mut conn).await }).await?;
        parse(previous)
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

    async fn presence_clear(&self, user: Snowflake, holder: &str) -> KvResult<bool> {
        let mut conn = self.conn();
        let mut call = PRESENCE_CLEAR.key(self.value_key(user));
        call.key(self.claims_key(user)).arg(holder);
        let offline: u8 = self.run(async move { call.invoke_async(&mut conn).await }).await?;
        Ok(offline == 1)
    }

    async fn presence_get_many(&self, users: &[Snowflake]) -> KvResult<Vec<Option<Value>>> {
        if users.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.conn();
        let keys: Vec<String> = users.iter().map(|u| self.value_key(*u)).collect();
        let stored: Vec<Option<String>> =
            self.run(async move { redis::cmd("MGET").arg(keys).query_async(&mut conn).await }).await?;
        stored.into_iter().map(parse).collect()
    }
}
