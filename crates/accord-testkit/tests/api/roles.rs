//! Roles: create, list, modify, reorder, delete, and the hierarchy that bounds them: nobody
//! manages a role at or above their own highest role, or grants a permission they lack.

use accord_testkit::permissions::{ADMINISTRATOR, KICK_MEMBERS, MANAGE_GUILD, MANAGE_ROLES, SEND_MESSAGES};
use accord_testkit::{TestGuild, TestServer, TestUser, assert_error};
use serde_json::json;

/// Roles `low` (position 1), `mod` (2, MANAGE_ROLES and KICK_MEMBERS) and `high` (3), and a
/// member holding `mod`.
struct Ladder {
    low: String,
    moderator_role: String,
    high: String,
    moderator: TestUser,
}

async fn ladder(server: &TestServer, guild: &TestGuild) -> Ladder {
    let low = guild.role("low", 0).await;
    let moderator_role = guild.role("mod", MANAGE_ROLES | KICK_MEMBERS).await;
    let high = guild.role("high", 0).await;
    let moves = json!([
        { "id": low, "position": 1 },
        { "id": moderator_role, "position": 2 },
        { "id": high, "position": 3 },
    ]);
    let reordered = guild.owner.api.patch(&format!("/guilds/{}/roles", guild.id), moves).await.unwrap();
    assert_eq!(reordered.status, 200, "reorder: {}", reordered.text);
    let moderator = server.member(guild, "moderator").await;
    guild.assign(&moderator, &moderator_role).await;
    Ladder { low, moderator_role, high, moderator }
}

#[tokio::test]
async fn creating_a_role_returns_it_with_decimal_permissions_colors_and_flags() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let body = json!({ "name": "speaker", "permissions": SEND_MESSAGES.to_string(), "color": 0x3498db, "hoist": true });

    let answer = guild.owner.api.post(&format!("/guilds/{}/roles", guild.id), body).await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    let role = &answer.body;
    assert_eq!(role["name"], "speaker");
    assert_eq!(role["permissions"], SEND_MESSAGES.to_string(), "a decimal string");
    assert_eq!(role["color"], 0x3498db);
    assert_eq!(role["colors"]["primary_color"], 0x3498db);
    assert!(role["colors"]["secondary_color"].is_null(), "{role}");
    assert_eq!(role["flags"], 0);
    assert_eq!(role["hoist"], true);
    assert_eq!(role["managed"], false);
    assert_eq!(role["mentionable"], false);
    assert_eq!(role["position"], 1, "just above @everyone");
    let listed = guild.owner.api.get(&format!("/guilds/{}/roles", guild.id)).await.unwrap();
    assert!(listed.body.as_array().unwrap().iter().any(|r| r["id"] == role["id"]), "{}", listed.text);
}

#[tokio::test]
async fn creating_a_role_needs_manage_roles() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let keeper = server.member_with(&guild, "keeper", MANAGE_ROLES).await;
    let path = format!("/guilds/{}/roles", guild.id);

    let refused = bob.api.post(&path, json!({ "name": "mine" })).await.unwrap();
    let created = keeper.api.post(&path, json!({ "name": "kept" })).await.unwrap();

    assert_error(&refused, 403, 50013);
    assert_eq!(created.status, 200, "{}", created.text);
}

#[tokio::test]
async fn modifying_a_role_changes_its_fields() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let role = guild.role("old", 0).await;
    let path = format!("/guilds/{}/roles/{role}", guild.id);
    let body =
        json!({ "name": "new", "color": 0xff0000, "mentionable": true, "permissions": KICK_MEMBERS.to_string() });

    let answer = guild.owner.api.patch(&path, body).await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    let read = guild.owner.api.get(&path).await.unwrap();
    for role in [&answer.body, &read.body] {
        assert_eq!(role["name"], "new");
        assert_eq!(role["color"], 0xff0000);
        assert_eq!(role["mentionable"], true);
        assert_eq!(role["permissions"], KICK_MEMBERS.to_string());
    }
}

#[tokio::test]
async fn the_everyone_role_cannot_be_renamed_or_deleted() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let path = format!("/guilds/{}/roles/{}", guild.id, guild.id);

    let renamed = guild.owner.api.patch(&path, json!({ "name": "everybody" })).await.unwrap();
    let deleted = guild.owner.api.delete(&path).await.unwrap();

    assert_error(&renamed, 400, 50035);
    assert_error(&deleted, 400, 50028);
    assert_eq!(guild.owner.api.get(&path).await.unwrap().body["name"], "@everyone");
}

#[tokio::test]
async fn reordering_roles_sets_their_positions() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let first = guild.role("first", 0).await;
    let second = guild.role("second", 0).await;
    let moves = json!([{ "id": first, "position": 2 }, { "id": second, "position": 1 }]);

    let answer = guild.owner.api.patch(&format!("/guilds/{}/roles", guild.id), moves).await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    let position =
        |id: &str| answer.body.as_array().unwrap().iter().find(|r| r["id"] == id).unwrap()["position"].clone();
    assert_eq!(position(&first), 2);
    assert_eq!(position(&second), 1);
    assert_eq!(position(&guild.id), 0);
}

