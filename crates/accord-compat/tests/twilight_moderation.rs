//! The moderation payloads (bans and their events, the messages a ban deletes, the audit log
//! with entries of many kinds and the events that announce them), parsed by twilight-model.

mod common;

use accord_testkit::permissions::{MANAGE_MESSAGES, MANAGE_NICKNAMES, MODERATE_MEMBERS, SEND_MESSAGES};
use accord_testkit::{TestServer, timestamp_from_now};
use common::{ok, parses};
use serde_json::json;
use twilight_model::gateway::payload::incoming::{BanAdd, BanRemove, GuildAuditLogEntryCreate, MessageDeleteBulk};
use twilight_model::guild::Ban;
use twilight_model::guild::audit_log::{AuditLog, AuditLogChange};

#[tokio::test]
async fn bans_their_events_and_the_messages_they_delete_parse() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let stranger = server.user("stranger").await;
    bob.say(&guild.text, "spam").await;
    bob.say(&guild.text, "more spam").await;
    let (mut bans, mut deletes) = (server.events().await, server.events().await);
    let ban = |user: &str| format!("/guilds/{}/bans/{user}", guild.id);

    let banned = alice.api.put(&ban(&bob.id), json!({ "delete_message_seconds": 3600 })).await.unwrap();
    assert_eq!(banned.status, 204, "{}", banned.text);
    let added = bans.expect("GUILD_BAN_ADD").await;
    let deleted = deletes.expect("MESSAGE_DELETE_BULK").await;
    assert_eq!(alice.api.put(&ban(&stranger.id), json!({})).await.unwrap().status, 204);
    let listed = ok(alice.api.get(&format!("/guilds/{}/bans", guild.id)).await.unwrap());
    let one = ok(alice.api.get(&ban(&bob.id)).await.unwrap());
    assert_eq!(alice.api.delete(&ban(&bob.id)).await.unwrap().status, 204);
    let removed = bans.expect("GUILD_BAN_REMOVE").await;

    let added: BanAdd = parses("GUILD_BAN_ADD", &added.data);
    assert_eq!((added.guild_id.to_string(), added.user.id.to_string()), (guild.id.clone(), bob.id.clone()));
    let deleted: MessageDeleteBulk = parses("MESSAGE_DELETE_BULK of a ban", &deleted.data);
    assert_eq!(deleted.ids.len(), 2);
    assert_eq!(deleted.channel_id.to_string(), guild.text);
    assert_eq!(deleted.guild_id.map(|g| g.to_string()), Some(guild.id.clone()));
    let listed: Vec<Ban> = parses("GET bans", &listed);
    assert_eq!(listed.len(), 2, "a member and a user who never joined");
    let one: Ban = parses("GET ban", &one);
    assert_eq!(one.user.id.to_string(), bob.id);
    let removed: BanRemove = parses("GUILD_BAN_REMOVE", &removed.data);
    assert_eq!(removed.user.id.to_string(), bob.id);
}

/// Discord's action types of the entries the audit-log test makes.
const MADE: [u16; 10] = [
    10, // CHANNEL_CREATE
    11, // CHANNEL_UPDATE
    13, // CHANNEL_OVERWRITE_CREATE
    22, // MEMBER_BAN_ADD
    23, // MEMBER_BAN_REMOVE
    24, // MEMBER_UPDATE
    30, // ROLE_CREATE
    31, // ROLE_UPDATE
    40, // INVITE_CREATE
    72, // MESSAGE_DELETE
];

#[tokio::test]
async fn an_audit_log_of_many_kinds_and_its_entry_events_parse() {
    let mut server = TestServer::spawn().await;
    let mut events = server.events_from_start();
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let moderator =
        server.member_with(&guild, "moderator", MODERATE_MEMBERS | MANAGE_NICKNAMES | MANAGE_MESSAGES).await;
    let bob = server.member(&guild, "bob").await;
    let stranger = server.user("stranger").await;
    let spam = bob.say(&guild.text, "spam").await;

    let channel = guild.channel("audited").await;
    let edit = json!({ "topic": "watched", "rate_limit_per_user": 5, "nsfw": true });
    ok(alice.api.patch(&format!("/channels/{channel}"), edit).await.unwrap());
    let role = guild.role("helpers", 0).await;
    let edit = json!({ "color": 255, "hoist": true, "permissions": SEND_MESSAGES.to_string() });
    ok(alice.api.patch(&format!("/guilds/{}/roles/{role}", guild.id), edit).await.unwrap());
    guild.overwrite(&channel, &role, 0, SEND_MESSAGES, 0).await;
    let timeout = json!({ "nick": "quiet bob", "communication_disabled_until": timestamp_from_now(600) });
    ok(moderator.api.patch(&format!("/guilds/{}/members/{}", guild.id, bob.id), timeout).await.unwrap());
    let removed = moderator.api.delete(&format!("/channels/{}/messages/{spam}", guild.text)).await.unwrap();
    assert_eq!(removed.status, 204, "{}", removed.text);
    ok(alice
        .api
        .post(&format!("/channels/{channel}/invites"), json!({ "max_uses": 3, "max_age": 600 }))
        .await
        .unwrap());
    let ban = format!("/guilds/{}/bans/{}", guild.id, stranger.id);
    assert_eq!(alice.api.put(&ban, json!({ "delete_message_seconds": 0 })).await.unwrap().status, 204);
    assert_eq!(alice.api.delete(&ban).await.unwrap().status, 204);
    let log = ok(alice.api.get(&format!("/guilds/{}/audit-logs?limit=100", guild.id)).await.unwrap());

    let log: AuditLog = parses("GET audit-logs", &log);
    let kinds: Vec<u16> = log.entries.iter().map(|e| u16::from(e.action_type)).collect();
    for kind in MADE {
        assert!(kinds.contains(&kind), "no entry of action type {kind} in {kinds:?}");
    }
    let timed_out = log.entries.iter().find(|e| u16::from(e.action_type) == 24).expect("a member update");
    let timeout_set = |c: &AuditLogChange| matches!(c, AuditLogChange::CommunicationDisabledUntil { new: Some(_), .. });
    assert!(timed_out.changes.iter().any(timeout_set), "{timed_out:?}");
    assert!(log.users.iter().any(|u| u.id.to_string() == stranger.id), "the ban's target is named");
    // One event per entry, each the entry with its guild.
    for _ in &log.entries {
        let event = events.expect("GUILD_AUDIT_LOG_ENTRY_CREATE").await;
        let parsed: GuildAuditLogEntryCreate = parses("GUILD_AUDIT_LOG_ENTRY_CREATE", &event.data);
        assert_eq!(parsed.guild_id.map(|g| g.to_string()), Some(guild.id.clone()));
        assert!(log.entries.iter().any(|e| e.id == parsed.id), "entry {} of an event is in the log", parsed.id);
    }
}
