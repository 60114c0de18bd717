//! Guild channels: create (types, parents, voice fields, limits), list (visible ones only),
//! read, modify, delete.

use accord_testkit::permissions::{MANAGE_CHANNELS, VIEW_CHANNEL};
use accord_testkit::{TestServer, assert_error};
use serde_json::json;

#[tokio::test]
async fn every_storable_channel_type_can_be_created() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let path = format!("/guilds/{}/channels", guild.id);

    for kind in [0, 2, 4, 5, 13, 15] {
        let answer = alice.api.post(&path, json!({ "name": format!("kind-{kind}"), "type": kind })).await.unwrap();

        assert_eq!(answer.status, 201, "type {kind}: {}", answer.text);
        assert_eq!(answer.body["type"], kind);
        assert_eq!(answer.body["name"], format!("kind-{kind}"));
        assert_eq!(answer.body["guild_id"], guild.id.as_str());
        let read = alice.api.get(&format!("/channels/{}", answer.id())).await.unwrap();
        assert_eq!(read.body["type"], kind, "{}", read.text);
    }
}

#[tokio::test]
async fn dm_and_unknown_channel_types_are_rejected() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let path = format!("/guilds/{}/channels", guild.id);

    for kind in [1, 3, 11, 99] {
        let answer = alice.api.post(&path, json!({ "name": "nope", "type": kind })).await.unwrap();

        assert_error(&answer, 400, 50035);
    }
    let channels = alice.api.get(&path).await.unwrap();
    assert_eq!(channels.body.as_array().unwrap().len(), 2, "nothing was created: {}", channels.text);
}

#[tokio::test]
async fn voice_fields_appear_only_on_voice_and_stage_channels() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let path = format!("/guilds/{}/channels", guild.id);

    let voice =
        alice.api.post(&path, json!({ "name": "v", "type": 2, "bitrate": 96000, "user_limit": 10 })).await.unwrap();
    let stage = alice.api.post(&path, json!({ "name": "s", "type": 13 })).await.unwrap();
    let text = alice.api.post(&path, json!({ "name": "t", "type": 0, "bitrate": 96000 })).await.unwrap();

    assert_eq!(voice.status, 201, "{}", voice.text);
    assert_eq!(voice.body["bitrate"], 96000);
    assert_eq!(voice.body["user_limit"], 10);
    assert_eq!(stage.body["bitrate"], 64000, "{}", stage.text);
    assert_eq!(stage.body["user_limit"], 0);
    assert_eq!(text.status, 201, "{}", text.text);
    assert!(text.body.get("bitrate").is_none(), "{}", text.text);
    assert!(text.body.get("user_limit").is_none(), "{}", text.text);
}

#[tokio::test]
async fn out_of_range_voice_fields_are_rejected() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let path = format!("/guilds/{}/channels", guild.id);

    let low = alice.api.post(&path, json!({ "name": "v", "type": 2, "bitrate": 10 })).await.unwrap();
    let crowded = alice.api.post(&path, json!({ "name": "v", "type": 2, "user_limit": 100 })).await.unwrap();

    assert_error(&low, 400, 50035);
    assert_error(&crowded, 400, 50035);
}

#[tokio::test]
async fn a_parent_must_be_a_category_of_the_guild() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let path = format!("/guilds/{}/channels", guild.id);
    let category = alice.api.post(&path, json!({ "name": "cat", "type": 4 })).await.unwrap().id();

    let under_text = alice.api.post(&path, json!({ "name": "a", "parent_id": guild.text })).await.unwrap();
    let nested_category =
        alice.api.post(&path, json!({ "name": "b", "type": 4, "parent_id": category })).await.unwrap();
    let under_category = alice.api.post(&path, json!({ "name": "c", "parent_id": category })).await.unwrap();

    assert_error(&under_text, 400, 50035);
    assert_error(&nested_category, 400, 50035);
    assert_eq!(under_category.status, 201, "{}", under_category.text);
    assert_eq!(under_category.body["parent_id"], category.as_str());
}

#[tokio::test]
async fn channel_names_may_have_at_most_100_characters() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let path = format!("/guilds/{}/channels", guild.id);

    let too_long = alice.api.post(&path, json!({ "name": "x".repeat(101) })).await.unwrap();
    let empty = alice.api.post(&path, json!({ "name": "" })).await.unwrap();
    let longest = alice.api.post(&path, json!({ "name": "x".repeat(100) })).await.unwrap();

    assert_error(&too_long, 400, 50035);
    assert_error(&empty, 400, 50035);
    assert_eq!(longest.status, 201, "{}", longest.text);
}

#[tokio::test]
async fn creating_a_channel_needs_manage_channels() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let builder = server.member_with(&guild, "builder", MANAGE_CHANNELS).await;
    let path = format!("/guilds/{}/channels", guild.id);

    let refused = bob.api.post(&path, json!({ "name": "bobs" })).await.unwrap();
    let created = builder.api.post(&path, json!({ "name": "builders" })).await.unwrap();

    assert_error(&refused, 403, 50013);
    assert_eq!(created.status, 201, "{}", created.text);
}

