//! A Redis that comes back (restarted, or the network healed) is used again without
//! restarting Accord: the connection manager reconnects once the breaker lets a call through.

mod common;

use std::time::{Duration, Instant};

use accord_kv::{Kv, KvError};
use accord_kv_redis::RedisKv;
use tokio::net::{TcpListener, TcpStream};

/// `host:port` of a `redis://[user:password@]host:port/db` URL.
fn address_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, rest)| rest);
    rest.split('/').next().unwrap_or(rest)
}

/// Forwards every connection on `listener` to `target`, as long as the test runs.
async fn forward(listener: TcpListener, target: String) {
    while let Ok((mut client, _)) = listener.accept().await {
        let target = target.clone();
        tokio::spawn(async move {
            if let Ok(mut redis) = TcpStream::connect(&target).await {
                let _ = tokio::io::copy_bidirectional(&mut client, &mut redis).await;
            }
        });
    }
}

#[tokio::test]
async fn a_redis_that_comes_back_is_used_again() {
    let Some(url) = common::test_url() else { return };
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (_, path) = url.split_once(address_of(&url)).unwrap_or(("", "/"));
    let kv = RedisKv::lazy(&format!("redis://127.0.0.1:{port}{path}"), &common::fresh_prefix()).unwrap();
    let kv: &dyn Kv = &kv;
    assert!(matches!(kv.ping().await, Err(KvError::Unavailable(_))), "nothing listens yet");

    let listener = TcpListener::bind(("127.0.0.1", port)).await.expect("the port is still free");
    tokio::spawn(forward(listener, address_of(&url).to_owned()));
    let started = Instant::now();
    while kv.ping().await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(10), "Redis was not used again");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    assert!(kv.hit("back", 1, Duration::from_secs(60)).await.expect("a hit").allowed);
    assert!(started.elapsed() < Duration::from_secs(5), "back after {:?}", started.elapsed());
}
