//! Voice states in Redis, written together by the voice scripts of [`crate::scripts`]:
//!
//! - per scope, a hash `voice:{scope}:states` of user -> `expiry_ms|channel|value`;
//! - per user, a sorted set `voice:{user}:scopes` of scope -> expiry ms;
//! - one sorted set `voice:expiries` of `scope:user` -> expiry ms, which the collectors of
//!   expired states read soonest first.
//!
//! Expiries are in ms by Redis's clock (`TIME`, read by each script), so the clocks of
//! Accord's nodes never matter. Readers skip expired states; they stay stored until one
//! collector takes them (or the user puts a new state), and each key expires
//! [`VOICE_KEPT_MS`](crate::scripts::VOICE_KEPT_MS) after the latest expiry written to it, so
//! nothing outlives a deployment that stops collecting.

use std::time::Duration;

use accord_core::Snowflake;
use accord_kv::{KvError, KvResult, VoiceEntry, VoiceKv, VoicePut};

use crate::scripts::{
    VOICE_DUE, VOICE_LIST, VOICE_PUT, VOICE_REMOVE, VOICE_RENEW, VOICE_SCOPES_OF, VOICE_SWAP, VOICE_TAKE,
};
use crate::{RedisKv, millis};

/// States renewed, scopes read or states taken per script call, so one call never blocks
/// Redis for long.
const BATCH: usize = 200;

impl RedisKv {
    fn states_key(&self, scope: Snowflake) -> String {
        self.key("voice", format_args!("{scope}:states"))
    }

    fn scopes_key(&self, user: Snowflake) -> String {
        self.key("voice", format_args!("{user}:scopes"))
    }

    fn expiries_key(&self) -> String {
        self.key("voice", "expiries")
    }
}

/// An id a script answered.
fn id(s: &str) -> KvResult<Snowflake> {
    s.parse().map_err(|_| KvError::Internal(format!("stored voice state names no id: {s:?}")))
}

/// The entries of a flat list of user, channel, value (one scope's states).
fn entries(scope: Snowflake, flat: Vec<String>) -> KvResult<Vec<VoiceEntry>> {
    let mut flat = flat.into_iter();
    let mut out = Vec::with_capacity(flat.len() / 3);
    while let (Some(user), Some(channel), Some(value)) = (flat.next(), flat.next(), flat.next()) {
        out.push(VoiceEntry { scope, user: id(&user)?, channel: id(&channel)?, value });
    }
    Ok(out)
}

#[async_trait::async_trait]
impl VoiceKv for RedisKv {
    async fn voice_put(
        &self,
        scope: Snowflake,
        user: Snowflake,
        channel: Snowflake,
        value: &str,
        limit: Option<u32>,
        ttl: Duration,
    ) -> KvResult<VoicePut> {
        let mut conn = self.conn();
        let mut call = VOICE_PUT.key(self.states_key(scope));
        call.key(self.scopes_key(user)).key(self.expiries_key());
        call.arg(scope.get()).arg(user.get()).arg(channel.get()).arg(value);
        call.arg(limit.map_or(-1, i64::from)).arg(millis(ttl));
        let answer: Vec<String> = self.run(async move { call.invoke_async(&mut conn).await }).await?;
        let mut answer = answer.into_iter();
        match answer.next().as_deref() {
            Some("stored") => Ok(VoicePut::Stored { previous: answer.next() }),
            Some("full") => Ok(VoicePut::Full),
            other => Err(KvError::Internal(format!("unexpected answer to a voice put: {other:?}"))),
        }
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
        let mut conn = self.conn();
        let mut call = VOICE_SWAP.key(self.states_key(scope));
        call.key(self.scopes_key(user)).key(self.expiries_key());
        call.arg(scope.get()).arg(user.get()).arg(expected).arg(channel.get()).arg(value).arg(millis(ttl));
        let swapped: u8 = self.run(async move { call.invoke_async(&mut conn).await }).await?;
        Ok(swapped == 1)
    }

