//! Sending messages: the message object, content rules, nonces (also under concurrent
//! repeats), replies, mentions, non-text channels, and typing.

use accord_testkit::permissions::MENTION_EVERYONE;
use accord_testkit::{TestGuild, TestServer, assert_error};
use futures::future::join_all;
use serde_json::{Value, json};

/// Keys every message object carries (discord-compat.md section 3).
const REQUIRED_KEYS: [&str; 14] = [
    "id",
    "channel_id",
    "author",
    "content",
    "timestamp",
    "edited_timestamp",
    "tts",
    "mention_everyone",
    "mentions",
    "mention_roles",
    "attachments",
    "embeds",
    "pinned",
    "type",
];

/// `YYYY-MM-DDTHH:MM:SS.ffffff+00:00`, exactly.
fn is_discord_timestamp(value: &str) -> bool {
    let shape = "dddd-dd-ddTdd:dd:dd.dddddd+00:00";
    value.len() == shape.len()
        && value.chars().zip(shape.chars()).all(|(c, s)| if s == 'd' { c.is_ascii_digit() } else { c == s })
}

async fn post(guild: &TestGuild, body: Value) -> accord_client::Answer {
    guild.owner.api.post(&format!("/channels/{}/messages", guild.text), body).await.unwrap()
}

#[tokio::test]
async fn a_sent_message_carries_every_required_field() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;

    let answer = post(&guild, json!({ "content": "hello, world" })).await;

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let message = &answer.body;
    for key in REQUIRED_KEYS {
        assert!(message.get(key).is_some(), "{key} missing from {message}");
    }
    assert_eq!(message["channel_id"], guild.text.as_str());
    assert_eq!(message["content"], "hello, world");
    for key in ["id", "username", "discriminator", "avatar", "public_flags"] {
        assert!(message["author"].get(key).is_some(), "author.{key} missing from {message}");
    }
    assert_eq!(message["author"]["id"], alice.id.as_str());
    assert_eq!(message["author"]["username"], "alice");
    let timestamp = message["timestamp"].as_str().unwrap();
    assert!(is_discord_timestamp(timestamp), "timestamp {timestamp}");
    assert!(message["edited_timestamp"].is_null());
    assert_eq!(message["tts"], false);
    assert_eq!(message["mention_everyone"], false);
    assert_eq!(message["mentions"], json!([]));
    assert_eq!(message["mention_roles"], json!([]));
    assert_eq!(message["attachments"], json!([]));
    assert_eq!(message["embeds"], json!([]));
    assert_eq!(message["pinned"], false);
    assert_eq!(message["type"], 0);
}

#[tokio::test]
async fn content_may_have_2000_characters_counted_as_characters_not_bytes() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;

    let multi_byte = post(&guild, json!({ "content": "é".repeat(2000) })).await;
    let emoji = post(&guild, json!({ "content": "🦀".repeat(2000) })).await;
    let too_long = post(&guild, json!({ "content": "a".repeat(2001) })).await;

    assert_eq!(multi_byte.status, 200, "{}", multi_byte.text);
    assert_eq!(multi_byte.body["content"].as_str().unwrap().chars().count(), 2000);
    assert_eq!(emoji.status, 200, "{}", emoji.text);
    assert_error(&too_long, 400, 50035);
}

#[tokio::test]
async fn empty_or_whitespace_content_is_an_empty_message() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;

    for body in [json!({ "content": "" }), json!({ "content": "  \n\t " }), json!({}), json!({ "embeds": [] })] {
        let answer = post(&guild, body.clone()).await;

        assert_error(&answer, 400, 50006);
    }
    let history = guild.owner.api.get(&format!("/channels/{}/messages", guild.text)).await.unwrap();
    assert_eq!(history.body, json!([]), "nothing was stored");
}

#[tokio::test]
async fn empty_rich_content_lists_are_accepted() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let body = json!({ "content": "plain", "embeds": [], "components": [], "sticker_ids": [], "attachments": [] });

    let answer = post(&guild, body).await;

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["content"], "plain");
}

