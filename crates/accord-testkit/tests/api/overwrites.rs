//! Channel permission overwrites: `PUT` / `DELETE /channels/{id}/permissions/{id}`, how they
//! hide and restore channels, role allow versus role deny, and who may set them.

use accord_testkit::permissions::{
    ADMINISTRATOR, MANAGE_MESSAGES, MANAGE_ROLES, READ_MESSAGE_HISTORY, SEND_MESSAGES, VIEW_CHANNEL,
};
use accord_testkit::{TestGuild, TestServer, TestUser, assert_error};
use serde_json::json;

/// The owner puts an overwrite on a channel (type 0 role, 1 member).
async fn overwrite(guild: &TestGuild, channel: &str, target: &str, kind: u8, allow: u64, deny: u64) {
    let body = json!({ "type": kind, "allow": allow.to_string(), "deny": deny.to_string() });
    let answer = guild.owner.api.put(&format!("/channels/{channel}/permissions/{target}"), body).await.unwrap();
    assert_eq!(answer.status, 204, "put overwrite: {}", answer.text);
}

/// Asserts that `user` can see nothing of `channel`: it answers Unknown Channel everywhere.
async fn assert_hidden(user: &TestUser, guild: &TestGuild, channel: &str) {
    assert_error(&user.api.get(&format!("/channels/{channel}")).await.unwrap(), 404, 10003);
    assert_error(&user.api.get(&format!("/channels/{channel}/messages")).await.unwrap(), 404, 10003);
    let post = user.api.post(&format!("/channels/{channel}/messages"), json!({ "content": "hi" })).await.unwrap();
    assert_error(&post, 404, 10003);
    let list = user.api.get(&format!("/guilds/{}/channels", guild.id)).await.unwrap();
    assert!(!list.text.contains(channel), "{}", list.text);
}

#[tokio::test]
async fn denying_view_channel_to_everyone_hides_the_channel_from_a_plain_member() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    guild.owner.say(&guild.text, "before the curtain").await;

    overwrite(&guild, &guild.text, &guild.id, 0, 0, VIEW_CHANNEL).await;

    assert_hidden(&bob, &guild, &guild.text).await;
    let owners = guild.owner.api.get(&format!("/channels/{}/messages", guild.text)).await.unwrap();
    assert_eq!(owners.status, 200, "{}", owners.text);
    assert_eq!(owners.body[0]["content"], "before the curtain");
    let read = guild.owner.api.get(&format!("/channels/{}", guild.text)).await.unwrap();
    assert_eq!(read.body["permission_overwrites"][0]["deny"], VIEW_CHANNEL.to_string(), "{}", read.text);
}

#[tokio::test]
async fn a_member_allow_restores_the_channel_for_that_member_only() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.member(&guild, "carol").await;
    overwrite(&guild, &guild.text, &guild.id, 0, 0, VIEW_CHANNEL).await;

    overwrite(&guild, &guild.text, &bob.id, 1, VIEW_CHANNEL, 0).await;

    let bobs = bob.api.get(&format!("/channels/{}", guild.text)).await.unwrap();
    assert_eq!(bobs.status, 200, "{}", bobs.text);
    bob.say(&guild.text, "I'm in").await;
    assert_hidden(&carol, &guild, &guild.text).await;
}

#[tokio::test]
async fn a_role_allow_beats_another_roles_deny() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let denied = guild.role("muted", 0).await;
    let allowed = guild.role("speaker", 0).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.member(&guild, "carol").await;
    guild.assign(&bob, &denied).await;
    guild.assign(&bob, &allowed).await;
    guild.assign(&carol, &denied).await;
    overwrite(&guild, &guild.text, &denied, 0, 0, SEND_MESSAGES).await;
    overwrite(&guild, &guild.text, &allowed, 0, SEND_MESSAGES, 0).await;
    let path = format!("/channels/{}/messages", guild.text);

    let bobs = bob.api.post(&path, json!({ "content": "both roles" })).await.unwrap();
    let carols = carol.api.post(&path, json!({ "content": "deny only" })).await.unwrap();

    assert_eq!(bobs.status, 200, "{}", bobs.text);
    assert_error(&carols, 403, 50013);
}

#[tokio::test]
async fn a_member_deny_beats_a_role_allow() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let speaker = guild.role("speaker", 0).await;
    let bob = server.member(&guild, "bob").await;
    guild.assign(&bob, &speaker).await;
    overwrite(&guild, &guild.text, &speaker, 0, SEND_MESSAGES, 0).await;
    overwrite(&guild, &guild.text, &bob.id, 1, 0, SEND_MESSAGES).await;

    let answer = bob.api.post(&format!("/channels/{}/messages", guild.text), json!({ "content": "hi" })).await.unwrap();

    assert_error(&answer, 403, 50013);
}

