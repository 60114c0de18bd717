//! The audit log: every configuration and moderation action recorded with actor, target, changes and reason.
//! Entries are read back from `GET /guilds/{g}/audit-logs` (its filters and VIEW_AUDIT_LOG),
//! seen on the bus, and delivered over the gateway to moderators only.

use accord_client::Answer;
use accord_testkit::permissions::{
    KICK_MEMBERS, MANAGE_CHANNELS, MANAGE_MESSAGES, MANAGE_NICKNAMES, MODERATE_MEMBERS, VIEW_AUDIT_LOG,
};
use accord_testkit::{TestGuild, TestServer, TestUser, assert_error, timestamp_from_now};
use reqwest::Method;
use serde_json::{Value, json};

use super::super::gateway::{MESSAGES, WAIT, session, until_message};

const GUILD_MODERATION: u64 = 1 << 2;

/// Discord's action types, written out from its documentation.
const GUILD_UPDATE: u64 = 1;
const CHANNEL_CREATE: u64 = 10;
const CHANNEL_UPDATE: u64 = 11;
const CHANNEL_DELETE: u64 = 12;
const CHANNEL_OVERWRITE_CREATE: u64 = 13;
const CHANNEL_OVERWRITE_UPDATE: u64 = 14;
const MEMBER_KICK: u64 = 20;
const MEMBER_UPDATE: u64 = 24;
const MEMBER_ROLE_UPDATE: u64 = 25;
const ROLE_CREATE: u64 = 30;
const ROLE_UPDATE: u64 = 31;
const INVITE_CREATE: u64 = 40;
const EMOJI_CREATE: u64 = 60;
const MESSAGE_DELETE: u64 = 72;
const MESSAGE_PIN: u64 = 74;
const THREAD_CREATE: u64 = 110;
const THREAD_UPDATE: u64 = 111;

/// `method path` as `user` with `X-Audit-Log-Reason: reason`, percent-encoded as libraries
/// send it (the client has no extra headers, so this goes through reqwest).
async fn with_reason(user: &TestUser, method: Method, path: &str, body: Option<Value>, reason: &str) -> Answer {
    let url = format!("{}{path}", user.api.api_root());
    let mut request = reqwest::Client::new()
        .request(method, url)
        .header("Authorization", format!("Bearer {}", user.token))
        .header("X-Audit-Log-Reason", reason);
    if let Some(body) = body {
        request = request.header("Content-Type", "application/json").body(body.to_string());
    }
    let response = request.send().await.expect("request");
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    let text = response.text().await.expect("body");
    Answer { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::Null), text }
}

/// The guild's audit log entries as `user` reads them with `query` (`?user_id=...` or empty).
async fn entries(user: &TestUser, guild: &TestGuild, query: &str) -> Vec<Value> {
    let answer = user.api.get(&format!("/guilds/{}/audit-logs{query}", guild.id)).await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body["audit_log_entries"].as_array().expect("entries").clone()
}

/// The newest entry of `action_type` on `target` (a null target for `None`).
#[track_caller]
fn entry<'a>(entries: &'a [Value], action_type: u64, target: Option<&str>) -> &'a Value {
    let found = entries.iter().find(|e| e["action_type"] == action_type && e["target_id"].as_str() == target);
    found.unwrap_or_else(|| panic!("no entry {action_type} on {target:?} in {entries:#?}"))
}

/// The keys of an entry's changes.
fn keys(entry: &Value) -> Vec<&str> {
    entry["changes"].as_array().map_or(Vec::new(), |c| c.iter().filter_map(|c| c["key"].as_str()).collect())
}

/// Asserts `entry` was made by `actor` and changed at least `key` (and shows why not).
#[track_caller]
fn assert_made(entry: &Value, actor: &TestUser, key: &str) {
    assert_eq!(entry["user_id"], actor.id.as_str(), "{entry:#}");
    assert!(keys(entry).contains(&key), "no {key} change in {entry:#}");
}

fn ids(entries: &[Value]) -> Vec<u64> {
    entries.iter().map(|e| e["id"].as_str().and_then(|id| id.parse().ok()).expect("entry id")).collect()
}

