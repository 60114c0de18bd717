//! Invites: create, look up (anonymously too), accept to join, single use, delete, list per
//! guild and per channel; bots cannot accept.

use accord_testkit::permissions::{CREATE_INSTANT_INVITE, MANAGE_CHANNELS, MANAGE_GUILD};
use accord_testkit::{TestGuild, TestServer, TestUser, assert_error};
use serde_json::{Value, json};

/// `creator` makes an invite to `channel` with `body`; returns its code.
async fn invite(creator: &TestUser, channel: &str, body: Value) -> String {
    let answer = creator.api.post(&format!("/channels/{channel}/invites"), body).await.unwrap();
    assert_eq!(answer.status, 200, "create invite: {}", answer.text);
    answer.body["code"].as_str().unwrap().to_owned()
}

async fn member_count(guild: &TestGuild) -> usize {
    let members = guild.owner.api.get(&format!("/guilds/{}/members?limit=1000", guild.id)).await.unwrap();
    members.body.as_array().unwrap().len()
}

#[tokio::test]
async fn creating_an_invite_returns_its_code_guild_channel_inviter_and_limits() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;

    let path = format!("/channels/{}/invites", guild.text);

    let answer = alice.api.post(&path, json!({ "max_age": 3600, "max_uses": 5 })).await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    let invite = &answer.body;
    assert!(invite["code"].as_str().is_some_and(|c| !c.is_empty() && c.chars().all(|c| c.is_ascii_alphanumeric())));
    assert_eq!(invite["guild"]["id"], guild.id.as_str());
    assert_eq!(invite["guild"]["name"], "Test Guild");
    assert_eq!(invite["channel"]["id"], guild.text.as_str());
    assert_eq!(invite["channel"]["name"], "general");
    assert_eq!(invite["channel"]["type"], 0);
    assert_eq!(invite["inviter"]["id"], alice.id.as_str());
    assert_eq!(invite["max_age"], 3600);
    assert_eq!(invite["max_uses"], 5);
    assert_eq!(invite["uses"], 0);
    assert!(invite["expires_at"].as_str().is_some_and(|t| t.ends_with("+00:00")), "{invite}");
}

#[tokio::test]
async fn an_invite_without_max_age_never_expires() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;

    let answer = alice.api.post(&format!("/channels/{}/invites", guild.text), json!({ "max_age": 0 })).await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["max_age"], 0);
    assert!(answer.body["expires_at"].is_null(), "{}", answer.text);
}

#[tokio::test]
async fn anyone_can_look_up_an_invite_without_signing_in() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let code = invite(&guild.owner, &guild.text, json!({})).await;

    let answer = server.client().get(&format!("/invites/{code}")).await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["code"], code.as_str());
    assert_eq!(answer.body["guild"]["id"], guild.id.as_str());
}

#[tokio::test]
async fn an_unknown_invite_code_answers_unknown_invite() {
    let server = TestServer::spawn().await;
    let bob = server.user("bob").await;

    for code in ["NoSuchCode", "bad%20code", &"x".repeat(40)] {
        assert_error(&server.client().get(&format!("/invites/{code}")).await.unwrap(), 404, 10006);
        assert_error(&bob.api.post(&format!("/invites/{code}"), json!({})).await.unwrap(), 404, 10006);
    }
}

#[tokio::test]
async fn accepting_an_invite_joins_the_guild_and_announces_the_member() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let code = invite(&guild.owner, &guild.text, json!({})).await;
    let bob = server.user("bob").await;
    let mut events = server.events().await;

    let answer = bob.api.post(&format!("/invites/{code}"), json!({})).await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["guild"]["id"], guild.id.as_str());
    let added = events.expect("GUILD_MEMBER_ADD").await;
    assert_eq!(added.guild_id.as_deref(), Some(guild.id.as_str()));
    assert_eq!(added.data["user"]["id"], bob.id.as_str());
    assert_eq!(added.data["guild_id"], guild.id.as_str());
    let member = bob.api.get(&format!("/guilds/{}/members/{}", guild.id, bob.id)).await.unwrap();
    assert_eq!(member.status, 200, "{}", member.text);
    let looked_up = bob.api.get(&format!("/invites/{code}")).await.unwrap();
    assert_eq!(looked_up.body["uses"], 1);
}

#[tokio::test]
async fn accepting_an_invite_twice_keeps_one_membership() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let code = invite(&guild.owner, &guild.text, json!({})).await;
    let bob = server.user("bob").await;

    let first = bob.api.post(&format!("/invites/{code}"), json!({})).await.unwrap();
    let second = bob.api.post(&format!("/invites/{code}"), json!({})).await.unwrap();

    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(member_count(&guild).await, 2);
}

#[tokio::test]
async fn a_single_use_invite_turns_the_second_user_away() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let code = invite(&guild.owner, &guild.text, json!({ "max_uses": 1 })).await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;

    let first = bob.api.post(&format!("/invites/{code}"), json!({})).await.unwrap();
    let second = carol.api.post(&format!("/invites/{code}"), json!({})).await.unwrap();

    assert_eq!(first.status, 200, "{}", first.text);
    assert_error(&second, 404, 10006);
    assert_error(&carol.api.get(&format!("/guilds/{}", guild.id)).await.unwrap(), 404, 10004);
    assert_eq!(member_count(&guild).await, 2);
}

