//! A Redis that is down: connecting fails, and a lazily made kv answers every call with
//! `Unavailable`, quickly, and keeps doing so (no hang, no panic), at once while the breaker
//! is open — the behaviour the services' fallbacks are built on.

use std::time::{Duration, Instant};

use accord_core::Snowflake;
use accord_kv::{Kv, KvError, KvResult};
use accord_kv_redis::RedisKv;
use serde_json::json;

/// Nothing listens on port 1, so connections are refused.
const DEAD: &str = "redis://127.0.0.1:1/";
/// "Quickly": well under a second.
const QUICKLY: Duration = Duration::from_millis(900);

async fn assert_unavailable<T: std::fmt::Debug>(what: &str, call: impl Future<Output = KvResult<T>>) {
    let started = Instant::now();
    let outcome = call.await;
    let took = started.elapsed();
    assert!(matches!(outcome, Err(KvError::Unavailable(_))), "{what}: {outcome:?}");
    assert!(took < QUICKLY, "{what} took {took:?}");
}

#[tokio::test]
async fn connecting_to_a_dead_redis_fails_quickly_as_unavailable() {
    assert_unavailable("connect", RedisKv::connect(DEAD, "t:")).await;
}

#[tokio::test]
async fn every_call_on_a_dead_redis_fails_quickly_as_unavailable() {
    let kv = RedisKv::lazy(DEAD, "t:").expect("a well-formed URL");
    let kv: &dyn Kv = &kv;
    let user = Snowflake::new(1).unwrap();
    let minute = Duration::from_secs(60);

    for round in 0..2 {
        let note = |what: &str| format!("{what} (round {round})");
        assert_unavailable(&note("ping"), kv.ping()).await;
        assert_unavailable(&note("hit"), kv.hit("k", 5, minute)).await;
        assert_unavailable(&note("cache_get"), kv.cache_get("k")).await;
        assert_unavailable(&note("cache_set"), kv.cache_set("k", "v", minute)).await;
        assert_unavailable(&note("cache_set_if_absent"), kv.cache_set_if_absent("k", "v", minute)).await;
        assert_unavailable(&note("presence_set"), kv.presence_set(user, "n", &json!({}), minute)).await;
        assert_unavailable(&note("presence_refresh"), kv.presence_refresh("n", &[(user, json!({}))], minute)).await;
        assert_unavailable(&note("presence_clear"), kv.presence_clear(user, "n")).await;
        assert_unavailable(&note("presence_get_many"), kv.presence_get_many(&[user])).await;
    }
}

#[tokio::test]
async fn once_redis_was_found_down_calls_fail_at_once() {
    let kv = RedisKv::lazy(DEAD, "t:").expect("a well-formed URL");
    let kv: &dyn Kv = &kv;
    assert_unavailable("the first call", kv.ping()).await;

    let started = Instant::now();
    for _ in 0..100 {
        assert!(matches!(kv.cache_get("k").await, Err(KvError::Unavailable(_))));
    }
    let took = started.elapsed();

    assert!(took < Duration::from_millis(100), "100 calls took {took:?}");
}

#[tokio::test]
async fn a_malformed_url_is_an_internal_error_not_a_panic() {
    let outcome = RedisKv::lazy("not a url", "t:");

    assert!(matches!(outcome, Err(KvError::Internal(_))), "{outcome:?}");
}