#[tokio::test]
async fn the_nonce_is_echoed_as_a_string() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;

    let text = post(&guild, json!({ "content": "a", "nonce": "abc-123" })).await;
    let number = post(&guild, json!({ "content": "b", "nonce": 123_456_789 })).await;
    let too_long = post(&guild, json!({ "content": "c", "nonce": "x".repeat(26) })).await;

    assert_eq!(text.body["nonce"], "abc-123", "{}", text.text);
    assert_eq!(number.body["nonce"], "123456789", "{}", number.text);
    assert_error(&too_long, 400, 50035);
}

#[tokio::test]
async fn a_repeated_enforced_nonce_returns_the_original_message() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let body = json!({ "content": "once", "nonce": "n-1", "enforce_nonce": true });

    let first = post(&guild, body.clone()).await;
    let second = post(&guild, body).await;
    let without_enforce = post(&guild, json!({ "content": "twice", "nonce": "n-2" })).await;
    let repeated_plain = post(&guild, json!({ "content": "twice", "nonce": "n-2" })).await;

    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(second.id(), first.id());
    assert_ne!(repeated_plain.id(), without_enforce.id(), "without enforce_nonce a repeat is a new message");
    let history = guild.owner.api.get(&format!("/channels/{}/messages", guild.text)).await.unwrap();
    assert_eq!(history.body.as_array().unwrap().len(), 3, "{}", history.text);
}

#[tokio::test]
async fn concurrent_identical_posts_with_an_enforced_nonce_store_one_message() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let body = json!({ "content": "only once", "nonce": "race", "enforce_nonce": true });
    let path = format!("/channels/{}/messages", guild.text);

    let answers = join_all((0..10).map(|_| guild.owner.api.post(&path, body.clone()))).await;

    let mut ids: Vec<String> = answers
        .into_iter()
        .map(|a| {
            let a = a.unwrap();
            assert_eq!(a.status, 200, "{}", a.text);
            a.id()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1, "every answer names the same message: {ids:?}");
    let history = guild.owner.api.get(&path).await.unwrap();
    let stored: Vec<&Value> = history.body.as_array().unwrap().iter().collect();
    assert_eq!(stored.len(), 1, "{}", history.text);
    assert_eq!(stored[0]["id"], ids[0].as_str());
}

#[tokio::test]
async fn a_reply_has_type_19_and_echoes_its_reference() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let original = guild.owner.say(&guild.text, "question?").await;
    let reference = json!({ "message_id": original, "channel_id": guild.text, "guild_id": guild.id });

    let reply = post(&guild, json!({ "content": "answer!", "message_reference": reference })).await;
    let dangling =
        post(&guild, json!({ "content": "to nothing", "message_reference": { "message_id": guild.id } })).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["type"], 19);
    assert_eq!(reply.body["message_reference"]["message_id"], original.as_str());
    assert_eq!(reply.body["message_reference"]["channel_id"], guild.text.as_str());
    assert_eq!(reply.body["message_reference"]["guild_id"], guild.id.as_str());
    assert_error(&dangling, 400, 50035);
}

#[tokio::test]
async fn member_and_role_mentions_are_resolved() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let eve = server.user("eve").await;
    let role = guild.role("helpers", 0).await;
    let content = format!("hey <@{}> and <@&{role}>, not <@{}>", bob.id, eve.id);

    let answer = post(&guild, json!({ "content": content })).await;

    assert_eq!(answer.status, 200, "{}", answer.text);
    let mentions = answer.body["mentions"].as_array().unwrap();
    assert_eq!(mentions.len(), 1, "only members are mentioned: {}", answer.text);
    assert_eq!(mentions[0]["id"], bob.id.as_str());
    assert_eq!(mentions[0]["username"], "bob");
    assert_eq!(answer.body["mention_roles"], json!([role]));
    assert_eq!(answer.body["mention_everyone"], false);
}

