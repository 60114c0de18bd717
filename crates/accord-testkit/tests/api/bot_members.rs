//! Bots join guilds by `PUT /guilds/{id}/members/{bot}` from a member with MANAGE_GUILD (the
//! stand-in for OAuth2 bot authorization), then talk with their `Bot` token.

use accord_testkit::permissions::MANAGE_GUILD;
use accord_testkit::{TestServer, assert_error};
use serde_json::json;

#[tokio::test]
async fn a_guild_manager_adds_a_bot_with_201_and_again_with_204() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let manager = server.member_with(&guild, "manager", MANAGE_GUILD).await;
    let bot = server.bot(&manager, "helper").await;
    let path = format!("/guilds/{}/members/{}", guild.id, bot.id);

    let added = manager.api.put(&path, json!({})).await.unwrap();
    let again = manager.api.put(&path, json!({})).await.unwrap();

    assert_eq!(added.status, 201, "{}", added.text);
    assert_eq!(added.body["user"]["id"], bot.id.as_str());
    assert_eq!(added.body["user"]["bot"], true);
    assert_eq!(again.status, 204, "{}", again.text);
    assert!(again.text.is_empty(), "{}", again.text);
    let guilds = bot.api.get("/users/@me/guilds").await.unwrap();
    assert_eq!(guilds.body.as_array().map(Vec::len), Some(1), "{}", guilds.text);
}

#[tokio::test]
async fn a_plain_member_cannot_add_a_bot() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let bot = server.bot(&bob, "bobs-bot").await;

    let answer = bob.api.put(&format!("/guilds/{}/members/{}", guild.id, bot.id), json!({})).await.unwrap();

    assert_error(&answer, 403, 50013);
    assert_error(&bot.api.get(&format!("/guilds/{}", guild.id)).await.unwrap(), 404, 10004);
}

#[tokio::test]
async fn only_bots_can_be_added_directly() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let carol = server.user("carol").await;

    let answer = guild.owner.api.put(&format!("/guilds/{}/members/{}", guild.id, carol.id), json!({})).await.unwrap();

    assert_error(&answer, 400, 50035);
    assert_error(&carol.api.get(&format!("/guilds/{}", guild.id)).await.unwrap(), 404, 10004);
}

#[tokio::test]
async fn an_added_bot_sends_messages_and_reads_history() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bot = server.bot(&guild.owner, "helper").await;
    guild.add_bot(&bot).await;
    guild.owner.say(&guild.text, "hello bot").await;
    let path = format!("/channels/{}/messages", guild.text);

    let sent = bot.api.post(&path, json!({ "content": "beep boop" })).await.unwrap();
    let history = bot.api.get(&path).await.unwrap();

    assert_eq!(sent.status, 200, "{}", sent.text);
    assert_eq!(sent.body["author"]["id"], bot.id.as_str());
    assert_eq!(sent.body["author"]["bot"], true);
    assert_eq!(history.status, 200, "{}", history.text);
    let contents: Vec<&str> = history.body.as_array().unwrap().iter().map(|m| m["content"].as_str().unwrap()).collect();
    assert_eq!(contents, ["beep boop", "hello bot"]);
}

#[tokio::test]
async fn adding_an_unknown_user_answers_unknown_user() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;

    let answer = guild.owner.api.put(&format!("/guilds/{}/members/{}", guild.id, guild.text), json!({})).await.unwrap();

    assert_error(&answer, 404, 10013);
}

#[tokio::test]
async fn a_bot_leaves_a_guild_it_was_added_to() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bot = server.bot(&guild.owner, "helper").await;
    guild.add_bot(&bot).await;

    let left = bot.api.delete(&format!("/users/@me/guilds/{}", guild.id)).await.unwrap();

    assert_eq!(left.status, 204, "{}", left.text);
    assert_error(&bot.api.get(&format!("/guilds/{}", guild.id)).await.unwrap(), 404, 10004);
}