#[tokio::test]
async fn guild_configuration_changes_are_recorded_with_actor_target_and_changes() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let renamed = alice.api.patch(&format!("/guilds/{}", guild.id), json!({ "name": "Renamed" })).await.unwrap();
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    let channel = guild.channel("audit").await;
    let topic = alice.api.patch(&format!("/channels/{channel}"), json!({ "topic": "watched" })).await.unwrap();
    assert_eq!(topic.status, 200, "{}", topic.text);
    let role = guild.role("helpers", 0).await;
    let color = alice.api.patch(&format!("/guilds/{}/roles/{role}", guild.id), json!({ "color": 255 })).await;
    assert_eq!(color.unwrap().status, 200);
    guild.overwrite(&channel, &role, 0, 1 << 11, 0).await;
    guild.overwrite(&channel, &role, 0, 0, 1 << 11).await;
    let emoji = guild.emoji("blob").await;
    let invite = alice.api.post(&format!("/channels/{channel}/invites"), json!({ "max_uses": 3 })).await.unwrap();
    let thread = json!({ "name": "topic", "type": 11 });
    let thread = alice.api.post(&format!("/channels/{channel}/threads"), thread).await.unwrap().id();
    let archived = alice.api.patch(&format!("/channels/{thread}"), json!({ "archived": true })).await.unwrap();
    assert_eq!(archived.status, 200, "{}", archived.text);
    let deleted = alice.api.delete(&format!("/channels/{channel}")).await.unwrap();
    assert_eq!(deleted.status, 200, "{}", deleted.text);

    let log = entries(&alice, &guild, "").await;

    let update = entry(&log, GUILD_UPDATE, Some(&guild.id));
    assert_made(update, &alice, "name");
    let name = update["changes"].as_array().unwrap().iter().find(|c| c["key"] == "name").unwrap();
    assert_eq!((&name["old_value"], &name["new_value"]), (&json!("Test Guild"), &json!("Renamed")));
    assert_made(entry(&log, CHANNEL_CREATE, Some(&channel)), &alice, "name");
    assert_eq!(keys(entry(&log, CHANNEL_UPDATE, Some(&channel))), ["topic"]);
    assert_made(entry(&log, CHANNEL_DELETE, Some(&channel)), &alice, "name");
    let created = entry(&log, CHANNEL_OVERWRITE_CREATE, Some(&channel));
    assert_made(created, &alice, "allow");
    assert_eq!(created["options"]["id"], role.as_str());
    assert_eq!(created["options"]["type"], "0", "types are strings, as on Discord");
    assert_eq!(keys(entry(&log, CHANNEL_OVERWRITE_UPDATE, Some(&channel))), ["allow", "deny"]);
    assert_made(entry(&log, ROLE_CREATE, Some(&role)), &alice, "name");
    assert_made(entry(&log, ROLE_UPDATE, Some(&role)), &alice, "color");
    assert_made(entry(&log, EMOJI_CREATE, Some(&emoji)), &alice, "name");
    let code = invite.body["code"].as_str().expect("invite code");
    let names_code =
        |e: &&Value| e["changes"].as_array().unwrap().iter().any(|c| c["key"] == "code" && c["new_value"] == code);
    let invited = log.iter().filter(|e| e["action_type"] == INVITE_CREATE).find(names_code);
    assert!(invited.is_some_and(|e| e["target_id"].is_null() && e["user_id"] == alice.id.as_str()), "{log:#?}");
    assert_made(entry(&log, THREAD_CREATE, Some(&thread)), &alice, "name");
    assert_eq!(keys(entry(&log, THREAD_UPDATE, Some(&thread))), ["archived"]);
}

