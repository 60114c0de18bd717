//! Resume (op 6): a session that dropped without a normal close gets back exactly the
//! dispatches it missed, in order, then RESUMED; everything else gets op 9 `d: false` (or
//! 4007 for a sequence number from the future), and the resume counters say which.

use std::time::Duration;

use accord_client::gateway::GatewayClient;
use accord_testkit::{TestServer, TestUser};
use serde_json::Value;

use super::{MESSAGES, WAIT, session, witness};

/// The gateway's `(success, failure)` resume counters.
fn resumes(server: &TestServer) -> (u64, u64) {
    server.gateway.metrics.resumes()
}

/// Opens a connection and resumes `session_id` from `seq` as `user`.
async fn resume(server: &TestServer, user: &TestUser, session_id: &str, seq: u64) -> GatewayClient {
    let mut gw = server.connect().await;
    gw.resume(&user.token, session_id, seq).await.unwrap();
    gw
}

/// Asserts the next frame is op 9 with `d: false`.
async fn assert_invalid_session(gw: &mut GatewayClient) {
    let frame = gw.next_payload(WAIT).await.unwrap();
    assert_eq!((frame["op"].as_u64(), frame["d"].as_bool()), (Some(9), Some(false)), "{frame}");
}

#[tokio::test]
async fn resuming_after_a_dropped_connection_replays_exactly_the_missed_events_in_order() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let (mut gw, ready) = session(&server, &alice, MESSAGES).await;
    let (mut other, _) = session(&server, &alice, MESSAGES).await;
    alice.say(&guild.text, "seen").await;
    gw.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap();
    let seq = gw.last_seq.unwrap();

    gw.drop_connection();
    for n in 0..5 {
        alice.say(&guild.text, &format!("missed {n}")).await;
    }
    witness(&mut other, "missed 4").await;
    let mut again = resume(&server, &alice, ready["session_id"].as_str().unwrap(), seq).await;

    let mut replayed = Vec::new();
    for expected in (seq + 1)..=(seq + 6) {
        let frame = again.next_payload(WAIT).await.unwrap();
        assert_eq!(frame["op"], 0, "{frame}");
        assert_eq!(frame["s"], expected, "sequence numbers continue: {frame}");
        replayed.push((frame["t"].as_str().unwrap().to_owned(), frame["d"]["content"].clone()));
    }
    let expected: Vec<(String, Value)> = (0..5)
        .map(|n| ("MESSAGE_CREATE".to_owned(), Value::from(format!("missed {n}"))))
        .chain([("RESUMED".to_owned(), Value::Null)])
        .collect();
    assert_eq!(replayed, expected);
    alice.say(&guild.text, "live again").await;
    let live = again.next_payload(WAIT).await.unwrap();
    assert_eq!((live["d"]["content"].as_str(), live["s"].as_u64()), (Some("live again"), Some(seq + 7)), "{live}");
    assert_eq!(resumes(&server), (1, 0));
}

#[tokio::test]
async fn resuming_after_a_non_normal_client_close_replays_what_was_missed() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let (gw, ready) = session(&server, &alice, MESSAGES).await;
    let (mut other, _) = session(&server, &alice, MESSAGES).await;
    let seq = gw.last_seq.unwrap();

    gw.close(4000).await.unwrap();
    alice.say(&guild.text, "while away").await;
    witness(&mut other, "while away").await;
    let mut again = resume(&server, &alice, ready["session_id"].as_str().unwrap(), seq).await;

    assert_eq!(again.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap()["content"], "while away");
    again.next_dispatch("RESUMED", WAIT).await.unwrap();
}

#[tokio::test]
async fn a_session_closed_normally_by_the_client_cannot_be_resumed() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    for code in [1000, 1001] {
        let (gw, ready) = session(&server, &alice, MESSAGES).await;
        let seq = gw.last_seq.unwrap();
        gw.close(code).await.unwrap();

        let mut again = resume(&server, &alice, ready["session_id"].as_str().unwrap(), seq).await;

        assert_invalid_session(&mut again).await;
    }
    assert_eq!(resumes(&server), (0, 2));
}

#[tokio::test]
async fn resuming_an_unknown_session_or_another_users_gets_op_9() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let mallory = server.user("mallory").await;
    let (gw, ready) = session(&server, &alice, MESSAGES).await;
    let session_id = ready["session_id"].as_str().unwrap().to_owned();
    let seq = gw.last_seq.unwrap();
    gw.drop_connection();

    assert_invalid_session(&mut resume(&server, &alice, "0123456789abcdef", 1).await).await;
    assert_invalid_session(&mut resume(&server, &mallory, &session_id, seq).await).await;
    let mut rightful = resume(&server, &alice, &session_id, seq).await;
    rightful.next_dispatch("RESUMED", WAIT).await.unwrap();
    assert_eq!(resumes(&server), (1, 2));
}