#[tokio::test]
async fn deleting_an_overwrite_restores_the_channel() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    overwrite(&guild, &guild.text, &guild.id, 0, 0, VIEW_CHANNEL).await;
    let path = format!("/channels/{}/permissions/{}", guild.text, guild.id);

    let deleted = guild.owner.api.delete(&path).await.unwrap();
    let again = guild.owner.api.delete(&path).await.unwrap();

    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_error(&again, 404, 10009);
    assert_eq!(bob.api.get(&format!("/channels/{}", guild.text)).await.unwrap().status, 200);
}

#[tokio::test]
async fn setting_overwrites_needs_manage_roles() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let body = json!({ "type": 0, "allow": "0", "deny": SEND_MESSAGES.to_string() });

    let answer = bob.api.put(&format!("/channels/{}/permissions/{}", guild.text, guild.id), body).await.unwrap();

    assert_error(&answer, 403, 50013);
    let read = bob.api.get(&format!("/channels/{}", guild.text)).await.unwrap();
    assert_eq!(read.body["permission_overwrites"], json!([]));
}

#[tokio::test]
async fn a_member_cannot_grant_a_permission_they_lack_in_an_overwrite() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let warden = server.member_with(&guild, "warden", MANAGE_ROLES).await;
    let path = format!("/channels/{}/permissions/{}", guild.text, bob.id);

    let grant = json!({ "type": 1, "allow": MANAGE_MESSAGES.to_string(), "deny": "0" });
    let refused = warden.api.put(&path, grant).await.unwrap();
    let held = json!({ "type": 1, "allow": "0", "deny": SEND_MESSAGES.to_string() });
    let accepted = warden.api.put(&path, held).await.unwrap();

    assert_error(&refused, 403, 50013);
    assert_eq!(accepted.status, 204, "{}", accepted.text);
    let read = warden.api.get(&format!("/channels/{}", guild.text)).await.unwrap();
    assert_eq!(read.body["permission_overwrites"].as_array().unwrap().len(), 1, "{}", read.text);
    assert_eq!(read.body["permission_overwrites"][0]["deny"], SEND_MESSAGES.to_string());
}

#[tokio::test]
async fn an_overwrite_must_target_a_role_or_member_of_the_guild() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let stranger = server.user("stranger").await;
    let body = |kind: u8| json!({ "type": kind, "allow": "0", "deny": SEND_MESSAGES.to_string() });

    let path = |target: &str| format!("/channels/{}/permissions/{target}", guild.text);

    let as_role = guild.owner.api.put(&path(&stranger.id), body(0)).await.unwrap();
    let as_member = guild.owner.api.put(&path(&stranger.id), body(1)).await.unwrap();
    let bad_type = guild.owner.api.put(&path(&guild.id), body(2)).await.unwrap();

    assert_error(&as_role, 404, 10011);
    assert_error(&as_member, 404, 10007);
    assert_error(&bad_type, 400, 50035);
}

#[tokio::test]
async fn an_administrator_is_not_bound_by_overwrites() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let admin = server.member_with(&guild, "admin", ADMINISTRATOR).await;
    overwrite(&guild, &guild.text, &guild.id, 0, 0, VIEW_CHANNEL).await;
    overwrite(&guild, &guild.text, &admin.id, 1, 0, VIEW_CHANNEL | SEND_MESSAGES).await;

    let read = admin.api.get(&format!("/channels/{}", guild.text)).await.unwrap();

    assert_eq!(read.status, 200, "{}", read.text);
    admin.say(&guild.text, "overwrites do not apply to me").await;
}

#[tokio::test]
async fn without_read_message_history_the_history_is_empty_and_messages_unknown() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let id = guild.owner.say(&guild.text, "the past").await;
    overwrite(&guild, &guild.text, &guild.id, 0, 0, READ_MESSAGE_HISTORY).await;

    let history = bob.api.get(&format!("/channels/{}/messages", guild.text)).await.unwrap();
    let one = bob.api.get(&format!("/channels/{}/messages/{id}", guild.text)).await.unwrap();

    assert_eq!(history.status, 200, "{}", history.text);
    assert_eq!(history.body, json!([]));
    assert_error(&one, 404, 10008);
    bob.say(&guild.text, "but I can still talk").await;
}

#[tokio::test]
async fn deleting_a_role_removes_its_overwrites() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let role = guild.role("muted", 0).await;
    overwrite(&guild, &guild.text, &role, 0, 0, SEND_MESSAGES).await;

    let deleted = guild.owner.api.delete(&format!("/guilds/{}/roles/{role}", guild.id)).await.unwrap();

    assert_eq!(deleted.status, 204, "{}", deleted.text);
    let read = guild.owner.api.get(&format!("/channels/{}", guild.text)).await.unwrap();
    assert_eq!(read.body["permission_overwrites"], json!([]), "{}", read.text);
}
