//! Pins: pin and unpin with MANAGE_MESSAGES, the list newest first, CHANNEL_PINS_UPDATE, and
//! the per-channel limit.

use accord_testkit::{TestServer, assert_error};
use serde_json::json;

use super::guild_with_bob;

#[tokio::test]
async fn pinned_messages_are_listed_newest_pin_first() {
    let server = TestServer::spawn().await;
    let (guild, bob) = guild_with_bob(&server).await;
    let alice = &guild.owner;
    let first = alice.say(&guild.text, "first").await;
    let second = bob.say(&guild.text, "second").await;
    let mut events = server.events().await;

    for message in [&second, &first] {
        let answer = alice.api.put(&format!("/channels/{}/pins/{message}", guild.text), json!({})).await.unwrap();
        assert_eq!(answer.status, 204, "{}", answer.text);
    }

    let update = events.expect("CHANNEL_PINS_UPDATE").await;
    assert_eq!(update.data["channel_id"], guild.text.as_str());
    assert!(update.data["last_pin_timestamp"].as_str().is_some_and(|t| t.ends_with("+00:00")), "{}", update.data);
    let pins = bob.api.get(&format!("/channels/{}/pins", guild.text)).await.unwrap();
    let ids: Vec<_> = pins.body.as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids, [first.clone(), second.clone()]);
    assert_eq!(pins.body[0]["pinned"], true);
    let message = bob.api.get(&format!("/channels/{}/messages/{second}", guild.text)).await.unwrap();
    assert_eq!(message.body["pinned"], true);

    let unpin = alice.api.delete(&format!("/channels/{}/pins/{first}", guild.text)).await.unwrap();
    assert_eq!(unpin.status, 204);
    let pins = bob.api.get(&format!("/channels/{}/pins", guild.text)).await.unwrap();
    assert_eq!(pins.body.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn pinning_needs_manage_messages_and_stops_at_fifty() {
    let server = TestServer::spawn().await;
    let (guild, bob) = guild_with_bob(&server).await;
    let alice = &guild.owner;
    let mine = bob.say(&guild.text, "mine").await;

    assert_error(&bob.api.put(&format!("/channels/{}/pins/{mine}", guild.text), json!({})).await.unwrap(), 403, 50013);
    let missing = alice.api.put(&format!("/channels/{}/pins/1", guild.text), json!({})).await.unwrap();
    assert_error(&missing, 404, 10008);
    for n in 0..50 {
        let message = alice.say(&guild.text, &format!("m{n}")).await;
        let answer = alice.api.put(&format!("/channels/{}/pins/{message}", guild.text), json!({})).await.unwrap();
        assert_eq!(answer.status, 204, "{n}: {}", answer.text);
    }
    let over = alice.api.put(&format!("/channels/{}/pins/{mine}", guild.text), json!({})).await.unwrap();
    assert_error(&over, 400, 30003);
}
