//! Every change publishes its Discord event on the bus (through the outbox), with the guild,
//! channel and users it concerns; a rejected request publishes nothing.

use std::time::Duration;

use accord_testkit::{TestServer, assert_error};
use serde_json::json;

#[tokio::test]
async fn creating_a_guild_publishes_guild_create_to_its_owner() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let mut events = server.events().await;

    let guild = server.guild(&alice).await;

    let created = events.expect("GUILD_CREATE").await;
    assert!(created.user_ids.contains(&alice.id), "{:?}", created.user_ids);
    assert_eq!(created.data["id"], guild.id.as_str());
    assert_eq!(created.data["owner_id"], alice.id.as_str());
    assert_eq!(created.data["channels"].as_array().map(Vec::len), Some(2), "{}", created.data);
    assert_eq!(created.data["members"][0]["user"]["id"], alice.id.as_str());
    assert_eq!(created.data["roles"][0]["id"], guild.id.as_str());
}

#[tokio::test]
async fn guild_changes_publish_guild_update_and_guild_delete() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let mut events = server.events().await;
    let path = format!("/guilds/{}", guild.id);

    guild.owner.api.patch(&path, json!({ "name": "Renamed" })).await.unwrap();
    let updated = events.expect("GUILD_UPDATE").await;
    guild.owner.api.delete(&path).await.unwrap();
    let deleted = events.expect("GUILD_DELETE").await;

    assert_eq!(updated.guild_id.as_deref(), Some(guild.id.as_str()));
    assert_eq!(updated.data["name"], "Renamed");
    assert_eq!(deleted.data["id"], guild.id.as_str());
    let mut told = deleted.user_ids.clone();
    told.sort();
    let mut members = vec![guild.owner.id.clone(), bob.id.clone()];
    members.sort();
    assert_eq!(told, members, "every member hears of the deletion");
}

#[tokio::test]
async fn channel_changes_publish_channel_create_update_and_delete() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let mut events = server.events().await;
    let api = &guild.owner.api;

    let id = api.post(&format!("/guilds/{}/channels", guild.id), json!({ "name": "news" })).await.unwrap().id();
    let created = events.expect("CHANNEL_CREATE").await;
    api.patch(&format!("/channels/{id}"), json!({ "topic": "today" })).await.unwrap();
    let updated = events.expect("CHANNEL_UPDATE").await;
    api.delete(&format!("/channels/{id}")).await.unwrap();
    let deleted = events.expect("CHANNEL_DELETE").await;

    for event in [&created, &updated, &deleted] {
        assert_eq!(event.guild_id.as_deref(), Some(guild.id.as_str()), "{}", event.name);
        assert_eq!(event.channel_id.as_deref(), Some(id.as_str()), "{}", event.name);
        assert_eq!(event.data["id"], id.as_str(), "{}", event.name);
    }
    assert_eq!(created.data["name"], "news");
    assert_eq!(updated.data["topic"], "today");
}

#[tokio::test]
async fn an_overwrite_change_publishes_channel_update() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let mut events = server.events().await;
    let body = json!({ "type": 0, "allow": "0", "deny": "2048" });

    guild.owner.api.put(&format!("/channels/{}/permissions/{}", guild.text, guild.id), body).await.unwrap();

    let updated = events.expect("CHANNEL_UPDATE").await;
    assert_eq!(updated.channel_id.as_deref(), Some(guild.text.as_str()));
    assert_eq!(updated.data["permission_overwrites"][0]["deny"], "2048");
}

#[tokio::test]
async fn role_changes_publish_guild_role_create_update_and_delete() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let mut events = server.events().await;
    let api = &guild.owner.api;

    let role = guild.role("crew", 0).await;
    let created = events.expect("GUILD_ROLE_CREATE").await;
    api.patch(&format!("/guilds/{}/roles/{role}", guild.id), json!({ "name": "crew2" })).await.unwrap();
    let updated = events.expect("GUILD_ROLE_UPDATE").await;
    api.delete(&format!("/guilds/{}/roles/{role}", guild.id)).await.unwrap();
    let deleted = events.expect("GUILD_ROLE_DELETE").await;

    assert_eq!(created.guild_id.as_deref(), Some(guild.id.as_str()));
    assert_eq!(created.data["guild_id"], guild.id.as_str());
    assert_eq!(created.data["role"]["id"], role.as_str());
    assert_eq!(updated.data["role"]["name"], "crew2");
    assert_eq!(deleted.data["role_id"], role.as_str());
    assert_eq!(deleted.data["guild_id"], guild.id.as_str());
}

#[tokio::test]
async fn membership_changes_publish_guild_member_add_update_and_remove() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.user("bob").await;
    let mut events = server.events().await;

    guild.join(&bob).await;
    let added = events.expect("GUILD_MEMBER_ADD").await;
    bob.api.patch(&format!("/guilds/{}/members/@me", guild.id), json!({ "nick": "B" })).await.unwrap();
    let updated = events.expect("GUILD_MEMBER_UPDATE").await;
    guild.owner.api.delete(&format!("/guilds/{}/members/{}", guild.id, bob.id)).await.unwrap();
    let removed = events.expect("GUILD_MEMBER_REMOVE").await;
    let bobs_guild_gone = events.expect("GUILD_DELETE").await;

    for event in [&added, &updated, &removed] {
        assert_eq!(event.guild_id.as_deref(), Some(guild.id.as_str()), "{}", event.name);
        assert_eq!(event.data["user"]["id"], bob.id.as_str(), "{}", event.name);
        assert_eq!(event.data["guild_id"], guild.id.as_str(), "{}", event.name);
    }
    assert_eq!(updated.data["nick"], "B");
    assert_eq!(bobs_guild_gone.user_ids, vec![bob.id.clone()], "the kicked member is told the guild is gone");
}

