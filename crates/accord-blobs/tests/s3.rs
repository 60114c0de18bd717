//! The accord-blobs contract suite on the test S3 server (`ACCORD_TEST_S3_URL`), each case
//! under a random key prefix of its own.

mod common;

accord_blobs::contract_tests!(async { common::test_blobs() });

#[tokio::test]
async fn a_bucket_that_does_not_exist_fails_a_ping() {
    let Some((_, settings)) = common::test_s3() else { return };
    let blobs = accord_blobs::ObjectBlobs::open_with("s3://accord-no-such-bucket", &settings).expect("opens");

    let outcome = accord_blobs::BlobStore::ping(&blobs).await;

    assert!(matches!(outcome, Err(accord_blobs::BlobError::Internal(_))), "{outcome:?}");
}