    async fn voice_remove(
        &self,
        scope: Snowflake,
        user: Snowflake,
        expected: Option<&str>,
    ) -> KvResult<Option<String>> {
        let mut conn = self.conn();
        let mut call = VOICE_REMOVE.key(self.states_key(scope));
        call.key(self.scopes_key(user)).key(self.expiries_key());
        call.arg(scope.get()).arg(user.get());
        if let Some(expected) = expected {
            call.arg(expected);
        }
        self.run(async move { call.invoke_async(&mut conn).await }).await
    }

    async fn voice_renew(&self, states: &[(Snowflake, Snowflake)], ttl: Duration) -> KvResult<()> {
        for batch in states.chunks(BATCH) {
            let mut conn = self.conn();
            let mut call = VOICE_RENEW.key(self.expiries_key());
            call.arg(millis(ttl));
            for &(scope, user) in batch {
                call.key(self.states_key(scope)).key(self.scopes_key(user));
                call.arg(scope.get()).arg(user.get());
            }
            self.run(async move { call.invoke_async::<()>(&mut conn).await }).await?;
        }
        Ok(())
    }

    async fn voice_list(&self, scope: Snowflake) -> KvResult<Vec<VoiceEntry>> {
        Ok(self.voice_list_many(&[scope]).await?.pop().unwrap_or_default())
    }

    async fn voice_list_many(&self, scopes: &[Snowflake]) -> KvResult<Vec<Vec<VoiceEntry>>> {
        let mut out = Vec::with_capacity(scopes.len());
        for batch in scopes.chunks(BATCH) {
            let mut conn = self.conn();
            let mut call = VOICE_LIST.prepare_invoke();
            for &scope in batch {
                call.key(self.states_key(scope));
            }
            let found: Vec<Vec<String>> = self.run(async move { call.invoke_async(&mut conn).await }).await?;
            for (&scope, flat) in batch.iter().zip(found) {
                out.push(entries(scope, flat)?);
            }
        }
        Ok(out)
    }

    async fn voice_scopes_of(&self, user: Snowflake) -> KvResult<Vec<Snowflake>> {
        let mut conn = self.conn();
        let call = VOICE_SCOPES_OF.key(self.scopes_key(user));
        let scopes: Vec<String> = self.run(async move { call.invoke_async(&mut conn).await }).await?;
        scopes.iter().map(|scope| id(scope)).collect()
    }

    /// Reads the expired states' names, then takes them with a script that checks each is
    /// still expired: of concurrent collectors, the first to run takes each state.
    async fn voice_take_expired(&self, max: usize) -> KvResult<Vec<VoiceEntry>> {
        if max == 0 {
            return Ok(Vec::new());
        }
        let mut conn = self.conn();
        let mut call = VOICE_DUE.key(self.expiries_key());
        call.arg(max);
        let due: Vec<String> = self.run(async move { call.invoke_async(&mut conn).await }).await?;
        let mut out = Vec::new();
        for batch in due.chunks(BATCH) {
            let mut conn = self.conn();
            let mut call = VOICE_TAKE.key(self.expiries_key());
            for member in batch {
                let (scope, user) = member.split_once(':').unwrap_or((member, ""));
                let (scope, user) = (id(scope)?, id(user)?);
                call.key(self.states_key(scope)).key(self.scopes_key(user));
                call.arg(scope.get()).arg(user.get());
            }
            let taken: Vec<String> = self.run(async move { call.invoke_async(&mut conn).await }).await?;
            let mut taken = taken.into_iter();
            while let (Some(scope), Some(user), Some(channel), Some(value)) =
                (taken.next(), taken.next(), taken.next(), taken.next())
            {
                out.push(VoiceEntry { scope: id(&scope)?, user: id(&user)?, channel: id(&channel)?, value });
            }
        }
        Ok(out)
    }
}