#[tokio::test]
async fn the_channel_list_shows_only_channels_the_caller_can_see() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let overwrite = json!([{ "id": guild.id, "type": 0, "deny": VIEW_CHANNEL.to_string() }]);
    let body = json!({ "name": "secret", "permission_overwrites": overwrite });
    let secret = alice.api.post(&format!("/guilds/{}/channels", guild.id), body).await.unwrap().id();
    let path = format!("/guilds/{}/channels", guild.id);

    let bobs = bob.api.get(&path).await.unwrap();
    let alices = alice.api.get(&path).await.unwrap();

    let ids = |list: &serde_json::Value| -> Vec<String> {
        list.as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(bobs.status, 200, "{}", bobs.text);
    assert!(!ids(&bobs.body).contains(&secret), "{}", bobs.text);
    assert!(ids(&bobs.body).contains(&guild.text), "{}", bobs.text);
    assert!(ids(&alices.body).contains(&secret), "{}", alices.text);
}

#[tokio::test]
async fn modifying_a_channel_changes_its_fields() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let path = format!("/channels/{}", guild.text);
    let body = json!({ "name": "lobby", "topic": "say hi", "nsfw": true, "rate_limit_per_user": 5, "position": 3 });

    let answer = alice.api.patch(&path, body).await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    let read = alice.api.get(&path).await.unwrap();
    for channel in [&answer.body, &read.body] {
        assert_eq!(channel["name"], "lobby");
        assert_eq!(channel["topic"], "say hi");
        assert_eq!(channel["nsfw"], true);
        assert_eq!(channel["rate_limit_per_user"], 5);
        assert_eq!(channel["position"], 3);
    }
}

#[tokio::test]
async fn modifying_a_channel_needs_manage_channels_and_valid_fields() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let path = format!("/channels/{}", guild.text);

    let refused = bob.api.patch(&path, json!({ "name": "bobs" })).await.unwrap();
    let too_long = alice.api.patch(&path, json!({ "name": "x".repeat(101) })).await.unwrap();
    let to_voice = alice.api.patch(&path, json!({ "type": 2 })).await.unwrap();

    assert_error(&refused, 403, 50013);
    assert_error(&too_long, 400, 50035);
    assert_error(&to_voice, 400, 50035);
    let read = alice.api.get(&path).await.unwrap();
    assert_eq!(read.body["name"], "general");
    assert_eq!(read.body["type"], 0);
}

#[tokio::test]
async fn deleting_a_channel_returns_it_and_then_it_is_unknown() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let path = format!("/channels/{}", guild.text);

    let refused = bob.api.delete(&path).await.unwrap();
    assert_error(&refused, 403, 50013);

    let deleted = alice.api.delete(&path).await.unwrap();

    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(deleted.body["id"], guild.text.as_str());
    assert_eq!(deleted.body["name"], "general");
    assert_error(&alice.api.get(&path).await.unwrap(), 404, 10003);
    let list = alice.api.get(&format!("/guilds/{}/channels", guild.id)).await.unwrap();
    assert!(!list.text.contains(&guild.text), "{}", list.text);
}

#[tokio::test]
async fn a_non_member_gets_unknown_channel() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let eve = server.user("eve").await;

    let read = eve.api.get(&format!("/channels/{}", guild.text)).await.unwrap();
    let list = eve.api.get(&format!("/guilds/{}/channels", guild.id)).await.unwrap();

    assert_error(&read, 404, 10003);
    assert_error(&list, 404, 10004);
}

#[tokio::test]
async fn deleting_a_category_frees_its_children() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let path = format!("/guilds/{}/channels", guild.id);
    let category = alice.api.post(&path, json!({ "name": "cat", "type": 4 })).await.unwrap().id();
    let child = alice.api.post(&path, json!({ "name": "kid", "parent_id": category })).await.unwrap().id();

    let deleted = alice.api.delete(&format!("/channels/{category}")).await.unwrap();

    assert_eq!(deleted.status, 200, "{}", deleted.text);
    let read = alice.api.get(&format!("/channels/{child}")).await.unwrap();
    assert_eq!(read.status, 200, "{}", read.text);
    assert!(read.body["parent_id"].is_null(), "{}", read.text);
}

#[tokio::test]
async fn a_category_of_another_guild_cannot_be_a_parent() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let mine = server.guild(&alice).await;
    let other = server.guild(&alice).await;
    let foreign = alice
        .api
        .post(&format!("/guilds/{}/channels", other.id), json!({ "name": "cat", "type": 4 }))
        .await
        .unwrap()
        .id();

    let answer = alice
        .api
        .post(&format!("/guilds/{}/channels", mine.id), json!({ "name": "a", "parent_id": foreign }))
        .await
        .unwrap();

    assert_error(&answer, 400, 50035);
}
