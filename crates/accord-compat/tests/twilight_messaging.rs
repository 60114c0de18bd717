//! The messaging payloads (replies, reactions, pins, attachments, embeds, bulk deletes,
//! search hits) and their events, parsed by twilight-model.

mod common;

use accord_testkit::uploads::{png, upload};
use accord_testkit::{TestServer, TestUser};
use common::{ok, parses};
use serde_json::json;
use twilight_model::channel::Message;
use twilight_model::gateway::payload::incoming::{
    ChannelPinsUpdate, MessageDeleteBulk, MessageUpdate, ReactionAdd, ReactionRemove, ReactionRemoveAll,
    ReactionRemoveEmoji,
};
use twilight_model::user::User;

/// A guild of `alice` with `bob`; returns its text channel.
async fn channel_with_two(server: &TestServer) -> (TestUser, TestUser, String) {
    let (alice, bob, guild) = guild_with_two(server).await;
    (alice, bob, guild.text)
}

async fn guild_with_two(server: &TestServer) -> (TestUser, TestUser, accord_testkit::TestGuild) {
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    (alice, bob, guild)
}

#[tokio::test]
async fn rich_messages_and_their_reactions_parse() {
    let server = TestServer::spawn().await;
    let (alice, bob, guild) = guild_with_two(&server).await;
    let channel = guild.text.clone();
    let party = format!("party:{}", guild.emoji("party").await);
    let original = bob.say(&channel, "question").await;
    let payload = json!({
        "content": "answer",
        "message_reference": { "message_id": original },
        "embeds": [{ "title": "t", "fields": [{ "name": "n", "value": "v" }], "footer": { "text": "f" } }],
    });
    let image = png(4, 4);
    let sent = ok(upload(&alice, &channel, payload, &[("a.png", "image/png", &image)]).await);
    let message_id = sent["id"].as_str().unwrap().to_owned();
    let mut events = server.events().await;
    let base = format!("/channels/{channel}/messages/{message_id}/reactions");
    for emoji in ["%F0%9F%91%8D", party.as_str()] {
        assert_eq!(bob.api.put(&format!("{base}/{emoji}/@me"), json!({})).await.unwrap().status, 204);
    }
    ok(alice.api.put(&format!("/channels/{channel}/pins/{message_id}"), json!({})).await.unwrap());
    ok(alice
        .api
        .patch(&format!("/channels/{channel}/messages/{message_id}"), json!({ "content": "edited" }))
        .await
        .unwrap());

    let message: Message = parses("a reply with a file, an embed and reactions", &sent);
    assert_eq!(message.attachments[0].width, Some(4));
    let read: Message =
        parses("GET message", &ok(bob.api.get(&format!("/channels/{channel}/messages/{message_id}")).await.unwrap()));
    assert_eq!(read.reactions.len(), 2);
    assert!(read.pinned);
    assert!(read.referenced_message.is_some());
    parses::<ReactionAdd>("MESSAGE_REACTION_ADD", &events.expect("MESSAGE_REACTION_ADD").await.data);
    parses::<ChannelPinsUpdate>("CHANNEL_PINS_UPDATE", &events.expect("CHANNEL_PINS_UPDATE").await.data);
    parses::<MessageUpdate>("MESSAGE_UPDATE", &events.expect("MESSAGE_UPDATE").await.data);
    for pinned in ok(bob.api.get(&format!("/channels/{channel}/pins")).await.unwrap()).as_array().unwrap() {
        parses::<Message>("GET pins[]", pinned);
    }
    for user in ok(bob.api.get(&format!("{base}/%F0%9F%91%8D")).await.unwrap()).as_array().unwrap() {
        parses::<User>("GET reactions users[]", user);
    }

    ok(bob.api.delete(&format!("{base}/%F0%9F%91%8D/@me")).await.unwrap());
    ok(alice.api.delete(&format!("{base}/{party}")).await.unwrap());
    bob.api.put(&format!("{base}/%F0%9F%91%8D/@me"), json!({})).await.unwrap();
    ok(alice.api.delete(&base).await.unwrap());
    parses::<ReactionRemove>("MESSAGE_REACTION_REMOVE", &events.expect("MESSAGE_REACTION_REMOVE").await.data);
    let emoji = events.expect("MESSAGE_REACTION_REMOVE_EMOJI").await.data;
    parses::<ReactionRemoveEmoji>("MESSAGE_REACTION_REMOVE_EMOJI", &emoji);
    parses::<ReactionRemoveAll>(
        "MESSAGE_REACTION_REMOVE_ALL",
        &events.expect("MESSAGE_REACTION_REMOVE_ALL").await.data,
    );
}

