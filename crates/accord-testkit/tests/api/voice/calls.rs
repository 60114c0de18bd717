//! Calls in DMs and group DMs: joining rings the other recipients, ringing can be stopped
//! and restarted, audio flows between the callers, and the call ends with its last one.

use std::time::Duration;

use accord_testkit::{TestServer, TestUser, assert_error};
use serde_json::json;

use super::{audio, connect, join, wait_for_tracks};

const WAIT: Duration = Duration::from_secs(5);

/// `a` and `b` become friends, so they may open DMs and groups together.
async fn befriend(a: &TestUser, b: &TestUser) {
    let asked = a.api.put(&format!("/users/@me/relationships/{}", b.id), json!({})).await.unwrap();
    assert_eq!(asked.status, 204, "{}", asked.text);
    let accepted = b.api.put(&format!("/users/@me/relationships/{}", a.id), json!({})).await.unwrap();
    assert_eq!(accepted.status, 204, "{}", accepted.text);
}

#[tokio::test]
async fn a_dm_call_rings_connects_and_ends() {
    let server = TestServer::spawn().await;
    let a = server.user("caller").await;
    let b = server.user("callee").await;
    let stranger = server.user("stranger").await;
    befriend(&a, &b).await;
    let dm = a.api.post("/users/@me/channels", json!({ "recipient_id": b.id })).await.unwrap().id();
    let mut phone = server.connect().await;
    phone.identify_ready(&b.token, 0).await.unwrap();

    let intruder = stranger.api.post("/voice/join", json!({ "channel_id": dm })).await.unwrap();
    assert_error(&intruder, 404, 10003);
    let no_call = b.api.post(&format!("/channels/{dm}/call/ring"), json!({})).await.unwrap();
    assert_error(&no_call, 404, 0);

    let calling = join(&a, &dm).await;
    assert!(calling["voice_state"].get("guild_id").is_none(), "a call's voice state has no guild");
    let created = phone.next_dispatch("CALL_CREATE", WAIT).await.unwrap();
    assert_eq!((created["channel_id"].as_str(), created["ringing"].clone()), (Some(dm.as_str()), json!([b.id])));
    assert_eq!(created["voice_states"][0]["user_id"], a.id.as_str());

    let quiet = b.api.post(&format!("/channels/{dm}/call/stop-ringing"), json!({})).await.unwrap();
    assert_eq!(quiet.status, 204, "{}", quiet.text);
    assert_eq!(phone.next_dispatch("CALL_UPDATE", WAIT).await.unwrap()["ringing"], json!([]));
    let again = a.api.post(&format!("/channels/{dm}/call/ring"), json!({})).await.unwrap();
    assert_eq!(again.status, 204, "{}", again.text);
    assert_eq!(phone.next_dispatch("CALL_UPDATE", WAIT).await.unwrap()["ringing"], json!([b.id]));

    let caller = connect(&calling, audio()).await;
    let answering = join(&b, &dm).await;
    assert_eq!(
        phone.next_dispatch("CALL_UPDATE", WAIT).await.unwrap()["ringing"],
        json!([]),
        "answering stops the ringing"
    );
    let callee = connect(&answering, audio()).await;
    wait_for_tracks(&caller, &[&b.id], 1).await;
    wait_for_tracks(&callee, &[&a.id], 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    for n in 0..10 {
        caller.send_audio(&[1, n, 0xf8], -20);
        callee.send_audio(&[2, n, 0xf8], -20);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(callee.wait_for(WAIT, |o| o.received.len() >= 10).await, "the callee hears the caller");
    assert!(caller.wait_for(WAIT, |o| o.received.len() >= 10).await, "the caller hears the callee");

    for user in [&a, &b] {
        assert_eq!(user.api.post("/voice/leave", json!({})).await.unwrap().status, 204);
    }
    assert_eq!(phone.next_dispatch("CALL_DELETE", WAIT).await.unwrap()["channel_id"], dm.as_str());
}

#[tokio::test]
async fn a_group_call_rings_every_other_recipient() {
    let server = TestServer::spawn().await;
    let a = server.user("host").await;
    let b = server.user("bea").await;
    let c = server.user("cem").await;
    for friend in [&b, &c] {
        befriend(&a, friend).await;
    }
    let group = a.api.post("/users/@me/channels", json!({ "recipients": [b.id, c.id] })).await.unwrap();
    assert_eq!(group.status, 200, "{}", group.text);
    let group = group.id();
    let mut phone = server.connect().await;
    phone.identify_ready(&c.token, 0).await.unwrap();
    join(&a, &group).await;
    let created = phone.next_dispatch("CALL_CREATE", WAIT).await.unwrap();
    let mut ringing: Vec<String> =
        created["ringing"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    ringing.sort();
    let mut expected = vec![b.id.clone(), c.id.clone()];
    expected.sort();
    assert_eq!(ringing, expected);
    join(&b, &group).await;
    assert_eq!(phone.next_dispatch("CALL_UPDATE", WAIT).await.unwrap()["ringing"], json!([c.id]));
}

#[tokio::test]
async fn a_block_stops_calls_in_a_dm() {
    let server = TestServer::spawn().await;
    let a = server.user("caller").await;
    let b = server.user("blocker").await;
    befriend(&a, &b).await;
    let dm = a.api.post("/users/@me/channels", json!({ "recipient_id": b.id })).await.unwrap().id();
    let blocked = b.api.put(&format!("/users/@me/relationships/{}", a.id), json!({ "type": 2 })).await.unwrap();
    assert_eq!(blocked.status, 204, "{}", blocked.text);
    let call = a.api.post("/voice/join", json!({ "channel_id": dm })).await.unwrap();
    assert_error(&call, 403, 50007);
}
