//! Relationships: friend requests (by id and by username), accepting, removing, blocking and
//! unblocking, with RELATIONSHIP_ADD/REMOVE to each side; blocks stop requests; bots have none.

use accord_testkit::{TestServer, assert_error};
use serde_json::{Value, json};

use super::befriend;

/// `(id, type)` of each of the user's relationships.
async fn relationships(user: &accord_testkit::TestUser) -> Vec<(String, u64)> {
    let answer = user.api.get("/users/@me/relationships").await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.text);
    let list = answer.body.as_array().unwrap();
    list.iter().map(|r: &Value| (r["id"].as_str().unwrap().to_owned(), r["type"].as_u64().unwrap())).collect()
}

#[tokio::test]
async fn a_friend_request_is_outgoing_and_incoming_until_accepted() {
    let server = TestServer::spawn().await;
    let (alice, bob) = (server.user("alice").await, server.user("bob").await);
    let mut events = server.events().await;

    let sent = alice.api.post("/users/@me/relationships", json!({ "username": "BOB" })).await.unwrap();
    assert_eq!(sent.status, 204, "{}", sent.text);
    assert_eq!(relationships(&alice).await, [(bob.id.clone(), 4)]);
    assert_eq!(relationships(&bob).await, [(alice.id.clone(), 3)]);
    let added = events.expect("RELATIONSHIP_ADD").await;
    assert_eq!(added.user_ids, [alice.id.as_str()]);
    assert_eq!(added.data["type"], 4);
    assert_eq!(added.data["user"]["username"], "bob");
    let incoming = events.expect("RELATIONSHIP_ADD").await;
    assert_eq!((incoming.user_ids[0].as_str(), incoming.data["type"].as_u64()), (bob.id.as_str(), Some(3)));

    let accepted = bob.api.put(&format!("/users/@me/relationships/{}", alice.id), json!({})).await.unwrap();
    assert_eq!(accepted.status, 204);
    assert_eq!(relationships(&alice).await, [(bob.id.clone(), 1)]);
    assert_eq!(relationships(&bob).await, [(alice.id.clone(), 1)]);
    let again = alice.api.put(&format!("/users/@me/relationships/{}", bob.id), json!({})).await.unwrap();
    assert_error(&again, 400, 80007);

    let removed = bob.api.delete(&format!("/users/@me/relationships/{}", alice.id)).await.unwrap();
    assert_eq!(removed.status, 204);
    assert!(relationships(&alice).await.is_empty());
    assert!(relationships(&bob).await.is_empty());
}

#[tokio::test]
async fn a_declined_or_cancelled_request_is_gone_on_both_sides() {
    let server = TestServer::spawn().await;
    let (alice, bob) = (server.user("alice").await, server.user("bob").await);
    for decider in [&bob, &alice] {
        let other = if std::ptr::eq(decider, &bob) { &alice } else { &bob };
        let sent = alice.api.put(&format!("/users/@me/relationships/{}", bob.id), json!({})).await.unwrap();
        assert_eq!(sent.status, 204);
        let ended = decider.api.delete(&format!("/users/@me/relationships/{}", other.id)).await.unwrap();
        assert_eq!(ended.status, 204);
        assert!(relationships(&alice).await.is_empty());
        assert!(relationships(&bob).await.is_empty());
    }
}

#[tokio::test]
async fn blocking_ends_a_friendship_and_stops_requests_until_unblocked() {
    let server = TestServer::spawn().await;
    let (alice, bob) = (server.user("alice").await, server.user("bob").await);
    befriend(&alice, &bob).await;
    let mut events = server.events().await;

    let block = bob.api.put(&format!("/users/@me/relationships/{}", alice.id), json!({ "type": 2 })).await.unwrap();
    assert_eq!(block.status, 204, "{}", block.text);
    assert_eq!(relationships(&bob).await, [(alice.id.clone(), 2)]);
    assert!(relationships(&alice).await.is_empty(), "the blocked side just loses the friend");
    let removed = events.expect("RELATIONSHIP_REMOVE").await;
    assert_eq!(removed.user_ids, [alice.id.as_str()]);
    let request = alice.api.put(&format!("/users/@me/relationships/{}", bob.id), json!({})).await.unwrap();
    assert_error(&request, 403, 80001);
    let by_name = alice.api.post("/users/@me/relationships", json!({ "username": "bob" })).await.unwrap();
    assert_error(&by_name, 403, 80001);
    assert_eq!(relationships(&bob).await, [(alice.id.clone(), 2)], "refusals change nothing");

    let unblock = bob.api.delete(&format!("/users/@me/relationships/{}", alice.id)).await.unwrap();
    assert_eq!(unblock.status, 204);
    let request = alice.api.put(&format!("/users/@me/relationships/{}", bob.id), json!({})).await.unwrap();
    assert_eq!(request.status, 204);
}

#[tokio::test]
async fn bad_requests_are_refused_and_change_nothing() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bot = server.bot(&alice, "helper").await;

    let to_self = alice.api.put(&format!("/users/@me/relationships/{}", alice.id), json!({})).await.unwrap();
    assert_error(&to_self, 400, 80003);
    let unknown_name = alice.api.post("/users/@me/relationships", json!({ "username": "nobody" })).await.unwrap();
    assert_error(&unknown_name, 400, 80004);
    let unknown_id = alice.api.put("/users/@me/relationships/1", json!({})).await.unwrap();
    assert_error(&unknown_id, 404, 10013);
    let to_bot = alice.api.put(&format!("/users/@me/relationships/{}", bot.id), json!({})).await.unwrap();
    assert_error(&to_bot, 400, 80002);
    let bad_type = alice.api.put(&format!("/users/@me/relationships/{}", bot.id), json!({ "type": 3 })).await.unwrap();
    assert_error(&bad_type, 400, 50035);
    let as_bot = bot.api.get("/users/@me/relationships").await.unwrap();
    assert_error(&as_bot, 403, 20001);
    assert!(relationships(&alice).await.is_empty());
}
