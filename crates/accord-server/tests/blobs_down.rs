//! What a server does while its blob storage (S3) is down: it starts, `/ready` stays 200 and
//! reports the blobs unreachable, quickly. And, since the S3 client brings rustls with aws-lc-rs
//! while the NATS client brings ring, that a TLS NATS connection in the same process does not
//! panic once the backends are open (they install a process-wide crypto provider).

use std::time::{Duration, Instant};

use accord_blobs::{ObjectBlobs, S3Settings};
use accord_client::Client;
use accord_server::{Backends, Config, Server};
use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::sync::oneshot;

/// A blob store on a port where nothing listens.
fn dead_s3() -> ObjectBlobs {
    let settings = S3Settings {
        endpoint: Some("http://127.0.0.1:1".into()),
        credentials: Some(("test".into(), "test".into())),
        allow_http: true,
    };
    ObjectBlobs::open_with("s3://accord-test", &settings).expect("opening contacts nothing")
}

fn config(dir: &tempfile::TempDir) -> Config {
    let mut config = Config { data_dir: dir.path().to_path_buf(), ..Config::default() };
    // The SFU's UDP port follows the default listen port otherwise: several servers run at once.
    config.voice.udp = Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
    config
}

#[tokio::test]
async fn with_blob_storage_down_ready_stays_200_and_reports_the_blobs_unreachable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(&dir);
    let mut backends = Backends::open(&config).await.expect("embedded backends");
    backends.blobs = std::sync::Arc::new(dead_s3());
    let server = Server::build_on(&config, backends).await.expect("server builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let (_stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server.serve(listener, async move {
        let _ = stopped.await;
    }));

    let started = Instant::now();
    let ready = Client::new(format!("http://{addr}")).get("/ready").await.expect("ready answers");
    let took = started.elapsed();

    assert_eq!(ready.status, 200, "{}", ready.text);
    assert_eq!(
        ready.body,
        json!({ "status": "ready", "storage": "ok", "bus": "ok", "kv": "ok", "blobs": "unreachable" })
    );
    assert!(took < Duration::from_secs(1), "/ready took {took:?}");
}

#[tokio::test]
async fn embedded_backends_keep_blobs_in_the_data_directory() {
    let dir = tempfile::tempdir().expect("temp dir");

    let backends = Backends::open(&config(&dir)).await.expect("embedded backends");

    backends.blobs.ping().await.expect("the local blob store answers");
    assert!(dir.path().join("blobs").is_dir(), "blobs live in <data_dir>/blobs");
}

#[tokio::test]
async fn a_tls_nats_connection_beside_the_s3_client_does_not_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let _backends = Backends::open(&config(&dir)).await.expect("embedded backends");
    let s3 = dead_s3();
    let _ = accord_blobs::BlobStore::ping(&s3).await;
    // A "NATS server" that demands TLS: the client builds a rustls config to upgrade, which
    // panics when rustls has two providers and no process default.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let info =
                r#"INFO {"server_id":"fake","version":"2.10.0","proto":1,"max_payload":1048576,"tls_required":true}"#;
            let _ = socket.write_all(format!("{info}\r\n").as_bytes()).await;
        }
    });

    let connecting = async_nats::ConnectOptions::new().require_tls(true).connect(format!("nats://{addr}"));
    let outcome = tokio::time::timeout(Duration::from_secs(5), tokio::spawn(connecting)).await;

    match outcome {
        Ok(Ok(connected)) => assert!(connected.is_err(), "the fake server speaks no TLS"),
        Ok(Err(join)) => panic!("connecting panicked: {join}"),
        Err(_) => panic!("connecting took more than 5 s"),
    }
}
