//! Bans: banning removes the member and may delete their recent messages, keeps them out
//! (invites refuse them), respects the role hierarchy; listing, reading, lifting and bulk
//! bans; GUILD_BAN_ADD/REMOVE to moderators only.

use accord_testkit::permissions::{BAN_MEMBERS, MANAGE_GUILD};
use accord_testkit::{TestServer, assert_error};
use serde_json::json;

use super::super::gateway::{MESSAGES, WAIT, session, until_message};

const GUILD_MODERATION: u64 = 1 << 2;

#[tokio::test]
async fn a_ban_removes_the_member_deletes_recent_messages_and_keeps_them_out() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let spammer = server.member(&guild, "spammer").await;
    let bystander = server.member(&guild, "bystander").await;
    let spam = spammer.say(&guild.text, "buy now").await;
    let kept = bystander.say(&guild.text, "hello").await;
    let mut events = server.events().await;

    let path = format!("/guilds/{}/bans/{}", guild.id, spammer.id);
    let banned = alice.api.put(&path, json!({ "delete_message_seconds": 3600 })).await.unwrap();

    assert_eq!(banned.status, 204, "{}", banned.text);
    assert_eq!(events.expect("GUILD_BAN_ADD").await.data["user"]["id"], spammer.id.as_str());
    let bulk = events.expect("MESSAGE_DELETE_BULK").await;
    assert_eq!(bulk.data["ids"], json!([spam]));
    let member = alice.api.get(&format!("/guilds/{}/members/{}", guild.id, spammer.id)).await.unwrap();
    assert_error(&member, 404, 10007);
    let history = alice.api.get(&format!("/channels/{}/messages", guild.text)).await.unwrap();
    let ids: Vec<_> = history.body.as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&kept.as_str()) && !ids.contains(&spam.as_str()), "{ids:?}");
    let invite = alice.api.post(&format!("/channels/{}/invites", guild.text), json!({})).await.unwrap();
    let rejoin = spammer.api.post(&format!("/invites/{}", invite.body["code"].as_str().unwrap()), json!({})).await;
    assert_error(&rejoin.unwrap(), 403, 40007);
    let one = alice.api.get(&path).await.unwrap();
    assert_eq!(one.body["user"]["id"], spammer.id.as_str());
    let again = alice.api.put(&path, json!({})).await.unwrap();
    assert_eq!(again.status, 204, "banning twice is harmless");
}

#[tokio::test]
async fn lifting_a_ban_lets_them_back_in() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let path = format!("/guilds/{}/bans/{}", guild.id, bob.id);
    assert_eq!(alice.api.put(&path, json!({})).await.unwrap().status, 204);
    let mut events = server.events().await;

    let lifted = alice.api.delete(&path).await.unwrap();

    assert_eq!(lifted.status, 204);
    assert_eq!(events.expect("GUILD_BAN_REMOVE").await.data["user"]["id"], bob.id.as_str());
    assert_error(&alice.api.get(&path).await.unwrap(), 404, 10026);
    assert_error(&alice.api.delete(&path).await.unwrap(), 404, 10026);
    guild.join(&bob).await;
}

#[tokio::test]
async fn bans_follow_the_role_hierarchy_and_need_ban_members() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    // New roles start at the bottom, at the same position: the older one ranks higher.
    let senior = server.member_with(&guild, "senior", BAN_MEMBERS).await;
    let moderator = server.member_with(&guild, "moderator", BAN_MEMBERS).await;
    let plain = server.member(&guild, "plain").await;
    let outsider = server.user("outsider").await;
    let ban = |target: &str| format!("/guilds/{}/bans/{target}", guild.id);

    assert_error(&plain.api.put(&ban(&outsider.id), json!({})).await.unwrap(), 403, 50013);
    assert_error(&moderator.api.put(&ban(&alice.id), json!({})).await.unwrap(), 403, 50013);
    assert_error(&moderator.api.put(&ban(&moderator.id), json!({})).await.unwrap(), 403, 50013);
    assert_error(&moderator.api.put(&ban(&senior.id), json!({})).await.unwrap(), 403, 50013);
    assert_error(&moderator.api.put(&ban("1"), json!({})).await.unwrap(), 404, 10013);
    let too_far = json!({ "delete_message_seconds": 604_801 });
    assert_error(&moderator.api.put(&ban(&plain.id), too_far).await.unwrap(), 400, 50035);
    assert_eq!(senior.api.put(&ban(&moderator.id), json!({})).await.unwrap().status, 204);
    assert_eq!(senior.api.put(&ban(&outsider.id), json!({})).await.unwrap().status, 204, "non-members too");
    let list = alice.api.get(&format!("/guilds/{}/bans", guild.id)).await.unwrap();
    assert_eq!(list.body.as_array().unwrap().len(), 2);
    assert_error(&plain.api.get(&format!("/guilds/{}/bans", guild.id)).await.unwrap(), 403, 50013);
    assert_error(&outsider.api.get(&format!("/guilds/{}/bans", guild.id)).await.unwrap(), 404, 10004);
}

#[tokio::test]
async fn bulk_bans_report_who_was_banned() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let (a, b) = (server.member(&guild, "first").await, server.member(&guild, "second").await);
    let mod_only = server.member_with(&guild, "modonly", BAN_MEMBERS).await;
    let manager = server.member_with(&guild, "manager", BAN_MEMBERS | MANAGE_GUILD).await;
    let path = format!("/guilds/{}/bulk-ban", guild.id);

    let refused = mod_only.api.post(&path, json!({ "user_ids": [a.id] })).await.unwrap();
    assert_error(&refused, 403, 50013);
    let body = json!({ "user_ids": [a.id, b.id, alice.id] });
    let answer = manager.api.post(&path, body).await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["banned_users"], json!([a.id, b.id]));
    assert_eq!(answer.body["failed_users"], json!([alice.id]));
    assert_error(&manager.api.post(&path, json!({ "user_ids": [] })).await.unwrap(), 400, 50035);
}

#[tokio::test]
async fn only_moderators_hear_of_bans() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let moderator = server.member_with(&guild, "moderator", BAN_MEMBERS).await;
    let plain = server.member(&guild, "plain").await;
    let target = server.member(&guild, "target").await;
    let intents = MESSAGES | GUILD_MODERATION;
    let (mut moderator_gw, _) = session(&server, &moderator, intents).await;
    let (mut plain_gw, _) = session(&server, &plain, intents).await;

    let banned = alice.api.put(&format!("/guilds/{}/bans/{}", guild.id, target.id), json!({})).await.unwrap();
    assert_eq!(banned.status, 204);
    alice.say(&guild.text, "after the ban").await;

    let seen = moderator_gw.next_dispatch("GUILD_BAN_ADD", WAIT).await.unwrap();
    assert_eq!(seen["user"]["id"], target.id.as_str());
    let before = until_message(&mut plain_gw, "after the ban").await;
    assert!(before.iter().all(|(name, _)| name != "GUILD_BAN_ADD"), "{before:?}");
}
