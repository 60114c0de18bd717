//! Taking a session over on another node: a client whose node is gone (or that the load
//! balancer sends elsewhere) resumes on a peer, which rebuilds the session from the
//! checkpoint in the shared session store and the event log, and the client gets exactly
//! what it missed, in order, then RESUMED, with its sequence numbers continuing.

use std::time::Duration;

use accord_testkit::TestServer;

use super::{MESSAGES, WAIT, session, witness};

/// Long enough for two hub sweeps: one marks where the session stands, the next saves the
/// mark once the client acknowledged it.
const CHECKPOINTED: Duration = Duration::from_millis(2500);

#[tokio::test]
async fn a_session_resumed_on_another_node_gets_exactly_what_it_missed_then_resumed() {
    // Arrange: bob on node A acknowledges two messages, then reads a third without
    // acknowledging it; his connection drops and two more are posted, one through each node.
    let a = TestServer::spawn().await;
    let b = a.spawn_peer(|_| {}).await;
    let alice = a.user("alice").await;
    let guild = a.guild(&alice).await;
    let bob = a.member(&guild, "bob").await;
    let (mut gw, ready) = session(&a, &bob, MESSAGES).await;
    let (mut witness_gw, _) = session(&b, &alice, MESSAGES).await;
    for n in 1..=2 {
        alice.say(&guild.text, &format!("acked {n}")).await;
        gw.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap();
    }
    gw.heartbeat().await.unwrap();
    tokio::time::sleep(CHECKPOINTED).await;
    alice.say(&guild.text, "read").await;
    gw.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap();
    let seq = gw.last_seq.unwrap();
    gw.drop_connection();
    alice.say(&guild.text, "missed 1").await;
    let on_b = b.client().authorized(format!("Bearer {}", alice.token));
    let path = format!("/channels/{}/messages", guild.text);
    let answer = on_b.post(&path, serde_json::json!({ "content": "missed 2" })).await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.text);
    witness(&mut witness_gw, "missed 2").await;

    // Act: bob resumes on node B.
    let mut again = b.connect().await;
    again.resume(&bob.token, ready["session_id"].as_str().unwrap(), seq).await.unwrap();

    // Assert: the two missed messages with the next sequence numbers, RESUMED, then live.
    let mut got = Vec::new();
    for expected in (seq + 1)..=(seq + 3) {
        let frame = again.next_payload(WAIT).await.unwrap();
        assert_eq!(frame["s"], expected, "sequence numbers continue: {frame}");
        got.push(frame["d"]["content"].as_str().unwrap_or(frame["t"].as_str().unwrap()).to_owned());
    }
    assert_eq!(got, ["missed 1", "missed 2", "RESUMED"]);
    alice.say(&guild.text, "live").await;
    let live = again.next_payload(WAIT).await.unwrap();
    assert_eq!((live["d"]["content"].as_str(), live["s"].as_u64()), (Some("live"), Some(seq + 4)));
    assert_eq!(b.gateway.metrics.resumes(), (1, 0));
}

#[tokio::test]
async fn a_session_another_node_never_saved_gets_op_9_there() {
    let a = TestServer::spawn().await;
    let b = a.spawn_peer(|_| {}).await;
    let alice = a.user("alice").await;
    let (_gw, ready) = session(&a, &alice, MESSAGES).await;

    let mut again = b.connect().await;
    let unknown = format!("{}0", ready["session_id"].as_str().unwrap());
    again.resume(&alice.token, &unknown, 1).await.unwrap();

    let frame = again.next_payload(WAIT).await.unwrap();
    assert_eq!((frame["op"].as_u64(), frame["d"].as_bool()), (Some(9), Some(false)), "{frame}");
}

#[tokio::test]
async fn another_users_session_cannot_be_taken_over() {
    let a = TestServer::spawn().await;
    let b = a.spawn_peer(|_| {}).await;
    let alice = a.user("alice").await;
    let mallory = a.user("mallory").await;
    let (gw, ready) = session(&a, &alice, MESSAGES).await;
    let seq = gw.last_seq.unwrap();
    gw.drop_connection();

    let mut again = b.connect().await;
    again.resume(&mallory.token, ready["session_id"].as_str().unwrap(), seq).await.unwrap();

    let frame = again.next_payload(WAIT).await.unwrap();
    assert_eq!((frame["op"].as_u64(), frame["d"].as_bool()), (Some(9), Some(false)), "{frame}");
}