#[tokio::test]
async fn member_moderation_is_recorded_with_the_reason_given() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let powers = MANAGE_NICKNAMES | MODERATE_MEMBERS | KICK_MEMBERS | MANAGE_MESSAGES;
    let moderator = server.member_with(&guild, "moderator", powers).await;
    let bob = server.member(&guild, "bob").await;
    let spam = bob.say(&guild.text, "spam").await;
    let pinned = bob.say(&guild.text, "worth keeping").await;
    let own = moderator.say(&guild.text, "my own").await;
    let me = format!("/guilds/{}/members/@me", guild.id);
    assert_eq!(bob.api.patch(&me, json!({ "nick": "b" })).await.unwrap().status, 200);
    let role = guild.role("helpers", 0).await;
    guild.assign(&bob, &role).await;
    let member = format!("/guilds/{}/members/{}", guild.id, bob.id);

    let edit = json!({ "nick": "bobby", "communication_disabled_until": timestamp_from_now(600) });
    let edited = with_reason(&moderator, Method::PATCH, &member, Some(edit), "Spam%20cleanup").await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    let message = |id: &str| format!("/channels/{}/messages/{id}", guild.text);
    let removed = with_reason(&moderator, Method::DELETE, &message(&spam), None, "Spam").await;
    assert_eq!(removed.status, 204, "{}", removed.text);
    assert_eq!(moderator.api.delete(&message(&own)).await.unwrap().status, 204);
    let pin = alice.api.put(&format!("/channels/{}/pins/{pinned}", guild.text), json!({})).await.unwrap();
    assert_eq!(pin.status, 204, "{}", pin.text);
    let kicked = with_reason(&moderator, Method::DELETE, &member, None, "Repeated%20spam").await;
    assert_eq!(kicked.status, 204, "{}", kicked.text);

    let log = entries(&alice, &guild, "").await;

    let by_moderator = entry(&log, MEMBER_UPDATE, Some(&bob.id));
    assert_made(by_moderator, &moderator, "nick");
    assert!(keys(by_moderator).contains(&"communication_disabled_until"), "{by_moderator:#}");
    assert_eq!(by_moderator["reason"], "Spam cleanup", "the reason is percent-decoded");
    let by_self = log.iter().find(|e| e["action_type"] == MEMBER_UPDATE && e["user_id"] == bob.id.as_str()).unwrap();
    assert_eq!((&by_self["user_id"], &by_self["target_id"]), (&json!(bob.id), &json!(bob.id)));
    assert!(by_self.get("reason").is_none_or(Value::is_null), "no header, no reason: {by_self:#}");
    let roles = entry(&log, MEMBER_ROLE_UPDATE, Some(&bob.id));
    assert_made(roles, &alice, "$add");
    assert_eq!(roles["changes"][0]["new_value"], json!([{ "id": role, "name": "helpers" }]));
    let deleted = entry(&log, MESSAGE_DELETE, Some(&bob.id));
    assert_eq!(deleted["user_id"], moderator.id.as_str());
    assert_eq!(deleted["options"], json!({ "channel_id": guild.text, "count": "1" }));
    let deletes = log.iter().filter(|e| e["action_type"] == MESSAGE_DELETE).count();
    assert_eq!(deletes, 1, "deleting your own message is not moderation");
    let pin = entry(&log, MESSAGE_PIN, Some(&bob.id));
    assert_eq!(pin["options"], json!({ "channel_id": guild.text, "message_id": pinned }));
    let kick = entry(&log, MEMBER_KICK, Some(&bob.id));
    assert_eq!((&kick["user_id"], &kick["reason"]), (&json!(moderator.id), &json!("Repeated spam")));
}

#[tokio::test]
async fn a_reason_longer_than_512_characters_is_refused() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;

    let path = format!("/guilds/{}", guild.id);
    let answer = with_reason(&alice, Method::PATCH, &path, Some(json!({ "name": "x y" })), &"a".repeat(513)).await;

    assert_error(&answer, 400, 50035);
    assert!(entries(&alice, &guild, "?action_type=1").await.is_empty(), "nothing changed, nothing recorded");
}

#[tokio::test]
async fn the_log_filters_by_actor_and_action_and_pages() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let builder = server.member_with(&guild, "builder", MANAGE_CHANNELS).await;
    let made = builder.api.post(&format!("/guilds/{}/channels", guild.id), json!({ "name": "by-builder" })).await;
    let made = made.unwrap().id();
    guild.channel("by-alice").await;
    let all = entries(&alice, &guild, "").await;
    let all_ids = ids(&all);

    let mine = entries(&alice, &guild, &format!("?user_id={}", builder.id)).await;
    let creates = entries(&alice, &guild, "?action_type=10").await;
    let limited = entries(&alice, &guild, "?limit=2").await;
    let pivot = all_ids[2];
    let before = ids(&entries(&alice, &guild, &format!("?before={pivot}")).await);
    let after = ids(&entries(&alice, &guild, &format!("?after={pivot}")).await);

    assert!(all_ids.windows(2).all(|w| w[0] > w[1]), "newest first: {all_ids:?}");
    assert_eq!(mine.len(), 1, "{mine:#?}");
    assert_eq!(mine[0]["target_id"], made.as_str());
    assert_eq!(creates.len(), 2);
    assert!(creates.iter().all(|e| e["action_type"] == CHANNEL_CREATE), "{creates:#?}");
    assert_eq!(ids(&limited), all_ids[..2]);
    let (mut older, mut newer) = (before, after);
    older.sort_unstable_by(|a, b| b.cmp(a));
    newer.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(older, all_ids[3..], "before the pivot");
    assert_eq!(newer, all_ids[..2], "after the pivot");
    let path = |query: &str| format!("/guilds/{}/audit-logs{query}", guild.id);
    assert_error(&alice.api.get(&path("?limit=0")).await.unwrap(), 400, 50035);
    assert_error(&alice.api.get(&path("?limit=101")).await.unwrap(), 400, 50035);
}

