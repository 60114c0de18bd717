//! A gateway node killed with `kill -9`: its sessions resume on another node.

use std::time::Duration;

use serde_json::Value;

use crate::flows::{WAIT, guild_with, next_message, register, say, session};
use crate::harness::Cluster;

#[tokio::test]
async fn a_session_whose_gateway_node_is_killed_resumes_on_another_with_exactly_what_it_missed() {
    let Some(cluster) = Cluster::new().await else { return };
    // Arrange: the writing services in one process, two gateway nodes, the edge.
    let core = cluster.start("core", "auth,users,guilds,chat,media").await;
    let mut node_a = cluster.start("gateway-a", "gateway").await;
    let _node_b = cluster.start("gateway-b", "gateway").await;
    let edge = cluster.start("edge", "edge").await;
    let alice = register(&edge, "alice").await;
    let bob = register(&edge, "bob").await;
    let channel = guild_with(&alice, &[&bob]).await;
    // Clients are told to connect through the edge, which proxies to a gateway node.
    let gateway = bob.api.get("/gateway").await.unwrap();
    assert_eq!(gateway.body["url"], format!("ws://127.0.0.1:{}/gateway", edge.port), "{}", gateway.text);

    // Bob, on node A, gets a message posted through the edge (to the core process), and
    // acknowledges it; then reads one more without acknowledging.
    let (mut gw, ready) = session(&node_a, &bob).await;
    say(&alice, &channel, "before 1").await;
    assert_eq!(next_message(&mut gw).await, "before 1");
    gw.heartbeat().await.unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    say(&alice, &channel, "before 2").await;
    assert_eq!(next_message(&mut gw).await, "before 2");
    let seq = gw.last_seq.unwrap();

    // Act: node A dies; messages go on being posted; bob reconnects through the edge, which
    // sends him to a live gateway node, and resumes.
    node_a.kill_9();
    for n in 1..=3 {
        say(&alice, &channel, &format!("missed {n}")).await;
    }
    let mut again = edge.connect().await;
    again.resume(&bob.token, ready["session_id"].as_str().unwrap(), seq).await.unwrap();

    // Assert: exactly the missed messages, in order, numbered on from his seq, then RESUMED.
    let mut got: Vec<(u64, String)> = Vec::new();
    for _ in 0..4 {
        let frame: Value = again.next_payload(WAIT).await.expect("a frame");
        let label = frame["d"]["content"].as_str().or(frame["t"].as_str()).unwrap_or_default().to_owned();
        got.push((frame["s"].as_u64().unwrap_or(0), label));
    }
    let expected: Vec<(u64, String)> = vec![
        (seq + 1, "missed 1".into()),
        (seq + 2, "missed 2".into()),
        (seq + 3, "missed 3".into()),
        (seq + 4, "RESUMED".into()),
    ];
    assert_eq!(got, expected);
    say(&alice, &channel, "after").await;
    assert_eq!(next_message(&mut again).await, "after");
    drop(core);
}