#[tokio::test]
async fn deleting_an_invite_makes_it_unknown() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let code = invite(&guild.owner, &guild.text, json!({})).await;
    let carol = server.user("carol").await;

    let refused = bob.api.delete(&format!("/invites/{code}")).await.unwrap();
    assert_error(&refused, 403, 50013);

    let deleted = guild.owner.api.delete(&format!("/invites/{code}")).await.unwrap();

    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(deleted.body["code"], code.as_str());
    assert_error(&server.client().get(&format!("/invites/{code}")).await.unwrap(), 404, 10006);
    assert_error(&carol.api.post(&format!("/invites/{code}"), json!({})).await.unwrap(), 404, 10006);
    assert_error(&guild.owner.api.delete(&format!("/invites/{code}")).await.unwrap(), 404, 10006);
}

#[tokio::test]
async fn a_guild_manager_or_a_channel_manager_can_delete_an_invite() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let guild_manager = server.member_with(&guild, "gm", MANAGE_GUILD).await;
    let channel_manager = server.member_with(&guild, "cm", MANAGE_CHANNELS).await;
    let first = invite(&guild.owner, &guild.text, json!({ "unique": true })).await;
    let second = invite(&guild.owner, &guild.text, json!({ "unique": true })).await;

    let by_guild_manager = guild_manager.api.delete(&format!("/invites/{first}")).await.unwrap();
    let by_channel_manager = channel_manager.api.delete(&format!("/invites/{second}")).await.unwrap();

    assert_eq!(by_guild_manager.status, 200, "{}", by_guild_manager.text);
    assert_eq!(by_channel_manager.status, 200, "{}", by_channel_manager.text);
}

#[tokio::test]
async fn invites_are_listed_per_guild_and_per_channel() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let in_text = invite(&guild.owner, &guild.text, json!({})).await;
    let in_voice = invite(&guild.owner, &guild.voice, json!({})).await;

    let per_guild = guild.owner.api.get(&format!("/guilds/{}/invites", guild.id)).await.unwrap();
    let per_channel = guild.owner.api.get(&format!("/channels/{}/invites", guild.voice)).await.unwrap();
    let bob = server.member(&guild, "bob").await;
    let by_plain = bob.api.get(&format!("/guilds/{}/invites", guild.id)).await.unwrap();

    let codes = |list: &Value| -> Vec<String> {
        let mut codes: Vec<String> =
            list.as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_owned()).collect();
        codes.sort();
        codes
    };
    assert_eq!(per_guild.status, 200, "{}", per_guild.text);
    let mut both = vec![in_text, in_voice.clone()];
    both.sort();
    assert_eq!(codes(&per_guild.body), both);
    assert_eq!(per_channel.status, 200, "{}", per_channel.text);
    assert_eq!(codes(&per_channel.body), [in_voice]);
    assert_error(&by_plain, 403, 50013);
}

#[tokio::test]
async fn creating_an_invite_needs_create_instant_invite() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let inviter = server.member_with(&guild, "inviter", CREATE_INSTANT_INVITE).await;
    let everyone = format!("/guilds/{}/roles/{}", guild.id, guild.id);
    let defaults: u64 =
        guild.owner.api.get(&everyone).await.unwrap().body["permissions"].as_str().unwrap().parse().unwrap();
    let without = (defaults & !CREATE_INSTANT_INVITE).to_string();
    let edited = guild.owner.api.patch(&everyone, json!({ "permissions": without })).await.unwrap();
    assert_eq!(edited.status, 200, "{}", edited.text);
    let path = format!("/channels/{}/invites", guild.text);

    let refused = bob.api.post(&path, json!({})).await.unwrap();
    let allowed = inviter.api.post(&path, json!({})).await.unwrap();

    assert_error(&refused, 403, 50013);
    assert_eq!(allowed.status, 200, "{}", allowed.text);
}

#[tokio::test]
async fn invite_limits_out_of_range_are_rejected() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let path = format!("/channels/{}/invites", guild.text);

    let too_old = alice.api.post(&path, json!({ "max_age": 604_801 })).await.unwrap();
    let too_many = alice.api.post(&path, json!({ "max_uses": 101 })).await.unwrap();

    assert_error(&too_old, 400, 50035);
    assert_error(&too_many, 400, 50035);
}

#[tokio::test]
async fn bots_cannot_accept_invites() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bot = server.bot(&alice, "helper").await;
    let code = invite(&alice, &guild.text, json!({})).await;

    let answer = bot.api.post(&format!("/invites/{code}"), json!({})).await.unwrap();

    assert_error(&answer, 403, 20001);
    assert_eq!(member_count(&guild).await, 1);
}

#[tokio::test]
async fn an_expired_invite_is_unknown() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let code = invite(&guild.owner, &guild.text, json!({ "max_age": 1 })).await;
    let bob = server.user("bob").await;

    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;

    assert_error(&server.client().get(&format!("/invites/{code}")).await.unwrap(), 404, 10006);
    assert_error(&bob.api.post(&format!("/invites/{code}"), json!({})).await.unwrap(), 404, 10006);
    assert_eq!(member_count(&guild).await, 1);
}

#[tokio::test]
async fn deleting_a_channel_deletes_its_invites() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let code = invite(&guild.owner, &guild.text, json!({})).await;

    guild.owner.api.delete(&format!("/channels/{}", guild.text)).await.unwrap();

    assert_error(&server.client().get(&format!("/invites/{code}")).await.unwrap(), 404, 10006);
    let listed = guild.owner.api.get(&format!("/guilds/{}/invites", guild.id)).await.unwrap();
    assert_eq!(listed.body, json!([]), "{}", listed.text);
}

#[tokio::test]
async fn deleting_the_guild_deletes_its_invites() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let code = invite(&guild.owner, &guild.text, json!({})).await;

    guild.owner.api.delete(&format!("/guilds/{}", guild.id)).await.unwrap();

    assert_error(&server.client().get(&format!("/invites/{code}")).await.unwrap(), 404, 10006);
}
