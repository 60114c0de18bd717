//! What the gateway refuses: oversized or malformed payloads (4002), unknown opcodes (4001),
//! more than 120 client events a minute (4008), and a slow consumer whose outbound queue
//! fills (4000, resumable, without disturbing other sessions).

use accord_client::gateway::{GatewayClient, Received};
use accord_testkit::TestServer;
use serde_json::json;

use super::{GUILD_MESSAGES, MESSAGE_CONTENT, MESSAGES, WAIT, session};

#[tokio::test]
async fn a_payload_over_4096_bytes_closes_with_4002() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let padding = "x".repeat(4100);

    let mut fresh = server.connect().await;
    fresh.send(1, json!({ "padding": padding })).await.unwrap();
    assert_eq!(fresh.closed(WAIT).await.unwrap(), Some(4002), "before identify");

    let (mut gw, _) = session(&server, &alice, MESSAGES).await;
    gw.send(3, json!({ "status": "online", "activities": [{ "name": padding, "type": 0 }] })).await.unwrap();
    assert_eq!(gw.closed(WAIT).await.unwrap(), Some(4002), "after identify");
}

#[tokio::test]
async fn a_payload_of_exactly_4096_bytes_is_accepted() {
    let server = TestServer::spawn().await;
    let mut gw = server.connect().await;
    let envelope = json!({ "op": 1, "d": null, "pad": "" }).to_string();
    let text = json!({ "op": 1, "d": null, "pad": "x".repeat(4096 - envelope.len()) }).to_string();
    assert_eq!(text.len(), 4096);

    gw.send_text(text).await.unwrap();

    assert_eq!(gw.next_payload(WAIT).await.unwrap()["op"], 11);
}

#[tokio::test]
async fn invalid_json_closes_with_4002() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    for text in ["{not json", "[]", r#"{"d":null}"#, ""] {
        let mut gw = server.connect().await;
        gw.send_text(text.to_owned()).await.unwrap();
        assert_eq!(gw.closed(WAIT).await.unwrap(), Some(4002), "{text:?}");
    }
    let (mut gw, _) = session(&server, &alice, MESSAGES).await;
    gw.send_text("{\"op\":1,".to_owned()).await.unwrap();
    assert_eq!(gw.closed(WAIT).await.unwrap(), Some(4002), "after identify");
}

#[tokio::test]
async fn an_unknown_opcode_closes_with_4001() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    for op in [5, 7, 12, 99] {
        let (mut gw, _) = session(&server, &alice, MESSAGES).await;
        gw.send(op, json!({})).await.unwrap();
        assert_eq!(gw.closed(WAIT).await.unwrap(), Some(4001), "op {op}");
    }
}

#[tokio::test]
async fn more_than_120_client_events_a_minute_close_with_4008_but_heartbeats_do_not_count() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let (mut gw, ready) = session(&server, &alice, MESSAGES).await;
    let presence = json!({ "status": "online", "since": null, "activities": [], "afk": false });

    // Identify was the first event; 119 more reach the limit without passing it.
    for _ in 0..119 {
        gw.send(3, presence.clone()).await.unwrap();
    }
    for _ in 0..10 {
        gw.heartbeat().await.unwrap();
        assert_eq!(gw.next_payload(WAIT).await.unwrap()["op"], 11, "heartbeats are not rate limited");
    }
    gw.send(3, presence).await.unwrap();

    assert_eq!(gw.closed(WAIT).await.unwrap(), Some(4008));
    let mut again = server.connect().await;
    again.resume(&alice.token, ready["session_id"].as_str().unwrap(), 1).await.unwrap();
    again.next_dispatch("RESUMED", WAIT).await.expect("a rate-limited session stays resumable");
}

#[tokio::test]
async fn a_slow_consumer_is_closed_with_4000_and_can_resume_while_others_are_unaffected() {
    let server = TestServer::spawn_with(|config| config.gateway.max_queued_frames = 10).await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let (mut fast, _) = session(&server, &bob, MESSAGES).await;
    let mut slow = GatewayClient::connect_slow_reader(&server.gateway_url("")).await.unwrap();
    let ready = slow.identify_ready(&alice.token, GUILD_MESSAGES | MESSAGE_CONTENT).await.unwrap();
    let session_id = ready["session_id"].as_str().unwrap().to_owned();

    // The slow session reads nothing while messages big enough to fill the socket buffers
    // arrive; the fast one reads each as it comes.
    let total = 300;
    for n in 0..total {
        alice.say(&guild.text, &format!("{n:04}{}", "y".repeat(1900))).await;
        let message = fast.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap();
        assert!(message["content"].as_str().unwrap().starts_with(&format!("{n:04}")), "fast reader, message {n}");
    }

    let mut read = Vec::new();
    let code = loop {
        match slow.next(WAIT).await.unwrap() {
            Received::Payload(frame) if frame["t"] == "MESSAGE_CREATE" => read.push(frame["d"]["content"].clone()),
            Received::Payload(_) => {}
            Received::Closed(code) => break code,
        }
    };
    assert_eq!(code, Some(4000), "after reading {} messages", read.len());
    assert!(read.len() < total, "the slow reader was closed before it got everything");
    let mut again = server.connect().await;
    again.resume(&alice.token, &session_id, slow.last_seq.unwrap()).await.unwrap();
    loop {
        let frame = again.next_payload(WAIT).await.unwrap();
        if frame["t"] == "RESUMED" {
            break;
        }
        read.push(frame["d"]["content"].clone());
    }
    again.heartbeat().await.unwrap();
    assert_eq!(again.next_payload(WAIT).await.unwrap()["op"], 11, "a long replay is no slow consumer");
    let expected: Vec<String> = (0..total).map(|n| format!("{n:04}{}", "y".repeat(1900))).collect();
    assert_eq!(read, expected, "every message arrives once, in order, before or after the resume");
    fast.heartbeat().await.unwrap();
    assert_eq!(fast.next_payload(WAIT).await.unwrap()["op"], 11, "the fast session is still open");
}
