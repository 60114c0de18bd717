//! The test Redis: its URL comes from `ACCORD_TEST_REDIS_URL`. Without it the tests are
//! skipped (with a note on stderr), unless `ACCORD_TEST_REQUIRE_SERVICES=1` makes that a
//! failure.

use accord_kv_redis::RedisKv;

/// The test Redis's URL, or none (the test is skipped) when there is none.
pub fn test_url() -> Option<String> {
    let Ok(url) = std::env::var("ACCORD_TEST_REDIS_URL") else {
        assert!(
            std::env::var("ACCORD_TEST_REQUIRE_SERVICES").as_deref() != Ok("1"),
            "ACCORD_TEST_REDIS_URL is not set and ACCORD_TEST_REQUIRE_SERVICES=1"
        );
        eprintln!("skipped: set ACCORD_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/) to run the Redis tests");
        return None;
    };
    Some(url)
}

/// A key prefix no other test uses.
pub fn fresh_prefix() -> String {
    format!("accord-test-{:016x}:", rand::random::<u64>())
}

/// A kv on the test Redis under a key prefix of its own, or none when there is no test Redis.
#[allow(dead_code, reason = "each test file uses what it needs")]
pub async fn test_kv() -> Option<RedisKv> {
    let url = test_url()?;
    Some(RedisKv::connect(&url, &fresh_prefix()).await.unwrap_or_else(|e| panic!("test Redis at {url}: {e}")))
}