#[tokio::test]
async fn a_role_manager_cannot_edit_or_delete_a_role_at_or_above_their_own() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let ladder = ladder(&server, &guild).await;
    let path = |role: &str| format!("/guilds/{}/roles/{role}", guild.id);
    let api = &ladder.moderator.api;

    let edit_high = api.patch(&path(&ladder.high), json!({ "name": "mine" })).await.unwrap();
    let edit_own = api.patch(&path(&ladder.moderator_role), json!({ "name": "mine" })).await.unwrap();
    let delete_high = api.delete(&path(&ladder.high)).await.unwrap();
    let edit_low = api.patch(&path(&ladder.low), json!({ "name": "lower" })).await.unwrap();
    let raise_low =
        api.patch(&format!("/guilds/{}/roles", guild.id), json!([{ "id": ladder.low, "position": 3 }])).await.unwrap();

    assert_error(&edit_high, 403, 50013);
    assert_error(&edit_own, 403, 50013);
    assert_error(&delete_high, 403, 50013);
    assert_error(&raise_low, 403, 50013);
    assert_eq!(edit_low.status, 200, "{}", edit_low.text);
    assert_eq!(guild.owner.api.get(&path(&ladder.high)).await.unwrap().body["name"], "high");
}

#[tokio::test]
async fn a_role_manager_cannot_assign_a_role_at_or_above_their_own() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let ladder = ladder(&server, &guild).await;
    let bob = server.member(&guild, "bob").await;
    let path = |role: &str| format!("/guilds/{}/members/{}/roles/{role}", guild.id, bob.id);
    let api = &ladder.moderator.api;

    let high = api.put(&path(&ladder.high), json!({})).await.unwrap();
    let own = api.put(&path(&ladder.moderator_role), json!({})).await.unwrap();
    let via_patch = api
        .patch(&format!("/guilds/{}/members/{}", guild.id, bob.id), json!({ "roles": [ladder.high] }))
        .await
        .unwrap();
    let low = api.put(&path(&ladder.low), json!({})).await.unwrap();

    assert_error(&high, 403, 50013);
    assert_error(&own, 403, 50013);
    assert_error(&via_patch, 403, 50013);
    assert_eq!(low.status, 204, "{}", low.text);
    let member = api.get(&format!("/guilds/{}/members/{}", guild.id, bob.id)).await.unwrap();
    assert_eq!(member.body["roles"], json!([ladder.low]));
}

#[tokio::test]
async fn a_role_manager_cannot_grant_a_permission_they_lack() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let ladder = ladder(&server, &guild).await;
    let api = &ladder.moderator.api;

    let roles = format!("/guilds/{}/roles", guild.id);
    let low = format!("/guilds/{}/roles/{}", guild.id, ladder.low);

    let admin_role = api.post(&roles, json!({ "permissions": ADMINISTRATOR.to_string() })).await.unwrap();
    let add_manage_guild = api.patch(&low, json!({ "permissions": MANAGE_GUILD.to_string() })).await.unwrap();
    let kick = api.patch(&low, json!({ "permissions": KICK_MEMBERS.to_string() })).await.unwrap();

    assert_error(&admin_role, 403, 50013);
    assert_error(&add_manage_guild, 403, 50013);
    assert_eq!(kick.status, 200, "a held permission may be granted: {}", kick.text);
    assert_eq!(kick.body["permissions"], KICK_MEMBERS.to_string());
}

#[tokio::test]
async fn deleting_a_role_removes_it_from_its_members() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let role = guild.role("temporary", 0).await;
    let bob = server.member(&guild, "bob").await;
    guild.assign(&bob, &role).await;

    let deleted = guild.owner.api.delete(&format!("/guilds/{}/roles/{role}", guild.id)).await.unwrap();

    assert_eq!(deleted.status, 204, "{}", deleted.text);
    let member = guild.owner.api.get(&format!("/guilds/{}/members/{}", guild.id, bob.id)).await.unwrap();
    assert_eq!(member.body["roles"], json!([]), "{}", member.text);
    let read = guild.owner.api.get(&format!("/guilds/{}/roles/{role}", guild.id)).await.unwrap();
    assert_error(&read, 404, 10011);
}

#[tokio::test]
async fn a_non_member_gets_unknown_guild_for_roles() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let eve = server.user("eve").await;

    let list = eve.api.get(&format!("/guilds/{}/roles", guild.id)).await.unwrap();
    let create = eve.api.post(&format!("/guilds/{}/roles", guild.id), json!({ "name": "x" })).await.unwrap();

    assert_error(&list, 404, 10004);
    assert_error(&create, 404, 10004);
}
