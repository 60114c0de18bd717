//! People: DMs and group DMs, relationships (friends, requests, blocks).

mod authorization;
mod dms;
mod group_dms;
mod profiles;
mod read_receipts;
mod relationships;
mod search;
mod settings;

use accord_testkit::{TestServer, TestUser};
use serde_json::{Value, json};

/// Opens (or reopens) `from`'s DM with `to`; panics unless it answers 200.
pub async fn open_dm(from: &TestUser, to: &TestUser) -> Value {
    let answer = from.api.post("/users/@me/channels", json!({ "recipient_id": to.id })).await.unwrap();
    assert_eq!(answer.status, 200, "open DM: {}", answer.text);
    answer.body
}

/// Two users who share a guild, so each may DM the other.
pub async fn neighbours(server: &TestServer) -> (TestUser, TestUser) {
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    (alice, bob)
}

/// `from` sends `to` a friend request and `to` accepts it.
pub async fn befriend(from: &TestUser, to: &TestUser) {
    let sent = from.api.put(&format!("/users/@me/relationships/{}", to.id), json!({})).await.unwrap();
    assert_eq!(sent.status, 204, "friend request: {}", sent.text);
    let accepted = to.api.put(&format!("/users/@me/relationships/{}", from.id), json!({})).await.unwrap();
    assert_eq!(accepted.status, 204, "accept: {}", accepted.text);
}

/// The ids in a JSON array of objects.
pub fn ids(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap().to_owned()).collect()
}
