//! Permission-aware fan-out: a member who may not VIEW_CHANNEL a channel gets none of its
//! events, and losing or regaining the permission (overwrite, role, role permissions) takes
//! effect from the next event on.

use accord_testkit::permissions::{READ_MESSAGE_HISTORY, SEND_MESSAGES, VIEW_CHANNEL};
use accord_testkit::{TestGuild, TestServer, TestUser, assert_error};
use serde_json::{Value, json};

use super::{GUILD_PRESENCES, MESSAGES, WAIT, message_contents, session, until_message};

/// Every intent but presences, so every kind of channel event is asked for.
const EVERYTHING_BUT_PRESENCES: u64 = 0x1FFFF & !GUILD_PRESENCES;

/// Dispatches among `before` that concern `channel`.
fn about(before: &[(String, Value)], channel: &str) -> Vec<String> {
    before
        .iter()
        .filter(|(_, d)| d["channel_id"] == channel || d["id"] == channel)
        .map(|(name, d)| format!("{name} {d}"))
        .collect()
}

/// A guild with `bob` as a plain member, and an `open` channel everyone can see for sentinels.
async fn guild_with_bob(server: &TestServer) -> (TestGuild, TestUser, String) {
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let open = guild.channel("open").await;
    (guild, bob, open)
}

#[tokio::test]
async fn a_member_denied_view_channel_receives_none_of_its_events_and_cannot_read_it() {
    let server = TestServer::spawn().await;
    let (guild, bob, open) = guild_with_bob(&server).await;
    guild.overwrite(&guild.text, &bob.id, 1, 0, VIEW_CHANNEL).await;
    let (mut bobs, _) = session(&server, &bob, EVERYTHING_BUT_PRESENCES).await;
    let alice = &guild.owner;

    let id = alice.say(&guild.text, "hidden").await;
    let message = format!("/channels/{}/messages/{id}", guild.text);
    assert_eq!(alice.api.patch(&message, json!({ "content": "hidden, edited" })).await.unwrap().status, 200);
    assert_eq!(alice.api.post(&format!("/channels/{}/typing", guild.text), json!({})).await.unwrap().status, 204);
    let invite = alice.api.post(&format!("/channels/{}/invites", guild.text), json!({})).await.unwrap();
    assert_eq!(invite.status, 200, "{}", invite.text);
    assert_eq!(alice.api.delete(&message).await.unwrap().status, 204);
    alice.say(&open, "sentinel").await;

    let before = until_message(&mut bobs, "sentinel").await;
    assert_eq!(about(&before, &guild.text), Vec::<String>::new());
    assert_error(&bob.api.get(&format!("/channels/{}/messages", guild.text)).await.unwrap(), 404, 10003);
}

#[tokio::test]
async fn losing_view_channel_through_an_overwrite_stops_the_channels_events_at_once() {
    let server = TestServer::spawn().await;
    let (guild, bob, open) = guild_with_bob(&server).await;
    let (mut bobs, _) = session(&server, &bob, MESSAGES).await;
    let alice = &guild.owner;

    alice.say(&guild.text, "seen").await;
    guild.overwrite(&guild.text, &bob.id, 1, 0, VIEW_CHANNEL).await;
    alice.say(&guild.text, "unseen").await;
    alice.say(&open, "sentinel").await;

    let before = until_message(&mut bobs, "sentinel").await;
    assert_eq!(message_contents(&before), ["seen"], "{before:?}");
    let update = before.iter().find(|(name, _)| name == "CHANNEL_UPDATE");
    assert!(update.is_some_and(|(_, d)| d["id"] == guild.text.as_str()), "bob learns he lost the channel: {before:?}");
}

