//! The test S3 server: its bucket URL comes from `ACCORD_TEST_S3_URL` (e.g. `s3://accord-test`)
//! and its endpoint from `ACCORD_TEST_S3_ENDPOINT`; credentials and region from the usual
//! `AWS_*` variables (`scripts/s3-test-server` prints them all). Without the URL the tests are
//! skipped (with a note on stderr), unless `ACCORD_TEST_REQUIRE_SERVICES=1` makes that a
//! failure.

use accord_blobs::{ObjectBlobs, S3Settings};

/// The test bucket's URL and the settings to reach it, or none (the test is skipped).
pub fn test_s3() -> Option<(String, S3Settings)> {
    let Ok(url) = std::env::var("ACCORD_TEST_S3_URL") else {
        assert!(
            std::env::var("ACCORD_TEST_REQUIRE_SERVICES").as_deref() != Ok("1"),
            "ACCORD_TEST_S3_URL is not set and ACCORD_TEST_REQUIRE_SERVICES=1"
        );
        eprintln!("skipped: set ACCORD_TEST_S3_URL (e.g. `eval \"$(scripts/s3-test-server)\"`) to run the S3 tests");
        return None;
    };
    let endpoint = std::env::var("ACCORD_TEST_S3_ENDPOINT").ok().filter(|e| !e.is_empty());
    let allow_http = endpoint.as_deref().is_some_and(|e| e.starts_with("http://"));
    Some((url, S3Settings { endpoint, credentials: None, allow_http }))
}

/// A store on the test bucket under a key prefix no other test uses, or none.
pub fn test_blobs() -> Option<ObjectBlobs> {
    let (url, settings) = test_s3()?;
    let url = format!("{}/t-{:016x}", url.trim_end_matches('/'), rand::random::<u64>());
    Some(ObjectBlobs::open_with(&url, &settings).unwrap_or_else(|e| panic!("test S3 at {url}: {e}")))
}
