//! Guilds: create (owner, @everyone, default channels), read, modify, delete, the caller's
//! guild list, and leaving.

use accord_testkit::permissions::{
    ADMINISTRATOR, CHANGE_NICKNAME, CREATE_INSTANT_INVITE, KICK_MEMBERS, MANAGE_GUILD, MANAGE_ROLES,
    READ_MESSAGE_HISTORY, SEND_MESSAGES, VIEW_CHANNEL,
};
use accord_testkit::{TestServer, assert_error};
use serde_json::json;

/// A permission field: a decimal string, parsed.
fn bits(value: &serde_json::Value) -> u64 {
    value.as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("not a decimal string: {value}"))
}

#[tokio::test]
async fn creating_a_guild_makes_the_caller_owner_with_an_everyone_role() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let answer = alice.api.post("/guilds", json!({ "name": "Alice's Place" })).await.unwrap();

    assert_eq!(answer.status, 201, "{}", answer.text);
    let guild = &answer.body;
    assert_eq!(guild["name"], "Alice's Place");
    assert_eq!(guild["owner_id"], alice.id.as_str());
    let everyone = &guild["roles"][0];
    assert_eq!(everyone["id"], guild["id"], "@everyone's id is the guild's: {guild}");
    assert_eq!(everyone["name"], "@everyone");
    assert_eq!(everyone["position"], 0);
    let permissions = bits(&everyone["permissions"]);
    let expected = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | CREATE_INSTANT_INVITE | CHANGE_NICKNAME;
    assert_eq!(permissions & expected, expected, "Discord's defaults: {permissions}");
    assert_eq!(permissions & (ADMINISTRATOR | MANAGE_GUILD | MANAGE_ROLES | KICK_MEMBERS), 0, "{permissions}");
}

#[tokio::test]
async fn a_new_guild_has_a_general_text_channel_and_a_general_voice_channel() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = alice.api.post("/guilds", json!({ "name": "Alice's Place" })).await.unwrap().id();

    let channels = alice.api.get(&format!("/guilds/{guild}/channels")).await.unwrap();

    assert_eq!(channels.status, 200, "{}", channels.text);
    let mut named: Vec<(String, u64)> = channels
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_owned(), c["type"].as_u64().unwrap()))
        .collect();
    named.sort();
    assert_eq!(named, [("General".to_owned(), 2), ("general".to_owned(), 0)]);
}

#[tokio::test]
async fn guild_names_must_have_2_to_100_characters() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    for name in ["a".to_owned(), " b ".to_owned(), "x".repeat(101)] {
        let answer = alice.api.post("/guilds", json!({ "name": name })).await.unwrap();

        assert_error(&answer, 400, 50035);
    }
    let longest = alice.api.post("/guilds", json!({ "name": "x".repeat(100) })).await.unwrap();
    assert_eq!(longest.status, 201, "{}", longest.text);
}

#[tokio::test]
async fn a_member_reads_the_guild_and_a_non_member_gets_unknown_guild() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let eve = server.user("eve").await;

    let seen = bob.api.get(&format!("/guilds/{}", guild.id)).await.unwrap();
    let hidden = eve.api.get(&format!("/guilds/{}", guild.id)).await.unwrap();

    assert_eq!(seen.status, 200, "{}", seen.text);
    assert_eq!(seen.body["id"], guild.id.as_str());
    assert_error(&hidden, 404, 10004);
}

#[tokio::test]
async fn modifying_a_guild_needs_manage_guild() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let manager = server.member_with(&guild, "manager", MANAGE_GUILD).await;
    let path = format!("/guilds/{}", guild.id);

    let refused = bob.api.patch(&path, json!({ "name": "Bob's Place" })).await.unwrap();
    let renamed = manager.api.patch(&path, json!({ "name": "Managed Place", "description": "tidy" })).await.unwrap();

    assert_error(&refused, 403, 50013);
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.body["name"], "Managed Place");
    let now = bob.api.get(&path).await.unwrap();
    assert_eq!(now.body["name"], "Managed Place");
    assert_eq!(now.body["description"], "tidy");
}

#[tokio::test]
async fn an_invalid_guild_name_is_rejected_and_changes_nothing() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let path = format!("/guilds/{}", guild.id);

    let answer = alice.api.patch(&path, json!({ "name": "x" })).await.unwrap();

    assert_error(&answer, 400, 50035);
    assert_eq!(alice.api.get(&path).await.unwrap().body["name"], "Test Guild");
}

