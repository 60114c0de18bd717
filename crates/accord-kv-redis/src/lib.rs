//! Redis backend of Accord's shared state (cluster mode): every process of a deployment that
//! points at one Redis shares its rate limits, presence, cache, registry and voice states.
//!
//! [`RedisKv`] holds a redis-rs `ConnectionManager` (one multiplexed connection, remade after
//! failures) with short connection and response timeouts, and bounds every call with a
//! deadline, so a dead or hung Redis turns into [`KvError::Unavailable`] in well under a
//! second instead of a hang; after that, the [`breaker`] fails calls at once for a second.
//! Multi-step operations are Lua scripts, so each is atomic.
//!
//! Parts: [`scripts`] (the Lua), [`error`] (what counts as unavailable), [`breaker`], one
//! module per area ([`rate_limit`], [`presence`], [`cache`], [`registry`], [`voice`]).

pub mod breaker;
pub mod cache;
pub mod error;
pub mod presence;
pub mod rate_limit;
pub mod registry;
pub mod scripts;
pub mod voice;

use std::fmt::Display;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use accord_kv::{HealthKv, KvError, KvResult};
use redis::RedisResult;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// How long one connection attempt may take.
pub const CONNECTION_TIMEOUT: Duration = Duration::from_millis(250);
/// How long Redis may take to answer one command or script.
pub const RESPONSE_TIMEOUT: Duration = Duration::from_millis(250);
/// How long a whole call may take, reconnecting included.
pub const DEADLINE: Duration = Duration::from_millis(500);

/// Accord's shared state in one Redis. Clones share the connection.
#[derive(Clone)]
pub struct RedisKv {
    /// The multiplexed connection; the manager reconnects after failures.
    conn: ConnectionManager,
    /// Prepended to every key, so deployments (or tests) can share one Redis.
    prefix: Arc<str>,
    /// Shared by clones: fails calls at once for a while after Redis was unreachable.
    breaker: Arc<breaker::Breaker>,
}

impl std::fmt::Debug for RedisKv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisKv").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

impl RedisKv {
    /// Connects to `url` (`redis://[:password@]host:port/db`) and checks that Redis answers.
    /// Every key starts with `key_prefix` (e.g. `accord:`). Fails with `Unavailable` when
    /// Redis does not answer within [`DEADLINE`], `Internal` for a malformed URL.
    pub async fn connect(url: &str, key_prefix: &str) -> KvResult<Self> {
        let kv = Self::lazy(url, key_prefix)?;
        kv.ping().await?;
        Ok(kv)
    }

    /// Like [`RedisKv::connect`] without waiting for Redis: the connection is made on first
    /// use (and remade after failures), and until Redis answers every call fails with
    /// `Unavailable`. For a process that must start while Redis is down. Call it within a
    /// Tokio runtime.
    pub fn lazy(url: &str, key_prefix: &str) -> KvResult<Self> {
        let client = redis::Client::open(url).map_err(|e| KvError::Internal(format!("invalid Redis URL: {e}")))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECTION_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_millis(100));
        let conn = ConnectionManager::new_lazy_with_config(client, config).map_err(error::classify)?;
        Ok(Self { conn, prefix: Arc::from(key_prefix), breaker: Arc::default() })
    }

    /// The Redis key of `key` in `area`.
    fn key(&self, area: &str, key: impl Display) -> String {
        format!("{}{area}:{key}", self.prefix)
    }

    /// A handle on the shared connection for one call.
    fn conn(&self) -> ConnectionManager {
        self.conn.clone()
    }

    /// Runs one call within the [`DEADLINE`], classifying its failure; fails at once while
    /// the breaker is open.
    async fn run<T>(&self, call: impl Future<Output = RedisResult<T>>) -> KvResult<T> {
        if let Some(left) = self.breaker.open_for(Instant::now()) {
            return Err(KvError::Unavailable(format!("Redis was unreachable; trying again in {left:?}")));
        }
        let outcome = match tokio::time::timeout(DEADLINE, call).await {
            Ok(result) => result.map_err(error::classify),
            Err(_) => Err(KvError::Unavailable(format!("Redis did not answer within {DEADLINE:?}"))),
        };
        match &outcome {
            Err(KvError::Unavailable(_)) => self.breaker.trip(Instant::now()),
            _ => self.breaker.reset(),
        }
        outcome
    }
}

/// Milliseconds for Redis, at least one (Redis refuses a zero expiry).
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

#[async_trait::async_trait]
impl HealthKv for RedisKv {
    async fn ping(&self) -> KvResult<()> {
        let mut conn = self.conn();
        self.run(async move { redis::cmd("PING").query_async::<()>(&mut conn).await }).await
    }
}
