//! Typing indicators are deduplicated: a user's repeats in one channel within five seconds are
//! answered 204 but published once, while other users and other channels are not held back.

use accord_testkit::TestServer;
use serde_json::{Value, json};

use crate::gateway::{MESSAGES, session, until_message};

const GUILD_MESSAGE_TYPING: u64 = 1 << 11;

#[tokio::test]
async fn a_users_repeated_typing_in_a_channel_is_published_once() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.member(&guild, "carol").await;
    let other = guild.channel("other").await;
    let (mut bobs, _) = session(&server, &bob, MESSAGES | GUILD_MESSAGE_TYPING).await;
    let typing = |channel: &str| format!("/channels/{channel}/typing");

    let answers = [
        alice.api.post(&typing(&guild.text), json!({})).await.unwrap().status,
        alice.api.post(&typing(&guild.text), json!({})).await.unwrap().status,
        carol.api.post(&typing(&guild.text), json!({})).await.unwrap().status,
        alice.api.post(&typing(&other), json!({})).await.unwrap().status,
    ];
    alice.say(&guild.text, "sentinel").await;

    let seen = until_message(&mut bobs, "sentinel").await;
    let starts: Vec<(Value, Value)> = seen
        .iter()
        .filter(|(name, _)| name == "TYPING_START")
        .map(|(_, d)| (d["user_id"].clone(), d["channel_id"].clone()))
        .collect();
    assert_eq!(answers, [204; 4]);
    let expected =
        [(json!(alice.id), json!(guild.text)), (json!(carol.id), json!(guild.text)), (json!(alice.id), json!(other))];
    assert_eq!(starts, expected, "the repeat was dropped");
}
