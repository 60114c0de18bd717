//! Dispatch: events published by the REST API reach exactly the sessions that may see them,
//! as the session's intents ask, with consecutive sequence numbers; MESSAGE_CONTENT blanking
//! for bots; membership changes (join, kick) taking effect at once.

use accord_testkit::TestServer;
use serde_json::json;

use super::{
    GATEWAY_MESSAGE_CONTENT, GUILD_MEMBERS, GUILD_MESSAGES, GUILDS, MESSAGE_CONTENT, MESSAGES, WAIT, message_contents,
    session, until_message,
};

#[tokio::test]
async fn a_member_receives_ready_guild_create_and_messages() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;

    let mut gw = server.connect().await;
    let ready = gw.identify_ready(&alice.token, MESSAGES).await.unwrap();
    let created = gw.next_dispatch("GUILD_CREATE", WAIT).await.unwrap();
    alice.say(&guild.text, "live").await;
    let message = gw.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap();

    assert_eq!(ready["user"]["id"], alice.id.as_str());
    assert_eq!(created["id"], guild.id.as_str());
    assert_eq!(message["content"], "live");
    assert_eq!(message["channel_id"], guild.text.as_str());
    assert_eq!(message["guild_id"], guild.id.as_str());
    assert_eq!(gw.last_seq, Some(3));
}

#[tokio::test]
async fn dispatches_carry_consecutive_integer_sequence_numbers_per_session() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let (mut first, _) = session(&server, &alice, MESSAGES).await;
    let (mut second, _) = session(&server, &alice, GUILD_MESSAGES | MESSAGE_CONTENT).await;

    for n in 0..5 {
        alice.say(&guild.text, &format!("m{n}")).await;
    }

    for (gw, first_seq) in [(&mut first, 3), (&mut second, 2)] {
        for n in 0..5u64 {
            let frame = gw.next_payload(WAIT).await.unwrap();
            assert_eq!(frame["t"], "MESSAGE_CREATE", "{frame}");
            assert_eq!(frame["d"]["content"], format!("m{n}"));
            assert_eq!(frame["s"], first_seq + n, "{frame}");
        }
    }
}

#[tokio::test]
async fn a_message_reaches_every_member_and_no_one_else() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.user("carol").await;
    let elsewhere = server.guild(&carol).await;
    let (mut alices, _) = session(&server, &alice, MESSAGES).await;
    let (mut bobs, _) = session(&server, &bob, MESSAGES).await;
    let (mut carols, _) = session(&server, &carol, MESSAGES).await;

    alice.say(&guild.text, "members only").await;
    carol.say(&elsewhere.text, "carol's sentinel").await;

    alices.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap();
    assert_eq!(bobs.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap()["content"], "members only");
    let before = until_message(&mut carols, "carol's sentinel").await;
    assert!(message_contents(&before).is_empty(), "carol saw {before:?}");
}

#[tokio::test]
async fn message_updates_and_deletes_reach_the_members() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let (mut bobs, _) = session(&server, &bob, MESSAGES).await;
    let id = alice.say(&guild.text, "draft").await;

    let path = format!("/channels/{}/messages/{id}", guild.text);
    assert_eq!(alice.api.patch(&path, json!({ "content": "final" })).await.unwrap().status, 200);
    assert_eq!(alice.api.delete(&path).await.unwrap().status, 204);

    assert_eq!(bobs.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap()["id"], id.as_str());
    let updated = bobs.next_dispatch("MESSAGE_UPDATE", WAIT).await.unwrap();
    assert_eq!((updated["id"].as_str(), updated["content"].as_str()), (Some(id.as_str()), Some("final")));
    let deleted = bobs.next_dispatch("MESSAGE_DELETE", WAIT).await.unwrap();
    assert_eq!(deleted, json!({ "id": id, "channel_id": guild.text, "guild_id": guild.id }));
}

#[tokio::test]
async fn a_session_gets_only_the_events_its_intents_ask_for() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let (mut guilds_only, _) = session(&server, &alice, GUILDS).await;
    let (mut messages_only, _) = session(&server, &alice, GUILD_MESSAGES | MESSAGE_CONTENT).await;

    alice.say(&guild.text, "not for the guilds intent").await;
    let channel = guild.channel("not-for-the-messages-intent").await;
    alice.say(&guild.text, "sentinel").await;

    let first = guilds_only.next_payload(WAIT).await.unwrap();
    assert_eq!((first["t"].as_str(), first["d"]["id"].as_str()), (Some("CHANNEL_CREATE"), Some(channel.as_str())));
    let before = until_message(&mut messages_only, "sentinel").await;
    let names: Vec<&str> = before.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["MESSAGE_CREATE"], "{before:?}");
    assert_eq!(before[0].1["content"], "not for the guilds intent");
}

