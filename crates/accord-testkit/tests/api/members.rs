//! Guild members: list and paging, read, nicknames, roles, kick (with the hierarchy), and
//! timeouts.

use accord_testkit::permissions::{
    ADMINISTRATOR, KICK_MEMBERS, MANAGE_NICKNAMES, MANAGE_ROLES, MODERATE_MEMBERS, SEND_MESSAGES,
};
use accord_testkit::{TestServer, assert_error, timestamp_from_now};
use serde_json::json;

fn user_ids(list: &serde_json::Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|m| m["user"]["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn the_member_list_pages_by_user_id_with_limit_and_after() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    server.member(&guild, "bob").await;
    server.member(&guild, "carol").await;
    let path = format!("/guilds/{}/members", guild.id);

    let all = guild.owner.api.get(&format!("{path}?limit=1000")).await.unwrap();
    let default = guild.owner.api.get(&path).await.unwrap();
    let first_two = guild.owner.api.get(&format!("{path}?limit=2")).await.unwrap();
    let all_ids = user_ids(&all.body);
    let rest = guild.owner.api.get(&format!("{path}?limit=2&after={}", all_ids[1])).await.unwrap();

    assert_eq!(all.status, 200, "{}", all.text);
    assert_eq!(all_ids.len(), 3);
    let mut sorted = all_ids.clone();
    sorted.sort_by_key(|id| id.parse::<u64>().unwrap());
    assert_eq!(all_ids, sorted, "ascending by user id");
    assert_eq!(user_ids(&default.body), all_ids[..1], "the default limit is 1");
    assert_eq!(user_ids(&first_two.body), all_ids[..2]);
    assert_eq!(user_ids(&rest.body), all_ids[2..]);
}

#[tokio::test]
async fn a_member_list_limit_outside_1_to_1000_is_rejected() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;

    for limit in ["0", "1001", "-1", "many"] {
        let answer = guild.owner.api.get(&format!("/guilds/{}/members?limit={limit}", guild.id)).await.unwrap();

        assert_eq!(answer.status, 400, "limit={limit}: {}", answer.text);
    }
}

#[tokio::test]
async fn getting_a_member_returns_the_user_and_roles() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let eve = server.user("eve").await;

    let member = guild.owner.api.get(&format!("/guilds/{}/members/{}", guild.id, bob.id)).await.unwrap();
    let stranger = guild.owner.api.get(&format!("/guilds/{}/members/{}", guild.id, eve.id)).await.unwrap();

    assert_eq!(member.status, 200, "{}", member.text);
    assert_eq!(member.body["user"]["id"], bob.id.as_str());
    assert_eq!(member.body["user"]["username"], "bob");
    assert_eq!(member.body["roles"], json!([]));
    assert!(member.body["nick"].is_null());
    for key in ["joined_at", "deaf", "mute", "flags"] {
        assert!(member.body.get(key).is_some(), "{key} in {}", member.text);
    }
    assert_error(&stranger, 404, 10007);
}

#[tokio::test]
async fn a_member_changes_their_own_nick() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;

    let answer = bob.api.patch(&format!("/guilds/{}/members/@me", guild.id), json!({ "nick": "Bobby" })).await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["nick"], "Bobby");
    let read = bob.api.get(&format!("/guilds/{}/members/{}", guild.id, bob.id)).await.unwrap();
    assert_eq!(read.body["nick"], "Bobby");
}

#[tokio::test]
async fn changing_someone_elses_nick_needs_manage_nicknames() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.member(&guild, "carol").await;
    let namer = server.member_with(&guild, "namer", MANAGE_NICKNAMES).await;
    let path = format!("/guilds/{}/members/{}", guild.id, bob.id);

    let refused = carol.api.patch(&path, json!({ "nick": "Bobo" })).await.unwrap();
    let renamed = namer.api.patch(&path, json!({ "nick": "Robert" })).await.unwrap();
    let too_long = namer.api.patch(&path, json!({ "nick": "x".repeat(33) })).await.unwrap();

    assert_error(&refused, 403, 50013);
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.body["nick"], "Robert");
    assert_error(&too_long, 400, 50035);
    assert_eq!(guild.owner.api.get(&path).await.unwrap().body["nick"], "Robert");
}

