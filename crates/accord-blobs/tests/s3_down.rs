//! An S3 store that is down, failing, or silent: every call answers `Unavailable` within a
//! couple of seconds (object_store's default retries would take minutes), and a URL that names
//! no store is an error when opening, not a panic.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use accord_blobs::{BlobError, BlobKey, BlobResult, BlobStore, ObjectBlobs, S3Settings};
use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// "Quickly": a couple of seconds at most.
const QUICKLY: Duration = Duration::from_secs(2);

/// A store on `endpoint` with static credentials (so nothing asks an instance for them).
fn store_at(endpoint: &str) -> ObjectBlobs {
    let settings = S3Settings {
        endpoint: Some(endpoint.to_owned()),
        credentials: Some(("test".into(), "test".into())),
        allow_http: true,
    };
    ObjectBlobs::open_with("s3://accord-test/down", &settings).expect("opening contacts nothing")
}

async fn assert_unavailable<T: std::fmt::Debug>(
    what: &str,
    within: Duration,
    call: impl Future<Output = BlobResult<T>>,
) {
    let started = Instant::now();
    let outcome = call.await;
    let took = started.elapsed();
    eprintln!("{what}: {took:?}");
    assert!(matches!(outcome, Err(BlobError::Unavailable(_))), "{what}: {outcome:?}");
    assert!(took < within, "{what} took {took:?}");
}

async fn assert_every_call_unavailable(blobs: &dyn BlobStore, within: Duration) {
    let key = BlobKey::parse("a/b.png").expect("key");
    assert_unavailable("ping", within, blobs.ping()).await;
    assert_unavailable("put", within, blobs.put(&key, Bytes::from_static(b"x"), "image/png")).await;
    assert_unavailable("get", within, blobs.get(&key)).await;
    assert_unavailable("head", within, blobs.head(&key)).await;
    assert_unavailable("delete", within, blobs.delete(&key)).await;
}

#[tokio::test]
async fn every_call_on_an_unreachable_s3_fails_quickly_as_unavailable() {
    // Nothing listens on port 1, so connections are refused.
    let blobs = store_at("http://127.0.0.1:1");

    assert_every_call_unavailable(&blobs, QUICKLY).await;
}

#[tokio::test]
async fn an_s3_answering_503_is_unavailable_after_a_few_retries() {
    let (endpoint, requests) = fake_server(Some("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n")).await;
    let blobs = store_at(&endpoint);
    let key = BlobKey::parse("a/b.png").expect("key");

    assert_unavailable("get", QUICKLY, blobs.get(&key)).await;
    assert_eq!(requests.load(Ordering::SeqCst), 3, "one request and two retries");
    assert_every_call_unavailable(&blobs, QUICKLY).await;
}

#[tokio::test]
async fn a_silent_s3_fails_a_ping_within_its_timeout() {
    let (endpoint, _requests) = fake_server(None).await;
    let blobs = store_at(&endpoint);

    let within = accord_blobs::object::PING_TIMEOUT + Duration::from_millis(500);
    assert_unavailable("ping", within, blobs.ping()).await;
}

#[test]
fn urls_that_name_no_store_are_errors() {
    for url in ["s3://", "s3:///prefix", "ftp://host/dir", "file://relative/dir"] {
        let outcome = ObjectBlobs::open_with(url, &S3Settings::default());
        assert!(matches!(outcome, Err(BlobError::Internal(_))), "{url}: {outcome:?}");
    }
}

/// An HTTP server on a random port that answers every request with `answer`, or never
/// answers when it is `None`; returns its URL and a count of the requests it read.
async fn fake_server(answer: Option<&'static str>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("address"));
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 64 * 1024];
                let mut seen = Vec::new();
                while let Ok(n @ 1..) = socket.read(&mut buffer).await {
                    seen.extend_from_slice(&buffer[..n]);
                    if !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                        continue;
                    }
                    counter.fetch_add(1, Ordering::SeqCst);
                    seen.clear();
                    match answer {
                        Some(answer) => {
                            let _ = socket.write_all(answer.as_bytes()).await;
                            let _ = socket.shutdown().await;
                            return;
                        }
                        None => std::future::pending::<()>().await,
                    }
                }
            });
        }
    });
    (endpoint, requests)
}