#[tokio::test]
async fn a_bot_without_message_content_gets_blank_messages_unless_it_wrote_them_or_is_mentioned() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let plain = server.bot(&alice, "plain").await;
    let granted = server.bot_with_flags(&alice, "granted", GATEWAY_MESSAGE_CONTENT).await;
    guild.add_bot(&plain).await;
    guild.add_bot(&granted).await;
    let (mut plains, _) = session(&server, &plain, GUILDS | GUILD_MESSAGES).await;
    let (mut granteds, _) = session(&server, &granted, MESSAGES).await;
    let (mut alices, _) = session(&server, &alice, GUILDS | GUILD_MESSAGES).await;

    let cases = [
        (&alice, "a secret".to_owned(), ""),
        (&alice, format!("hey <@{}>", plain.id), "mentioned"),
        (&plain, "my own words".to_owned(), "own"),
    ];
    for (author, content, why) in cases {
        author.say(&guild.text, &content).await;

        let seen = plains.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap();
        let expected = if why.is_empty() { "" } else { content.as_str() };
        assert_eq!(seen["content"], expected, "plain bot, {content:?}");
        assert_eq!(seen["embeds"], json!([]));
        assert_eq!(seen["attachments"], json!([]));
        assert_eq!(seen["author"]["id"], author.id.as_str(), "the rest of the message is there");
        assert_eq!(granteds.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap()["content"], content.as_str());
        assert_eq!(alices.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap()["content"], content.as_str());
    }
}

#[tokio::test]
async fn a_user_who_joins_by_invite_gets_guild_create_and_then_the_guilds_events() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.user("bob").await;
    let (mut alices, _) = session(&server, &alice, MESSAGES | GUILD_MEMBERS).await;
    let (mut bobs, ready) = session(&server, &bob, MESSAGES).await;
    assert_eq!(ready["guilds"], json!([]));

    guild.join(&bob).await;
    alice.say(&guild.text, "welcome bob").await;

    let created = bobs.next_dispatch("GUILD_CREATE", WAIT).await.unwrap();
    assert_eq!(created["id"], guild.id.as_str());
    assert!(created["members"].as_array().unwrap().iter().any(|m| m["user"]["id"] == bob.id.as_str()), "{created}");
    assert_eq!(bobs.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap()["content"], "welcome bob");
    let added = alices.next_dispatch("GUILD_MEMBER_ADD", WAIT).await.unwrap();
    assert_eq!(added["user"]["id"], bob.id.as_str());
}

#[tokio::test]
async fn a_kicked_member_gets_guild_delete_and_nothing_more_from_the_guild() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let bobs_own = server.guild(&bob).await;
    let (mut bobs, _) = session(&server, &bob, MESSAGES).await;

    guild.kick(&bob).await;
    alice.say(&guild.text, "after the kick").await;
    guild.channel("after-the-kick").await;
    bob.say(&bobs_own.text, "bob's sentinel").await;

    let before = until_message(&mut bobs, "bob's sentinel").await;
    let names: Vec<&str> = before.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["GUILD_DELETE"], "{before:?}");
    assert_eq!(before[0].1["id"], guild.id.as_str());
}

#[tokio::test]
async fn a_member_who_leaves_gets_guild_delete_and_nothing_more_from_the_guild() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let bobs_own = server.guild(&bob).await;
    let (mut bobs, _) = session(&server, &bob, MESSAGES).await;

    let left = bob.api.delete(&format!("/users/@me/guilds/{}", guild.id)).await.unwrap();
    assert_eq!(left.status, 204, "{}", left.text);
    alice.say(&guild.text, "after leaving").await;
    bob.say(&bobs_own.text, "bob's sentinel").await;

    let before = until_message(&mut bobs, "bob's sentinel").await;
    let names: Vec<&str> = before.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["GUILD_DELETE"], "{before:?}");
}

#[tokio::test]
async fn a_kicked_member_who_joins_again_gets_guild_create_and_the_guilds_events_again() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let (mut bobs, _) = session(&server, &bob, MESSAGES).await;
    guild.kick(&bob).await;
    bobs.next_dispatch("GUILD_DELETE", WAIT).await.unwrap();

    guild.join(&bob).await;
    alice.say(&guild.text, "welcome back").await;

    assert_eq!(bobs.next_dispatch("GUILD_CREATE", WAIT).await.unwrap()["id"], guild.id.as_str());
    assert_eq!(bobs.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap()["content"], "welcome back");
}