#[tokio::test]
async fn resuming_with_a_bad_token_closes_with_4004() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let (gw, ready) = session(&server, &alice, MESSAGES).await;
    gw.drop_connection();

    let mut again = server.connect().await;
    again.resume("not-a-token", ready["session_id"].as_str().unwrap(), 1).await.unwrap();

    assert_eq!(again.closed(WAIT).await.unwrap(), Some(4004));
}

#[tokio::test]
async fn a_sequence_number_ahead_of_the_server_closes_with_4007() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let (gw, ready) = session(&server, &alice, MESSAGES).await;
    let seq = gw.last_seq.unwrap();
    gw.drop_connection();

    let mut again = resume(&server, &alice, ready["session_id"].as_str().unwrap(), seq + 5).await;

    assert_eq!(again.closed(WAIT).await.unwrap(), Some(4007));
    assert_eq!(resumes(&server), (0, 1));
}

#[tokio::test]
async fn frames_acknowledged_by_a_heartbeat_are_not_replayed_so_resuming_from_before_them_gets_op_9() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let (mut gw, ready) = session(&server, &alice, MESSAGES).await;
    let session_id = ready["session_id"].as_str().unwrap().to_owned();
    alice.say(&guild.text, "acknowledged").await;
    gw.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap();
    let acknowledged = gw.last_seq.unwrap();
    gw.heartbeat().await.unwrap();
    assert_eq!(gw.next_payload(WAIT).await.unwrap()["op"], 11);
    gw.drop_connection();

    let mut stale = resume(&server, &alice, &session_id, acknowledged - 1).await;

    assert_invalid_session(&mut stale).await;
}

#[tokio::test]
async fn resuming_from_the_acknowledged_sequence_number_works() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let (mut gw, ready) = session(&server, &alice, MESSAGES).await;
    let (mut other, _) = session(&server, &alice, MESSAGES).await;
    gw.heartbeat().await.unwrap();
    assert_eq!(gw.next_payload(WAIT).await.unwrap()["op"], 11);
    let acknowledged = gw.last_seq.unwrap();
    gw.drop_connection();
    alice.say(&guild.text, "after the ack").await;
    witness(&mut other, "after the ack").await;

    let mut again = resume(&server, &alice, ready["session_id"].as_str().unwrap(), acknowledged).await;

    let replayed = again.next_payload(WAIT).await.unwrap();
    assert_eq!(
        (replayed["d"]["content"].as_str(), replayed["s"].as_u64()),
        (Some("after the ack"), Some(acknowledged + 1))
    );
}

#[tokio::test]
async fn a_detached_session_that_missed_more_than_the_retained_frames_gets_op_9() {
    let server = TestServer::spawn_with(|config| {
        config.gateway.max_queued_frames = 2;
        config.gateway.max_retained_frames = 3;
    })
    .await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let (gw, ready) = session(&server, &alice, MESSAGES).await;
    let (mut other, _) = session(&server, &alice, MESSAGES).await;
    let seq = gw.last_seq.unwrap();
    gw.drop_connection();

    for n in 0..5 {
        alice.say(&guild.text, &format!("overflow {n}")).await;
    }
    witness(&mut other, "overflow 4").await;
    let mut again = resume(&server, &alice, ready["session_id"].as_str().unwrap(), seq).await;

    assert_invalid_session(&mut again).await;
}

#[tokio::test]
async fn a_session_past_its_resume_window_gets_op_9() {
    let server = TestServer::spawn_with(|config| config.gateway.resume_window_secs = 1).await;
    let alice = server.user("alice").await;
    let (gw, ready) = session(&server, &alice, MESSAGES).await;
    let seq = gw.last_seq.unwrap();
    gw.drop_connection();

    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut again = resume(&server, &alice, ready["session_id"].as_str().unwrap(), seq).await;

    assert_invalid_session(&mut again).await;
}

#[tokio::test]
async fn resuming_on_a_restarted_server_works_only_where_sessions_are_shared() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    server.guild(&alice).await;
    let (mut gw, ready) = session(&server, &alice, MESSAGES).await;
    let seq = gw.last_seq.unwrap();

    let data = server.stop_keeping_data().await;
    assert_eq!(gw.closed(WAIT).await.unwrap(), Some(4000), "shutdown closes resumably");
    let restarted = TestServer::spawn_in(data, |_| {}).await;
    let mut again = resume(&restarted, &alice, ready["session_id"].as_str().unwrap(), seq).await;

    if restarted.is_cluster() {
        // Session state lives in NATS: the new process takes the session over.
        again.next_dispatch("RESUMED", WAIT).await.expect("RESUMED");
        assert_eq!(resumes(&restarted), (1, 0));
    } else {
        // Embedded, sessions lived in the old process's memory.
        assert_invalid_session(&mut again).await;
        assert_eq!(resumes(&restarted), (0, 1));
        let (_, fresh) = session(&restarted, &alice, MESSAGES).await;
        assert_ne!(fresh["session_id"], ready["session_id"]);
    }
}