#[tokio::test]
async fn regaining_view_channel_brings_the_channels_events_back() {
    let server = TestServer::spawn().await;
    let (guild, bob, open) = guild_with_bob(&server).await;
    guild.overwrite(&guild.text, &bob.id, 1, 0, VIEW_CHANNEL).await;
    let (mut bobs, _) = session(&server, &bob, MESSAGES).await;
    let alice = &guild.owner;

    alice.say(&guild.text, "unseen").await;
    let removed = alice.api.delete(&format!("/channels/{}/permissions/{}", guild.text, bob.id)).await.unwrap();
    assert_eq!(removed.status, 204, "{}", removed.text);
    alice.say(&guild.text, "seen again").await;
    alice.say(&open, "sentinel").await;

    let before = until_message(&mut bobs, "sentinel").await;
    assert_eq!(message_contents(&before), ["seen again"], "{before:?}");
}

#[tokio::test]
async fn losing_the_role_that_granted_view_channel_stops_the_channels_events() {
    let server = TestServer::spawn().await;
    let (guild, bob, open) = guild_with_bob(&server).await;
    let staff = guild.role("staff", 0).await;
    let staff_room = guild.channel("staff-room").await;
    guild.overwrite(&staff_room, &guild.id, 0, 0, VIEW_CHANNEL).await;
    guild.overwrite(&staff_room, &staff, 0, VIEW_CHANNEL, 0).await;
    guild.assign(&bob, &staff).await;
    let (mut bobs, _) = session(&server, &bob, MESSAGES).await;
    let alice = &guild.owner;

    alice.say(&staff_room, "for staff").await;
    guild.unassign(&bob, &staff).await;
    alice.say(&staff_room, "for staff, without bob").await;
    guild.assign(&bob, &staff).await;
    alice.say(&staff_room, "bob is back").await;
    alice.say(&open, "sentinel").await;

    let before = until_message(&mut bobs, "sentinel").await;
    assert_eq!(message_contents(&before), ["for staff", "bob is back"], "{before:?}");
}

#[tokio::test]
async fn everyone_losing_view_channel_hides_every_channel_but_from_the_owner() {
    let server = TestServer::spawn().await;
    let (guild, bob, open) = guild_with_bob(&server).await;
    let (mut bobs, _) = session(&server, &bob, MESSAGES).await;
    let (mut alices, _) = session(&server, &guild.owner, MESSAGES).await;
    let alice = &guild.owner;
    let everyone = format!("/guilds/{}/roles/{}", guild.id, guild.id);
    let without_view = SEND_MESSAGES | READ_MESSAGE_HISTORY;

    let patched = alice.api.patch(&everyone, json!({ "permissions": without_view.to_string() })).await.unwrap();
    assert_eq!(patched.status, 200, "{}", patched.text);
    alice.say(&guild.text, "nobody but alice").await;
    guild.overwrite(&open, &bob.id, 1, VIEW_CHANNEL, 0).await;
    alice.say(&open, "sentinel").await;

    let before = until_message(&mut bobs, "sentinel").await;
    assert!(message_contents(&before).is_empty(), "{before:?}");
    assert_eq!(alices.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap()["content"], "nobody but alice");
}

#[tokio::test]
async fn invite_events_reach_only_those_who_manage_the_channel() {
    let server = TestServer::spawn().await;
    let (guild, bob, open) = guild_with_bob(&server).await;
    let alice = &guild.owner;
    let (mut alices, _) = session(&server, alice, EVERYTHING_BUT_PRESENCES).await;
    let (mut bobs, _) = session(&server, &bob, EVERYTHING_BUT_PRESENCES).await;

    let body = json!({ "unique": true });
    let invite = alice.api.post(&format!("/channels/{}/invites", guild.text), body).await.unwrap();
    assert_eq!(invite.status, 200, "{}", invite.text);
    alice.say(&open, "sentinel").await;

    let owners = until_message(&mut alices, "sentinel").await;
    let created: Vec<&Value> = owners.iter().filter(|(name, _)| name == "INVITE_CREATE").map(|(_, d)| d).collect();
    assert_eq!(created.len(), 1, "the owner manages the channel: {owners:?}");
    assert_eq!(created[0]["code"], invite.body["code"]);
    let members = until_message(&mut bobs, "sentinel").await;
    assert!(
        members.iter().all(|(name, _)| !name.starts_with("INVITE_")),
        "a plain member saw an invite event: {members:?}"
    );
}
