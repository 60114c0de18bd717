//! The accord-blobs contract suite on the test S3 server (`ACCORD_TEST_S3_URL`), each case
//! under a random key prefix of its own.

mod common;

accord_blobs::contract_tests!(async { common::test_blobs() });

#[tokio::test]
async fn a_bucket_that_does_not_exist_fails_a_ping() {
    let Some((_, settings)) = common::test_s3() else { return };
    let blobs = accord_blobs::ObjectBlobs::open_with("s3://accord-no-such-bucket", &settings).expect("opens");

    // The test server, one Python process, may take longer than the ping allows while the
    // rest of the suite loads the machine; only its answer is under test, so a ping it left
    // unanswered is asked again, a bounded number of times.
    let mut outcome = accord_blobs::BlobStore::ping(&blobs).await;
    for _ in 0..5 {
        if !matches!(&outcome, Err(accord_blobs::BlobError::Unavailable(reason)) if reason.starts_with("no answer")) {
            break;
        }
        outcome = accord_blobs::BlobStore::ping(&blobs).await;
    }

    assert!(matches!(outcome, Err(accord_blobs::BlobError::Internal(_))), "{outcome:?}");
}
