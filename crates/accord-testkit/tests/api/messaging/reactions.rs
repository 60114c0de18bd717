//! Reactions: add once per user, counts with `me`, user lists, removal by the reactor or a
//! moderator, clearing, the events, and what is refused.

use accord_testkit::permissions::{ADD_REACTIONS, VIEW_CHANNEL};
use accord_testkit::{TestServer, assert_error};
use serde_json::json;

use super::{encode, guild_with_bob, react};

#[tokio::test]
async fn reactions_count_per_emoji_with_me_for_the_viewer() {
    let server = TestServer::spawn().await;
    let (guild, bob) = guild_with_bob(&server).await;
    let alice = &guild.owner;
    let message = alice.say(&guild.text, "react to me").await;
    let mut events = server.events().await;

    assert_eq!(react(&bob, &guild.text, &message, "👍").await, 204);
    assert_eq!(react(&bob, &guild.text, &message, "👍").await, 204, "again: no change");
    assert_eq!(react(alice, &guild.text, &message, "👍").await, 204);
    let parrot = guild.emoji("party_parrot").await;
    assert_eq!(react(alice, &guild.text, &message, &format!("party_parrot:{parrot}")).await, 204);

    let added = events.expect("MESSAGE_REACTION_ADD").await;
    assert_eq!(added.data["user_id"], bob.id.as_str());
    assert_eq!(added.data["message_id"], message.as_str());
    assert_eq!(added.data["guild_id"], guild.id.as_str());
    assert_eq!(added.data["emoji"], json!({ "id": null, "name": "👍", "animated": false }));
    assert_eq!(added.data["member"]["user"]["id"], bob.id.as_str());
    let seen_by_bob = bob.api.get(&format!("/channels/{}/messages/{message}", guild.text)).await.unwrap();
    let reactions = &seen_by_bob.body["reactions"];
    assert_eq!(reactions[0]["count"], 2, "{reactions}");
    assert_eq!(reactions[0]["me"], true);
    assert_eq!(reactions[0]["emoji"]["name"], "👍");
    assert_eq!(reactions[1]["count"], 1);
    assert_eq!(reactions[1]["me"], false);
    assert_eq!(reactions[1]["emoji"], json!({ "id": parrot, "name": "party_parrot" }));
    let history = alice.api.get(&format!("/channels/{}/messages", guild.text)).await.unwrap();
    assert_eq!(history.body[0]["reactions"][1]["me"], true, "pages carry reactions too");

    let users = bob.api.get(&format!("/channels/{}/messages/{message}/reactions/{}", guild.text, encode("👍"))).await;
    let ids: Vec<_> = users.unwrap().body.as_array().unwrap().iter().map(|u| u["id"].clone()).collect();
    let mut expected = vec![json!(alice.id), json!(bob.id)];
    expected.sort_by_key(|v| v.as_str().unwrap().parse::<u64>().unwrap());
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn reactions_are_removed_by_their_user_or_a_moderator() {
    let server = TestServer::spawn().await;
    let (guild, bob) = guild_with_bob(&server).await;
    let alice = &guild.owner;
    let message = alice.say(&guild.text, "hi").await;
    let base = format!("/channels/{}/messages/{message}/reactions", guild.text);
    react(&bob, &guild.text, &message, "🔥").await;
    react(alice, &guild.text, &message, "🔥").await;
    react(alice, &guild.text, &message, "✅").await;
    let mut events = server.events().await;

    let others = bob.api.delete(&format!("{base}/{}/{}", encode("🔥"), alice.id)).await.unwrap();
    assert_error(&others, 403, 50013);
    assert_eq!(bob.api.delete(&format!("{base}/{}/@me", encode("🔥"))).await.unwrap().status, 204);
    assert_eq!(events.expect("MESSAGE_REACTION_REMOVE").await.data["user_id"], bob.id.as_str());
    assert_eq!(alice.api.delete(&format!("{base}/{}", encode("✅"))).await.unwrap().status, 204);
    assert_eq!(events.expect("MESSAGE_REACTION_REMOVE_EMOJI").await.data["emoji"]["name"], "✅");
    assert_eq!(alice.api.delete(&base).await.unwrap().status, 204);
    assert_eq!(events.expect("MESSAGE_REACTION_REMOVE_ALL").await.data["message_id"], message.as_str());
    let cleared = bob.api.get(&format!("/channels/{}/messages/{message}", guild.text)).await.unwrap();
    assert!(cleared.body.get("reactions").is_none(), "{}", cleared.text);
    assert_error(&bob.api.delete(&base).await.unwrap(), 403, 50013);
}

#[tokio::test]
async fn bad_emoji_missing_permissions_and_the_emoji_limit_are_refused() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let reader = server.member(&guild, "reader").await;
    guild.overwrite(&guild.text, &reader.id, 1, 0, ADD_REACTIONS).await;
    let message = alice.say(&guild.text, "hi").await;

    for bad in ["hello", "<script>", "x:abc", "👍👍", "%00"] {
        let path = format!("/channels/{}/messages/{message}/reactions/{}/@me", guild.text, encode(bad));
        assert_error(&alice.api.put(&path, json!({})).await.unwrap(), 400, 10014);
    }
    assert_eq!(react(&reader, &guild.text, &message, "😀").await, 403, "no ADD_REACTIONS for a new emoji");
    react(&alice, &guild.text, &message, "😀").await;
    assert_eq!(react(&reader, &guild.text, &message, "😀").await, 204, "joining an existing reaction");
    let emoji = [
        "😁", "😂", "🤣", "😃", "😄", "😅", "😆", "😉", "😊", "😋", "😎", "😍", "😘", "🥰", "😗", "😙", "🥲", "😚",
        "🙂",
    ];
    for e in emoji {
        assert_eq!(react(&alice, &guild.text, &message, e).await, 204, "{e}");
    }
    let path = format!("/channels/{}/messages/{message}/reactions/{}/@me", guild.text, encode("🤗"));
    assert_error(&alice.api.put(&path, json!({})).await.unwrap(), 400, 30010);
    let missing = format!("/channels/{}/messages/1/reactions/{}/@me", guild.text, encode("😀"));
    assert_error(&alice.api.put(&missing, json!({})).await.unwrap(), 404, 10008);
}

#[tokio::test]
async fn reactions_in_a_hidden_channel_are_not_found() {
    let server = TestServer::spawn().await;
    let (guild, bob) = guild_with_bob(&server).await;
    let secret = guild.channel("secret").await;
    guild.overwrite(&secret, &guild.id, 0, 0, VIEW_CHANNEL).await;
    let message = guild.owner.say(&secret, "hidden").await;
    react(&guild.owner, &secret, &message, "👍").await;

    assert_eq!(react(&bob, &secret, &message, "👍").await, 404);
    let users = bob.api.get(&format!("/channels/{secret}/messages/{message}/reactions/{}", encode("👍"))).await;
    assert_error(&users.unwrap(), 404, 10003);
}