#[tokio::test]
async fn everyone_mentions_need_mention_everyone() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let everyone = format!("/guilds/{}/roles/{}", guild.id, guild.id);
    let defaults: u64 =
        guild.owner.api.get(&everyone).await.unwrap().body["permissions"].as_str().unwrap().parse().unwrap();
    let without = (defaults & !MENTION_EVERYONE).to_string();
    assert_eq!(guild.owner.api.patch(&everyone, json!({ "permissions": without })).await.unwrap().status, 200);
    let path = format!("/channels/{}/messages", guild.text);

    let by_bob = bob.api.post(&path, json!({ "content": "@everyone look" })).await.unwrap();
    let by_owner = guild.owner.api.post(&path, json!({ "content": "@everyone look" })).await.unwrap();

    assert_eq!(by_bob.status, 200, "stored, but pings nobody: {}", by_bob.text);
    assert_eq!(by_bob.body["mention_everyone"], false);
    assert_eq!(by_bob.body["content"], "@everyone look");
    assert_eq!(by_owner.body["mention_everyone"], true, "{}", by_owner.text);
}

#[tokio::test]
async fn sending_in_a_category_is_rejected_as_a_non_text_channel() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let category = guild
        .owner
        .api
        .post(&format!("/guilds/{}/channels", guild.id), json!({ "name": "c", "type": 4 }))
        .await
        .unwrap();

    let answer = guild
        .owner
        .api
        .post(&format!("/channels/{}/messages", category.id()), json!({ "content": "hi" }))
        .await
        .unwrap();

    assert_error(&answer, 400, 50008);
}

#[tokio::test]
async fn sending_to_an_unknown_channel_answers_unknown_channel() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;

    let answer =
        guild.owner.api.post(&format!("/channels/{}/messages", guild.id), json!({ "content": "hi" })).await.unwrap();

    assert_error(&answer, 404, 10003);
}

#[tokio::test]
async fn typing_answers_204_and_publishes_typing_start() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let mut events = server.events().await;

    let answer = bob.api.post(&format!("/channels/{}/typing", guild.text), json!({})).await.unwrap();

    assert_eq!(answer.status, 204, "{}", answer.text);
    let typing = events.expect("TYPING_START").await;
    assert_eq!(typing.channel_id.as_deref(), Some(guild.text.as_str()));
    assert_eq!(typing.data["user_id"], bob.id.as_str());
    assert_eq!(typing.data["channel_id"], guild.text.as_str());
    assert_eq!(typing.data["guild_id"], guild.id.as_str());
    assert!(typing.data["timestamp"].is_u64(), "{}", typing.data);
}

#[tokio::test]
async fn the_same_enforced_nonce_from_two_authors_makes_two_messages() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let body = json!({ "content": "same", "nonce": "shared", "enforce_nonce": true });
    let path = format!("/channels/{}/messages", guild.text);

    let alices = guild.owner.api.post(&path, body.clone()).await.unwrap();
    let bobs = bob.api.post(&path, body).await.unwrap();

    assert_eq!(bobs.status, 200, "{}", bobs.text);
    assert_ne!(alices.id(), bobs.id(), "nonces are per author");
}

#[tokio::test]
async fn voice_announcement_and_stage_channels_hold_messages_but_forums_do_not() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let path = format!("/guilds/{}/channels", guild.id);
    let create = |kind: u8| guild.owner.api.post(&path, json!({ "name": "c", "type": kind }));
    let announcement = create(5).await.unwrap().id();
    let stage = create(13).await.unwrap().id();
    let forum = create(15).await.unwrap().id();

    for channel in [&guild.voice, &announcement, &stage] {
        guild.owner.say(channel, "hello").await;
    }
    let in_forum =
        guild.owner.api.post(&format!("/channels/{forum}/messages"), json!({ "content": "hello" })).await.unwrap();

    assert_error(&in_forum, 400, 50008);
}