#[tokio::test]
async fn reading_the_log_needs_view_audit_log() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let auditor = server.member_with(&guild, "auditor", VIEW_AUDIT_LOG).await;
    let plain = server.member(&guild, "plain").await;
    let outsider = server.user("outsider").await;
    let path = format!("/guilds/{}/audit-logs", guild.id);

    let allowed = auditor.api.get(&path).await.unwrap();

    assert_eq!(allowed.status, 200, "{}", allowed.text);
    assert!(allowed.body["users"].as_array().is_some_and(|u| !u.is_empty()), "{}", allowed.text);
    assert_error(&plain.api.get(&path).await.unwrap(), 403, 50013);
    assert_error(&outsider.api.get(&path).await.unwrap(), 404, 10004);
}

#[tokio::test]
async fn each_entry_is_published_with_the_change() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let mut events = server.events().await;

    let path = format!("/guilds/{}", guild.id);
    let renamed = with_reason(&alice, Method::PATCH, &path, Some(json!({ "name": "New" })), "rebrand").await;

    assert_eq!(renamed.status, 200, "{}", renamed.text);
    let seen = events.expect("GUILD_AUDIT_LOG_ENTRY_CREATE").await;
    assert_eq!(seen.guild_id.as_deref(), Some(guild.id.as_str()));
    assert_eq!(seen.data["action_type"], GUILD_UPDATE);
    assert_eq!(seen.data["guild_id"], guild.id.as_str());
    assert_eq!(seen.data["reason"], "rebrand");
    let stored = entries(&alice, &guild, "?action_type=1").await;
    assert_eq!(stored[0]["id"], seen.data["id"], "the published entry is the stored one");
}

#[tokio::test]
async fn only_those_who_may_view_the_log_receive_its_entries() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let auditor = server.member_with(&guild, "auditor", VIEW_AUDIT_LOG).await;
    let plain = server.member(&guild, "plain").await;
    let intents = MESSAGES | GUILD_MODERATION;
    let (mut auditor_gw, _) = session(&server, &auditor, intents).await;
    let (mut plain_gw, _) = session(&server, &plain, intents).await;

    let topic = alice.api.patch(&format!("/channels/{}", guild.text), json!({ "topic": "rules" })).await.unwrap();
    assert_eq!(topic.status, 200, "{}", topic.text);
    alice.say(&guild.text, "after the change").await;

    let seen = auditor_gw.next_dispatch("GUILD_AUDIT_LOG_ENTRY_CREATE", WAIT).await.unwrap();
    assert_eq!(seen["action_type"], CHANNEL_UPDATE);
    assert_eq!(seen["target_id"], guild.text.as_str());
    let before = until_message(&mut plain_gw, "after the change").await;
    assert!(before.iter().all(|(name, _)| name != "GUILD_AUDIT_LOG_ENTRY_CREATE"), "{before:?}");
}

#[tokio::test]
async fn nothing_is_recorded_in_direct_messages() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let dm = alice.api.post("/users/@me/channels", json!({ "recipient_id": bob.id })).await.unwrap().id();
    let message = bob.say(&dm, "pin me").await;
    let mut events = server.events().await;

    let pinned = alice.api.put(&format!("/channels/{dm}/pins/{message}"), json!({})).await.unwrap();

    assert_eq!(pinned.status, 204, "{}", pinned.text);
    let names = events.drain(std::time::Duration::from_millis(300)).await;
    assert!(names.iter().any(|n| n == "CHANNEL_PINS_UPDATE"), "{names:?}");
    assert!(names.iter().all(|n| n != "GUILD_AUDIT_LOG_ENTRY_CREATE"), "{names:?}");
}
