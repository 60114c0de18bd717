//! Heartbeats (op 1 -> op 11), the server asking for one when a client goes quiet, and the
//! resumable 4009 close of a session whose client stopped heartbeating.

use std::time::{Duration, Instant};

use accord_client::gateway::{GatewayError, Received};
use serde_json::Value;

use super::{MESSAGES, WAIT, fast_server, session};

#[tokio::test]
async fn a_heartbeat_is_acknowledged_with_op_11_before_and_after_identify() {
    let server = fast_server().await;
    let alice = server.user("alice").await;

    let mut fresh = server.connect().await;
    fresh.send(1, Value::Null).await.unwrap();
    assert_eq!(fresh.next_payload(WAIT).await.unwrap()["op"], 11);

    let (mut gw, _) = session(&server, &alice, MESSAGES).await;
    gw.heartbeat().await.unwrap();
    let ack = gw.next_payload(WAIT).await.unwrap();
    assert_eq!(ack["op"], 11, "{ack}");
    assert!(ack["s"].is_null() && ack["t"].is_null(), "{ack}");
}

#[tokio::test]
async fn a_client_that_heartbeats_on_time_stays_connected() {
    let server = fast_server().await;
    let alice = server.user("alice").await;
    let (mut gw, _) = session(&server, &alice, MESSAGES).await;

    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(1500) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        gw.heartbeat().await.unwrap();
        let frame = gw.next_payload(WAIT).await.expect("still open");
        assert_eq!(frame["op"], 11, "{frame}");
    }
}

#[tokio::test]
async fn a_quiet_client_is_asked_to_heartbeat_then_closed_with_4009() {
    let server = fast_server().await;
    let alice = server.user("alice").await;
    // The server times silence from the connection's start, so a slow identify must not
    // shorten the measured waits: they are timed from before connecting.
    let connecting = Instant::now();
    let (mut gw, _) = session(&server, &alice, MESSAGES).await;

    let request = gw.next_payload(WAIT).await.unwrap();
    let asked_after = connecting.elapsed();
    let code = gw.closed(WAIT).await.unwrap();
    let closed_after = connecting.elapsed();

    assert_eq!(request["op"], 1, "the server asks for a heartbeat: {request}");
    assert!(asked_after >= Duration::from_millis(300), "asked after {asked_after:?}, interval 300 ms");
    assert_eq!(code, Some(4009));
    assert!(closed_after >= Duration::from_millis(550), "closed after {closed_after:?}");
    assert!(closed_after < Duration::from_secs(3), "closed after {closed_after:?}");
}

#[tokio::test]
async fn answering_the_servers_heartbeat_request_keeps_the_connection() {
    let server = fast_server().await;
    let alice = server.user("alice").await;
    let (mut gw, _) = session(&server, &alice, MESSAGES).await;

    for _ in 0..3 {
        let request = gw.next_payload(WAIT).await.unwrap();
        assert_eq!(request["op"], 1, "{request}");
        gw.heartbeat().await.unwrap();
        assert_eq!(gw.next_payload(WAIT).await.unwrap()["op"], 11);
    }
}

#[tokio::test]
async fn a_session_closed_for_missed_heartbeats_can_be_resumed() {
    let server = fast_server().await;
    let alice = server.user("alice").await;
    let (mut gw, ready) = session(&server, &alice, MESSAGES).await;
    let seq = gw.last_seq.unwrap();
    assert_eq!(gw.closed(WAIT).await.unwrap(), Some(4009));

    let mut again = server.connect().await;
    again.resume(&alice.token, ready["session_id"].as_str().unwrap(), seq).await.unwrap();

    let resumed = again.next_payload(WAIT).await.unwrap();
    assert_eq!(resumed["t"], "RESUMED", "{resumed}");
    assert_eq!(resumed["s"], seq + 1);
}

#[tokio::test]
async fn a_connection_that_never_identifies_is_closed_with_4009_after_the_identify_timeout() {
    let server = fast_server().await;
    let mut gw = server.connect().await;
    let opened = Instant::now();

    let code = gw.closed(WAIT).await.unwrap();

    assert_eq!(code, Some(4009));
    let after = opened.elapsed();
    assert!(after >= Duration::from_millis(900) && after < Duration::from_secs(3), "closed after {after:?}");
}

#[tokio::test]
async fn heartbeats_alone_do_not_hold_off_the_identify_timeout() {
    let server = fast_server().await;
    let mut gw = server.connect().await;
    let opened = Instant::now();

    let code = loop {
        // Heartbeat whenever 100 ms pass quietly, until the server closes.
        match gw.next(Duration::from_millis(100)).await {
            Ok(Received::Payload(p)) => assert_eq!(p["op"], 11, "{p}"),
            Ok(Received::Closed(code)) => break code,
            Err(GatewayError::Timeout(_)) => gw.send(1, Value::Null).await.unwrap(),
            Err(e) => panic!("{e}"),
        }
        assert!(opened.elapsed() < WAIT, "still open after {:?}", opened.elapsed());
    };

    assert_eq!(code, Some(4009));
    assert!(opened.elapsed() < Duration::from_secs(3), "closed after {:?}", opened.elapsed());
}
