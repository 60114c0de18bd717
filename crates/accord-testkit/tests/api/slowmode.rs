//! Slowmode (`rate_limit_per_user`): members wait between messages, moderators do not, and a
//! retried request with the same enforced nonce still gets its original message.

use accord_testkit::TestServer;
use serde_json::json;

#[tokio::test]
async fn a_member_in_slowmode_waits_while_moderators_and_nonce_retries_pass() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let slow =
        alice.api.patch(&format!("/channels/{}", guild.text), json!({ "rate_limit_per_user": 30 })).await.unwrap();
    assert_eq!(slow.status, 200, "{}", slow.text);
    let path = format!("/channels/{}/messages", guild.text);
    let first = json!({ "content": "one", "nonce": "n-1", "enforce_nonce": true });

    let sent = bob.api.post(&path, first.clone()).await.unwrap();
    let blocked = bob.api.post(&path, json!({ "content": "two" })).await.unwrap();
    let retried = bob.api.post(&path, first).await.unwrap();
    let owner_first = alice.api.post(&path, json!({ "content": "mod one" })).await.unwrap();
    let owner_second = alice.api.post(&path, json!({ "content": "mod two" })).await.unwrap();

    assert_eq!(sent.status, 200, "{}", sent.text);
    assert_eq!(blocked.status, 429, "{}", blocked.text);
    assert_eq!(blocked.body["code"], 20016);
    let retry_after = blocked.body["retry_after"].as_f64().unwrap();
    assert!(retry_after > 25.0 && retry_after <= 30.0, "{retry_after}");
    assert_eq!(blocked.body["global"], false);
    assert!(blocked.header("retry-after").is_some());
    assert_eq!(retried.status, 200, "a nonce retry is not a new message: {}", retried.text);
    assert_eq!(retried.id(), sent.id());
    assert_eq!((owner_first.status, owner_second.status), (200, 200), "the owner is exempt");
    let history = bob.api.get(&path).await.unwrap();
    let contents: Vec<&str> = history.body.as_array().unwrap().iter().map(|m| m["content"].as_str().unwrap()).collect();
    assert_eq!(contents, ["mod two", "mod one", "one"], "the blocked message was not stored");
}
