//! Read marks: acks, MESSAGE_ACK to the user's sessions, and READY's `read_state` with
//! mention counts that follow the mark.

use std::time::Duration;

use accord_testkit::{TestServer, assert_error};
use serde_json::json;

use super::guild_with_bob;

const GUILDS_AND_MESSAGES: u64 = 1 | (1 << 9);

#[tokio::test]
async fn ready_carries_read_states_whose_mention_counts_follow_the_mark() {
    let server = TestServer::spawn().await;
    let (guild, bob) = guild_with_bob(&server).await;
    let alice = &guild.owner;
    let first = alice.say(&guild.text, &format!("hi <@{}>", bob.id)).await;
    alice.say(&guild.text, "@everyone but without the permission... as owner it counts").await;
    alice.say(&guild.text, "no ping").await;

    let mut gateway = server.connect().await;
    let ready = gateway.identify_ready(&bob.token, GUILDS_AND_MESSAGES).await.unwrap();
    let entries = ready["read_state"]["entries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 1, "{}", ready["read_state"]);
    assert_eq!(entries[0]["id"], guild.text.as_str());
    assert_eq!(entries[0]["mention_count"], 2);

    let ack = bob.api.post(&format!("/channels/{}/messages/{first}/ack", guild.text), json!({})).await.unwrap();
    assert_eq!(ack.status, 200, "{}", ack.text);
    let acked = gateway.next_dispatch("MESSAGE_ACK", Duration::from_secs(5)).await.unwrap();
    assert_eq!(acked["message_id"], first.as_str());

    let mut again = server.connect().await;
    let ready = again.identify_ready(&bob.token, GUILDS_AND_MESSAGES).await.unwrap();
    let entry = &ready["read_state"]["entries"][0];
    assert_eq!(entry["last_message_id"], first.as_str());
    assert_eq!(entry["mention_count"], 1, "only @everyone after the mark");
}

#[tokio::test]
async fn bots_and_outsiders_cannot_ack() {
    let server = TestServer::spawn().await;
    let (guild, _bob) = guild_with_bob(&server).await;
    let message = guild.owner.say(&guild.text, "hi").await;
    let bot = server.bot(&guild.owner, "helper").await;
    guild.add_bot(&bot).await;
    let outsider = server.user("outsider").await;
    let path = format!("/channels/{}/messages/{message}/ack", guild.text);

    assert_error(&bot.api.post(&path, json!({})).await.unwrap(), 403, 20001);
    assert_error(&outsider.api.post(&path, json!({})).await.unwrap(), 404, 10003);
}

#[tokio::test]
async fn pings_in_threads_count_in_their_own_read_state() {
    let server = TestServer::spawn().await;
    let (guild, bob) = guild_with_bob(&server).await;
    let alice = &guild.owner;
    let thread = alice.api.post(&format!("/channels/{}/threads", guild.text), json!({ "name": "t", "type": 11 })).await;
    let thread = thread.unwrap().id();
    alice.say(&thread, &format!("<@{}> over here", bob.id)).await;

    let mut gateway = server.connect().await;
    let ready = gateway.identify_ready(&bob.token, GUILDS_AND_MESSAGES).await.unwrap();

    let entries = ready["read_state"]["entries"].as_array().unwrap();
    let in_thread = entries.iter().find(|e| e["id"] == thread.as_str()).unwrap_or_else(|| panic!("{entries:?}"));
    assert_eq!(in_thread["mention_count"], 1);
}
