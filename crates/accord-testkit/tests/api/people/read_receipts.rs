//! Read receipts in DMs and group DMs: how far each person has read, as a list and as
//! CHANNEL_READ_RECEIPT events, for those who share them.

use accord_testkit::{TestServer, assert_error};
use serde_json::{Value, json};

use super::{neighbours, open_dm};

fn mark_of<'a>(receipts: &'a Value, user: &str) -> Option<&'a Value> {
    receipts.as_array().unwrap().iter().find(|r| r["user_id"] == user).map(|r| &r["last_message_id"])
}

#[tokio::test]
async fn each_person_sees_how_far_the_others_have_read() {
    let server = TestServer::spawn().await;
    let (alice, bob) = neighbours(&server).await;
    let dm = open_dm(&alice, &bob).await["id"].as_str().unwrap().to_owned();
    let first = alice.say(&dm, "one").await;
    alice.say(&dm, "two").await;
    let mut events = server.events().await;

    let ack = bob.api.post(&format!("/channels/{dm}/messages/{first}/ack"), json!({})).await.unwrap();
    assert_eq!(ack.status, 200, "{}", ack.text);

    let receipt = events.expect("CHANNEL_READ_RECEIPT").await;
    assert_eq!(receipt.user_ids, [alice.id.as_str()], "to the others only");
    assert_eq!(receipt.data["user_id"], bob.id.as_str());
    assert_eq!(receipt.data["message_id"], first.as_str());
    let receipts = alice.api.get(&format!("/channels/{dm}/read-receipts")).await.unwrap();
    assert_eq!(receipts.status, 200, "{}", receipts.text);
    assert_eq!(mark_of(&receipts.body, &bob.id), Some(&json!(first)));
    assert_eq!(mark_of(&receipts.body, &alice.id), Some(&Value::Null), "alice has read nothing");
}

#[tokio::test]
async fn turning_read_receipts_off_hides_them() {
    let server = TestServer::spawn().await;
    let (alice, bob) = neighbours(&server).await;
    let dm = open_dm(&alice, &bob).await["id"].as_str().unwrap().to_owned();
    let message = alice.say(&dm, "one").await;
    let off = bob.api.patch("/users/@me/settings", json!({ "read_receipts": false })).await.unwrap();
    assert_eq!(off.status, 200);
    let mut events = server.events().await;

    bob.api.post(&format!("/channels/{dm}/messages/{message}/ack"), json!({})).await.unwrap();
    alice.api.post(&format!("/channels/{dm}/messages/{message}/ack"), json!({})).await.unwrap();

    let receipt = events.expect("CHANNEL_READ_RECEIPT").await;
    assert_eq!(receipt.data["user_id"], alice.id.as_str(), "only alice's receipt goes out");
    let receipts = alice.api.get(&format!("/channels/{dm}/read-receipts")).await.unwrap();
    assert_eq!(mark_of(&receipts.body, &bob.id), None);
    assert_eq!(mark_of(&receipts.body, &alice.id), Some(&json!(message)));
}

#[tokio::test]
async fn guild_channels_and_outsiders_have_no_read_receipts() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.member(&guild, "carol").await;
    let dm = open_dm(&alice, &bob).await["id"].as_str().unwrap().to_owned();

    assert_error(&alice.api.get(&format!("/channels/{}/read-receipts", guild.text)).await.unwrap(), 400, 50024);
    assert_error(&carol.api.get(&format!("/channels/{dm}/read-receipts")).await.unwrap(), 404, 10003);
}