#[tokio::test]
async fn member_roles_are_set_by_patch_and_by_put_and_delete() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let red = guild.role("red", 0).await;
    let blue = guild.role("blue", 0).await;
    let bob = server.member(&guild, "bob").await;
    let member = format!("/guilds/{}/members/{}", guild.id, bob.id);
    let api = &guild.owner.api;

    let patched = api.patch(&member, json!({ "roles": [red, blue] })).await.unwrap();
    let removed = api.delete(&format!("{member}/roles/{red}")).await.unwrap();
    let after_delete = api.get(&member).await.unwrap();
    let added = api.put(&format!("{member}/roles/{red}"), json!({})).await.unwrap();
    let after_put = api.get(&member).await.unwrap();

    assert_eq!(patched.status, 200, "{}", patched.text);
    let mut roles: Vec<String> = serde_json::from_value(patched.body["roles"].clone()).unwrap();
    roles.sort();
    let mut expected = vec![red.clone(), blue.clone()];
    expected.sort();
    assert_eq!(roles, expected);
    assert_eq!(removed.status, 204, "{}", removed.text);
    assert_eq!(after_delete.body["roles"], json!([blue]));
    assert_eq!(added.status, 204, "{}", added.text);
    assert_eq!(after_put.body["roles"].as_array().unwrap().len(), 2, "{}", after_put.text);
}

#[tokio::test]
async fn the_everyone_role_and_unknown_roles_cannot_be_assigned() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let member = format!("/guilds/{}/members/{}", guild.id, bob.id);

    let everyone = guild.owner.api.put(&format!("{member}/roles/{}", guild.id), json!({})).await.unwrap();
    let unknown = guild.owner.api.put(&format!("{member}/roles/{}", bob.id), json!({})).await.unwrap();

    assert_error(&everyone, 404, 10011);
    assert_error(&unknown, 404, 10011);
}

#[tokio::test]
async fn assigning_roles_needs_manage_roles() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let role = guild.role("red", 0).await;
    let bob = server.member(&guild, "bob").await;

    let answer =
        bob.api.put(&format!("/guilds/{}/members/{}/roles/{role}", guild.id, bob.id), json!({})).await.unwrap();

    assert_error(&answer, 403, 50013);
}

#[tokio::test]
async fn kicking_needs_kick_members_and_outranking_the_target() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bouncer = guild.role("bouncer", KICK_MEMBERS).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.member(&guild, "carol").await;
    let dave = server.member(&guild, "dave").await;
    guild.assign(&bob, &bouncer).await;
    guild.assign(&carol, &bouncer).await;
    let kick = |user: &str| format!("/guilds/{}/members/{user}", guild.id);

    let equal = bob.api.delete(&kick(&carol.id)).await.unwrap();
    let unpermitted = dave.api.delete(&kick(&carol.id)).await.unwrap();
    let below = bob.api.delete(&kick(&dave.id)).await.unwrap();

    assert_error(&equal, 403, 50013);
    assert_error(&unpermitted, 403, 50013);
    assert_eq!(below.status, 204, "{}", below.text);
    assert_error(&guild.owner.api.get(&kick(&dave.id)).await.unwrap(), 404, 10007);
    assert_error(&dave.api.get(&format!("/guilds/{}", guild.id)).await.unwrap(), 404, 10004);
    assert_eq!(guild.owner.api.get(&kick(&carol.id)).await.unwrap().status, 200);
}

#[tokio::test]
async fn nobody_can_kick_the_owner() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let admin = server.member_with(&guild, "admin", ADMINISTRATOR).await;

    let by_admin = admin.api.delete(&format!("/guilds/{}/members/{}", guild.id, alice.id)).await.unwrap();
    let by_self = alice.api.delete(&format!("/guilds/{}/members/{}", guild.id, alice.id)).await.unwrap();

    assert_error(&by_admin, 403, 50013);
    assert_error(&by_self, 403, 50013);
    assert_eq!(alice.api.get(&format!("/guilds/{}", guild.id)).await.unwrap().status, 200);
}