#[tokio::test]
async fn bulk_deletes_and_search_hits_parse() {
    let server = TestServer::spawn().await;
    let (alice, _bob, channel) = channel_with_two(&server).await;
    let ids = [alice.say(&channel, "needle one").await, alice.say(&channel, "needle two").await];
    let guild = ok(alice.api.get(&format!("/channels/{channel}")).await.unwrap())["guild_id"].clone();

    let hits = ok(alice
        .api
        .get(&format!("/guilds/{}/messages/search?content=needle", guild.as_str().unwrap()))
        .await
        .unwrap());
    assert_eq!(hits["total_results"], 2);
    for hit in hits["messages"].as_array().unwrap() {
        parses::<Vec<Message>>("search hit", hit);
    }
    let mut events = server.events().await;
    ok(alice.api.post(&format!("/channels/{channel}/messages/bulk-delete"), json!({ "messages": ids })).await.unwrap());
    parses::<MessageDeleteBulk>("MESSAGE_DELETE_BULK", &events.expect("MESSAGE_DELETE_BULK").await.data);
}

#[tokio::test]
async fn threads_forums_and_their_events_parse() {
    use twilight_model::channel::Channel;
    use twilight_model::channel::thread::{ThreadMember, ThreadsListing};
    use twilight_model::gateway::payload::incoming::{
        ThreadCreate, ThreadDelete, ThreadMemberUpdate, ThreadMembersUpdate, ThreadUpdate,
    };

    let server = TestServer::spawn().await;
    let (alice, bob, channel) = channel_with_two(&server).await;
    let guild =
        ok(alice.api.get(&format!("/channels/{channel}")).await.unwrap())["guild_id"].as_str().unwrap().to_owned();
    let mut events = server.events().await;
    let message = alice.say(&channel, "topic").await;
    let thread = ok(alice
        .api
        .post(&format!("/channels/{channel}/messages/{message}/threads"), json!({ "name": "t" }))
        .await
        .unwrap());
    let thread_id = thread["id"].as_str().unwrap().to_owned();
    parses::<Channel>("a thread", &thread);
    parses::<ThreadCreate>("THREAD_CREATE", &events.expect("THREAD_CREATE").await.data);
    ok(bob.api.put(&format!("/channels/{thread_id}/thread-members/@me"), json!({})).await.unwrap());
    parses::<ThreadMembersUpdate>("THREAD_MEMBERS_UPDATE", &events.expect("THREAD_MEMBERS_UPDATE").await.data);
    parses::<ThreadMemberUpdate>("THREAD_MEMBER_UPDATE", &events.expect("THREAD_MEMBER_UPDATE").await.data);
    for member in ok(bob.api.get(&format!("/channels/{thread_id}/thread-members")).await.unwrap()).as_array().unwrap() {
        parses::<ThreadMember>("GET thread-members[]", member);
    }
    parses::<ThreadsListing>(
        "active threads",
        &ok(bob.api.get(&format!("/guilds/{guild}/threads/active")).await.unwrap()),
    );
    ok(alice.api.patch(&format!("/channels/{thread_id}"), json!({ "archived": true })).await.unwrap());
    parses::<ThreadUpdate>("THREAD_UPDATE", &events.expect("THREAD_UPDATE").await.data);
    let archived = ok(bob.api.get(&format!("/channels/{channel}/threads/archived/public")).await.unwrap());
    parses::<ThreadsListing>("archived threads", &archived);
    ok(alice.api.delete(&format!("/channels/{thread_id}")).await.unwrap());
    parses::<ThreadDelete>("THREAD_DELETE", &events.expect("THREAD_DELETE").await.data);

    let tags = json!([{ "name": "help" }, { "name": "bug", "moderated": true, "emoji_name": "🐛" }]);
    let forum = json!({ "name": "board", "type": 15, "available_tags": tags, "default_sort_order": 0 });
    let forum = ok(alice.api.post(&format!("/guilds/{guild}/channels"), forum).await.unwrap());
    parses::<Channel>("a forum", &forum);
    let tag = forum["available_tags"][0]["id"].clone();
    let post = json!({ "name": "a post", "applied_tags": [tag], "message": { "content": "first" } });
    let post = ok(bob.api.post(&format!("/channels/{}/threads", forum["id"].as_str().unwrap()), post).await.unwrap());
    parses::<Channel>("a forum post", &post);
    parses::<Message>("a forum post's first message", &post["message"]);
}

#[tokio::test]
async fn custom_emoji_and_their_events_parse() {
    use twilight_model::gateway::payload::incoming::GuildEmojisUpdate;
    use twilight_model::guild::Emoji;

    let server = TestServer::spawn().await;
    let (alice, _bob, channel) = channel_with_two(&server).await;
    let guild =
        ok(alice.api.get(&format!("/channels/{channel}")).await.unwrap())["guild_id"].as_str().unwrap().to_owned();
    let mut events = server.events().await;
    let image = accord_testkit::uploads::data_uri("image/png", &png(16, 16));

    let emoji = ok(alice
        .api
        .post(&format!("/guilds/{guild}/emojis"), json!({ "name": "wave", "image": image }))
        .await
        .unwrap());

    parses::<Emoji>("POST emoji", &emoji);
    parses::<GuildEmojisUpdate>("GUILD_EMOJIS_UPDATE", &events.expect("GUILD_EMOJIS_UPDATE").await.data);
    let guild_object = ok(alice.api.get(&format!("/guilds/{guild}")).await.unwrap());
    parses::<twilight_model::guild::Guild>("a guild with emoji", &guild_object);
}