#[tokio::test]
async fn message_changes_publish_message_create_update_and_delete() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let mut events = server.events().await;
    let path = |id: &str| format!("/channels/{}/messages/{id}", guild.text);

    let id = bob.say(&guild.text, "hello").await;
    let created = events.expect("MESSAGE_CREATE").await;
    bob.api.patch(&path(&id), json!({ "content": "hello!" })).await.unwrap();
    let updated = events.expect("MESSAGE_UPDATE").await;
    bob.api.delete(&path(&id)).await.unwrap();
    let deleted = events.expect("MESSAGE_DELETE").await;

    for event in [&created, &updated, &deleted] {
        assert_eq!(event.channel_id.as_deref(), Some(guild.text.as_str()), "{}", event.name);
        assert_eq!(event.data["id"], id.as_str(), "{}", event.name);
        assert_eq!(event.data["guild_id"], guild.id.as_str(), "{}", event.name);
    }
    assert_eq!(created.data["content"], "hello");
    assert_eq!(created.data["author"]["id"], bob.id.as_str());
    assert!(created.data["member"]["joined_at"].is_string(), "the author's member: {}", created.data);
    assert!(created.data["member"].get("user").is_none(), "member without user: {}", created.data);
    assert_eq!(updated.data["content"], "hello!");
    assert!(updated.data["edited_timestamp"].is_string());
}

#[tokio::test]
async fn invite_changes_publish_invite_create_and_delete() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let mut events = server.events().await;

    let invite = guild.owner.api.post(&format!("/channels/{}/invites", guild.text), json!({})).await.unwrap();
    let code = invite.body["code"].as_str().unwrap();
    let created = events.expect("INVITE_CREATE").await;
    guild.owner.api.delete(&format!("/invites/{code}")).await.unwrap();
    let deleted = events.expect("INVITE_DELETE").await;

    for event in [&created, &deleted] {
        assert_eq!(event.guild_id.as_deref(), Some(guild.id.as_str()), "{}", event.name);
        assert_eq!(event.channel_id.as_deref(), Some(guild.text.as_str()), "{}", event.name);
        assert_eq!(event.data["code"], code, "{}", event.name);
    }
    assert_eq!(created.data["inviter"]["id"], guild.owner.id.as_str());
}

#[tokio::test]
async fn typing_publishes_typing_start() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let mut events = server.events().await;

    guild.owner.api.post(&format!("/channels/{}/typing", guild.text), json!({})).await.unwrap();

    let typing = events.expect("TYPING_START").await;
    assert_eq!(typing.guild_id.as_deref(), Some(guild.id.as_str()));
    assert_eq!(typing.data["user_id"], guild.owner.id.as_str());
}

#[tokio::test]
async fn rejected_requests_publish_nothing() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let eve = server.user("eve").await;
    let message = guild.owner.say(&guild.text, "mine").await;
    let mut events = server.events().await;
    events.drain(Duration::from_millis(300)).await;

    let rejected = [
        bob.api.patch(&format!("/guilds/{}", guild.id), json!({ "name": "Bob's" })).await.unwrap(),
        bob.api.post(&format!("/guilds/{}/roles", guild.id), json!({ "name": "r" })).await.unwrap(),
        bob.api.delete(&format!("/channels/{}", guild.text)).await.unwrap(),
        bob.api
            .patch(&format!("/channels/{}/messages/{message}", guild.text), json!({ "content": "x" }))
            .await
            .unwrap(),
        bob.api.delete(&format!("/guilds/{}/members/{}", guild.id, guild.owner.id)).await.unwrap(),
        eve.api.post(&format!("/channels/{}/messages", guild.text), json!({ "content": "hi" })).await.unwrap(),
        eve.api.post(&format!("/channels/{}/typing", guild.text), json!({})).await.unwrap(),
        guild.owner.api.post(&format!("/channels/{}/messages", guild.text), json!({ "content": "" })).await.unwrap(),
    ];
    bob.say(&guild.text, "after the rejections").await;

    for answer in &rejected {
        assert!((400..500).contains(&answer.status), "{} {}", answer.status, answer.text);
    }
    assert_error(&rejected[0], 403, 50013);
    let published = events.drain(Duration::from_millis(700)).await;
    assert_eq!(published, ["MESSAGE_CREATE"], "only the accepted message was published");
}

#[tokio::test]
async fn a_repeated_enforced_nonce_publishes_one_message_create() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let body = json!({ "content": "once", "nonce": "evt", "enforce_nonce": true });
    let path = format!("/channels/{}/messages", guild.text);
    let mut events = server.events().await;
    events.drain(Duration::from_millis(300)).await;

    let answers = futures::future::join_all((0..5).map(|_| guild.owner.api.post(&path, body.clone()))).await;

    assert!(answers.iter().all(|a| a.as_ref().is_ok_and(|a| a.status == 200)), "{answers:?}");
    let published = events.drain(Duration::from_millis(700)).await;
    assert_eq!(published, ["MESSAGE_CREATE"]);
}