#[tokio::test]
async fn only_the_owner_can_delete_a_guild() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let admin = server.member_with(&guild, "admin", ADMINISTRATOR).await;
    let path = format!("/guilds/{}", guild.id);

    let refused = admin.api.delete(&path).await.unwrap();
    assert_error(&refused, 403, 50013);
    assert_eq!(admin.api.get(&path).await.unwrap().status, 200);

    let deleted = alice.api.delete(&path).await.unwrap();

    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_error(&alice.api.get(&path).await.unwrap(), 404, 10004);
    assert_error(&admin.api.get(&path).await.unwrap(), 404, 10004);
    assert_error(&alice.api.get(&format!("/channels/{}", guild.text)).await.unwrap(), 404, 10003);
    assert_error(&alice.api.get(&format!("/channels/{}/messages", guild.text)).await.unwrap(), 404, 10003);
}

#[tokio::test]
async fn my_guild_list_marks_the_owned_guild_and_carries_permissions() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let own = server.guild(&alice).await;
    let other = server.guild(&bob).await;
    other.join(&alice).await;
    let everyone = bob.api.get(&format!("/guilds/{}/roles", other.id)).await.unwrap().body[0]["permissions"].clone();

    let answer = alice.api.get("/users/@me/guilds").await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    let list = answer.body.as_array().unwrap();
    assert_eq!(list.len(), 2, "{}", answer.text);
    let find = |id: &str| list.iter().find(|g| g["id"] == id).unwrap_or_else(|| panic!("{id} in {}", answer.text));
    assert_eq!(find(&own.id)["owner"], true);
    assert_eq!(find(&own.id)["name"], "Test Guild");
    assert_ne!(bits(&find(&own.id)["permissions"]) & ADMINISTRATOR, 0, "the owner holds every permission");
    assert_eq!(find(&other.id)["owner"], false);
    assert_eq!(find(&other.id)["permissions"], everyone, "a plain member has @everyone's permissions");
}

#[tokio::test]
async fn leaving_a_guild_ends_the_membership() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;

    let left = bob.api.delete(&format!("/users/@me/guilds/{}", guild.id)).await.unwrap();

    assert_eq!(left.status, 204, "{}", left.text);
    assert_error(&bob.api.get(&format!("/guilds/{}", guild.id)).await.unwrap(), 404, 10004);
    assert_eq!(bob.api.get("/users/@me/guilds").await.unwrap().body, json!([]));
    let member = guild.owner.api.get(&format!("/guilds/{}/members/{}", guild.id, bob.id)).await.unwrap();
    assert_error(&member, 404, 10007);
}

#[tokio::test]
async fn the_owner_cannot_leave_their_guild() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;

    let answer = alice.api.delete(&format!("/users/@me/guilds/{}", guild.id)).await.unwrap();

    assert_error(&answer, 400, 50055);
    assert_eq!(alice.api.get(&format!("/guilds/{}", guild.id)).await.unwrap().status, 200);
}

#[tokio::test]
async fn a_non_member_cannot_leave_a_guild() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let eve = server.user("eve").await;

    let answer = eve.api.delete(&format!("/users/@me/guilds/{}", guild.id)).await.unwrap();

    assert_error(&answer, 404, 10004);
}

#[tokio::test]
async fn the_owner_transfers_ownership_and_may_then_leave() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let admin = server.member_with(&guild, "admin", ADMINISTRATOR).await;
    let bob = server.member(&guild, "bob").await;
    let path = format!("/guilds/{}", guild.id);

    let by_admin = admin.api.patch(&path, json!({ "owner_id": admin.id })).await.unwrap();
    let by_owner = alice.api.patch(&path, json!({ "owner_id": bob.id })).await.unwrap();
    let left = alice.api.delete(&format!("/users/@me/guilds/{}", guild.id)).await.unwrap();

    assert_error(&by_admin, 403, 50013);
    assert_eq!(by_owner.status, 200, "{}", by_owner.text);
    assert_eq!(by_owner.body["owner_id"], bob.id.as_str());
    assert_eq!(left.status, 204, "{}", left.text);
    assert_error(&bob.api.delete(&format!("/users/@me/guilds/{}", guild.id)).await.unwrap(), 400, 50055);
}

#[tokio::test]
async fn with_counts_adds_the_approximate_member_count() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    server.member(&guild, "bob").await;

    let counted = guild.owner.api.get(&format!("/guilds/{}?with_counts=true", guild.id)).await.unwrap();
    let plain = guild.owner.api.get(&format!("/guilds/{}", guild.id)).await.unwrap();

    assert_eq!(counted.status, 200, "{}", counted.text);
    assert_eq!(counted.body["approximate_member_count"], 2);
    assert!(plain.body["approximate_member_count"].is_null(), "{}", plain.text);
}