#[tokio::test]
async fn a_timed_out_member_cannot_send_messages_but_still_reads() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let until = timestamp_from_now(3600);
    let member = format!("/guilds/{}/members/{}", guild.id, bob.id);

    let timed_out = guild.owner.api.patch(&member, json!({ "communication_disabled_until": until })).await.unwrap();

    assert_eq!(timed_out.status, 200, "{}", timed_out.text);
    assert_eq!(timed_out.body["communication_disabled_until"], until.as_str());
    let send = bob.api.post(&format!("/channels/{}/messages", guild.text), json!({ "content": "hi" })).await.unwrap();
    assert_error(&send, 403, 50013);
    let read = bob.api.get(&format!("/channels/{}/messages", guild.text)).await.unwrap();
    assert_eq!(read.status, 200, "{}", read.text);

    let lifted = guild.owner.api.patch(&member, json!({ "communication_disabled_until": null })).await.unwrap();

    assert_eq!(lifted.status, 200, "{}", lifted.text);
    assert!(lifted.body["communication_disabled_until"].is_null(), "{}", lifted.text);
    bob.say(&guild.text, "back again").await;
}

#[tokio::test]
async fn timeouts_need_moderate_members_and_at_most_28_days() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.member(&guild, "carol").await;
    let warden = server.member_with(&guild, "warden", MODERATE_MEMBERS).await;
    let member = format!("/guilds/{}/members/{}", guild.id, bob.id);

    let until = |secs: i64| json!({ "communication_disabled_until": timestamp_from_now(secs) });

    let by_plain = carol.api.patch(&member, until(60)).await.unwrap();
    let too_long = warden.api.patch(&member, until(29 * 86_400)).await.unwrap();
    let by_warden = warden.api.patch(&member, until(60)).await.unwrap();

    assert_error(&by_plain, 403, 50013);
    assert_error(&too_long, 400, 50035);
    assert_eq!(by_warden.status, 200, "{}", by_warden.text);
}

#[tokio::test]
async fn a_timed_out_administrator_still_sends() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let admin = server.member_with(&guild, "admin", ADMINISTRATOR | SEND_MESSAGES | MANAGE_ROLES).await;
    let until = timestamp_from_now(3600);

    let timed_out = guild
        .owner
        .api
        .patch(&format!("/guilds/{}/members/{}", guild.id, admin.id), json!({ "communication_disabled_until": until }))
        .await
        .unwrap();

    assert_eq!(timed_out.status, 200, "{}", timed_out.text);
    admin.say(&guild.text, "administrators are exempt").await;
}

#[tokio::test]
async fn a_nickname_manager_cannot_rename_the_owner_or_a_higher_member() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let namer = server.member_with(&guild, "namer", MANAGE_NICKNAMES).await;
    let admin = server.member_with(&guild, "admin", ADMINISTRATOR).await;
    let moves = json!([{ "id": only_role_of(&guild, &admin).await, "position": 5 }]);
    assert_eq!(guild.owner.api.patch(&format!("/guilds/{}/roles", guild.id), moves).await.unwrap().status, 200);
    let nick = json!({ "nick": "renamed" });

    let owner =
        namer.api.patch(&format!("/guilds/{}/members/{}", guild.id, guild.owner.id), nick.clone()).await.unwrap();
    let higher = namer.api.patch(&format!("/guilds/{}/members/{}", guild.id, admin.id), nick).await.unwrap();

    assert_error(&owner, 403, 50013);
    assert_error(&higher, 403, 50013);
}

/// The first (here: only) role `user` holds.
async fn only_role_of(guild: &accord_testkit::TestGuild, user: &accord_testkit::TestUser) -> String {
    let member = guild.owner.api.get(&format!("/guilds/{}/members/{}", guild.id, user.id)).await.unwrap();
    member.body["roles"][0].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_role_of_another_guild_cannot_be_assigned() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let other = server.guild(&guild.owner).await;
    let foreign = other.role("foreign", 0).await;
    let bob = server.member(&guild, "bob").await;
    let member = format!("/guilds/{}/members/{}", guild.id, bob.id);

    let put = guild.owner.api.put(&format!("{member}/roles/{foreign}"), json!({})).await.unwrap();
    let patch = guild.owner.api.patch(&member, json!({ "roles": [foreign] })).await.unwrap();

    assert_error(&put, 404, 10011);
    assert_error(&patch, 404, 10011);
    assert_eq!(guild.owner.api.get(&member).await.unwrap().body["roles"], json!([]));
}
