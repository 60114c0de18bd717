//! Threads: started from a message or standalone, public and private, their members, sending
//! in them (SEND_MESSAGES_IN_THREADS, archived and locked threads), listings, and forum posts.

use std::time::Duration;

use accord_testkit::permissions::{SEND_MESSAGES, VIEW_CHANNEL};
use accord_testkit::{TestGuild, TestServer, TestUser, assert_error};
use serde_json::{Value, json};

const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;
/// GUILDS and GUILD_MESSAGES.
const INTENTS: u64 = 1 | (1 << 9);

async fn start(user: &TestUser, channel: &str, body: Value) -> accord_client::Answer {
    user.api.post(&format!("/channels/{channel}/threads"), body).await.unwrap()
}

async fn public_thread(guild: &TestGuild, name: &str) -> String {
    let answer = start(&guild.owner, &guild.text, json!({ "name": name, "type": 11 })).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    answer.id()
}

#[tokio::test]
async fn a_thread_started_from_a_message_shares_its_id_and_counts_its_messages() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let message = alice.say(&guild.text, "let's discuss").await;
    let mut events = server.events().await;

    let path = format!("/channels/{}/messages/{message}/threads", guild.text);
    let created = bob.api.post(&path, json!({ "name": "discussion", "auto_archive_duration": 60 })).await.unwrap();

    assert_eq!(created.status, 201, "{}", created.text);
    let thread = &created.body;
    assert_eq!(thread["id"], message.as_str());
    assert_eq!(thread["type"], 11);
    assert_eq!(thread["parent_id"], guild.text.as_str());
    assert_eq!(thread["owner_id"], bob.id.as_str());
    assert_eq!(thread["thread_metadata"]["auto_archive_duration"], 60);
    assert_eq!(thread["thread_metadata"]["archived"], false);
    let event = events.expect("THREAD_CREATE").await;
    assert_eq!(event.data["newly_created"], true);
    let update = events.expect("MESSAGE_UPDATE").await;
    assert_eq!(update.data["thread"]["id"], message.as_str(), "the message's viewers learn of its thread");
    assert_eq!(event.channel_id.as_deref(), Some(guild.text.as_str()), "gated by the parent");
    let source = alice.api.get(&format!("/channels/{}/messages/{message}", guild.text)).await.unwrap();
    assert_eq!(source.body["flags"].as_u64().unwrap() & (1 << 5), 1 << 5, "HAS_THREAD");
    assert_eq!(source.body["thread"]["id"], message.as_str(), "the message carries its thread");
    assert_error(&alice.api.post(&path, json!({ "name": "again" })).await.unwrap(), 400, 160004);
    let voice_path = format!("/channels/{}/messages/{message}/threads", guild.voice);
    assert!(alice.api.post(&voice_path, json!({ "name": "x" })).await.unwrap().status >= 400);

    alice.say(&message, "first reply").await;
    alice.say(&message, "second reply").await;
    let read = bob.api.get(&format!("/channels/{message}")).await.unwrap();
    assert_eq!(read.body["message_count"], 2, "{}", read.text);
    assert_eq!(read.body["member_count"], 2, "alice joined by posting");
    let members = bob.api.get(&format!("/channels/{message}/thread-members")).await.unwrap();
    assert_eq!(members.body.as_array().unwrap().len(), 2, "{}", members.text);
    let history = bob.api.get(&format!("/channels/{message}/messages")).await.unwrap();
    assert_eq!(history.body[0]["content"], "second reply");
}

#[tokio::test]
async fn sending_in_a_thread_needs_send_messages_in_threads() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.member(&guild, "carol").await;
    let thread = public_thread(&guild, "t").await;
    guild.overwrite(&guild.text, &bob.id, 1, 0, SEND_MESSAGES_IN_THREADS).await;
    guild.overwrite(&guild.text, &carol.id, 1, SEND_MESSAGES_IN_THREADS, SEND_MESSAGES).await;
    let post = |who: &TestUser, channel: &str| {
        let (api, path) = (who.api.clone(), format!("/channels/{channel}/messages"));
        async move { api.post(&path, json!({ "content": "hi" })).await.unwrap() }
    };

    assert_error(&post(&bob, &thread).await, 403, 50013);
    assert_eq!(post(&bob, &guild.text).await.status, 200, "the parent still takes SEND_MESSAGES");
    assert_eq!(post(&carol, &thread).await.status, 200, "threads take SEND_MESSAGES_IN_THREADS");
    assert_error(&post(&carol, &guild.text).await, 403, 50013);
}

#[tokio::test]
async fn private_threads_are_seen_by_their_members_only() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.member(&guild, "carol").await;
    let mut events = server.events().await;

    let created = start(&bob, &guild.text, json!({ "name": "secret plans", "type": 12, "invitable": false })).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let thread = created.id();
    let event = events.expect("THREAD_CREATE").await;
    assert_eq!((event.guild_id, event.user_ids), (None, vec![bob.id.clone()]), "to the owner only");
    bob.say(&thread, "just us").await;
    let message = events.expect("MESSAGE_CREATE").await;
    assert_eq!((message.guild_id, message.user_ids), (None, vec![bob.id.clone()]));

    assert_error(&carol.api.get(&format!("/channels/{thread}/messages")).await.unwrap(), 404, 10003);
    let invite = bob.api.put(&format!("/channels/{thread}/thread-members/{}", carol.id), json!({})).await;
    assert_eq!(invite.unwrap().status, 204, "the owner may add people");
    let read = carol.api.get(&format!("/channels/{thread}/messages")).await.unwrap();
    assert_eq!(read.body[0]["content"], "just us");
    let not_invitable = carol.api.put(&format!("/channels/{thread}/thread-members/{}", alice.id), json!({})).await;
    assert_error(&not_invitable.unwrap(), 403, 50013);
    let removed = bob.api.delete(&format!("/channels/{thread}/thread-members/{}", carol.id)).await.unwrap();
    assert_eq!(removed.status, 204);
    assert_error(&carol.api.get(&format!("/channels/{thread}")).await.unwrap(), 404, 10003);
    let active = alice.api.get(&format!("/guilds/{}/threads/active", guild.id)).await.unwrap();
    assert_eq!(active.body["threads"].as_array().unwrap().len(), 1, "moderators see private threads");
    let for_carol = carol.api.get(&format!("/guilds/{}/threads/active", guild.id)).await.unwrap();
    assert_eq!(for_carol.body["threads"], json!([]));
}

#[tokio::test]
async fn members_join_and_leave_and_events_say_so() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let thread = public_thread(&guild, "open").await;
    let mut events = server.events().await;

    assert_eq!(bob.api.put(&format!("/channels/{thread}/thread-members/@me"), json!({})).await.unwrap().status, 204);
    let update = events.expect("THREAD_MEMBERS_UPDATE").await;
    assert_eq!(update.data["added_members"][0]["user_id"], bob.id.as_str());
    assert_eq!(update.data["member_count"], 2);
    let own = events.expect("THREAD_MEMBER_UPDATE").await;
    assert_eq!(own.user_ids, std::slice::from_ref(&bob.id));
    let me = bob.api.get(&format!("/channels/{thread}/thread-members/@me")).await.unwrap();
    assert_eq!(me.body["user_id"], bob.id.as_str());

    assert_eq!(bob.api.delete(&format!("/channels/{thread}/thread-members/@me")).await.unwrap().status, 204);
    let left = events.expect("THREAD_MEMBERS_UPDATE").await;
    assert_eq!(left.data["removed_member_ids"], json!([bob.id]));
    assert_error(&bob.api.get(&format!("/channels/{thread}/thread-members/@me")).await.unwrap(), 404, 10007);
    let kick = bob.api.delete(&format!("/channels/{thread}/thread-members/{}", alice.id)).await.unwrap();
    assert_error(&kick, 403, 50013);
    guild.overwrite(&guild.text, &bob.id, 1, 0, VIEW_CHANNEL).await;
    let hidden = alice.api.put(&format!("/channels/{thread}/thread-members/{}", bob.id), json!({})).await.unwrap();
    assert_error(&hidden, 404, 10007);
}

#[tokio::test]
async fn active_threads_come_in_guild_create_and_the_listing() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let thread = public_thread(&guild, "visible").await;
    let secret = guild.channel("secret").await;
    guild.overwrite(&secret, &bob.id, 1, 0, VIEW_CHANNEL).await;
    start(&alice, &secret, json!({ "name": "hidden", "type": 11 })).await;

    let active = bob.api.get(&format!("/guilds/{}/threads/active", guild.id)).await.unwrap();
    let ids: Vec<_> = active.body["threads"].as_array().unwrap().iter().map(|t| t["id"].clone()).collect();
    assert_eq!(ids, [json!(thread)]);
    let mut gateway = server.connect().await;
    gateway.identify(&bob.token, INTENTS).await.unwrap();
    let created = gateway.next_dispatch("GUILD_CREATE", Duration::from_secs(5)).await.unwrap();
    let threads: Vec<_> = created["threads"].as_array().unwrap().iter().map(|t| t["id"].clone()).collect();
    assert_eq!(threads, [json!(thread)]);
}

#[tokio::test]
async fn a_forum_post_is_a_thread_with_its_first_message_and_posts_sort_by_activity() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let forum = alice.api.post(&format!("/guilds/{}/channels", guild.id), json!({ "name": "help", "type": 15 })).await;
    let forum = forum.unwrap();
    assert_eq!(forum.status, 201, "{}", forum.text);
    let forum = forum.id();

    let post = |title: &str| {
        let body = json!({ "name": title, "message": { "content": format!("{title}?") } });
        let (api, path) = (bob.api.clone(), format!("/channels/{forum}/threads"));
        async move { api.post(&path, body).await.unwrap() }
    };
    let first = post("how do I start").await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.body["type"], 11);
    assert_eq!(first.body["message"]["id"], first.body["id"], "the first message has the post's id");
    assert_eq!(first.body["message"]["content"], "how do I start?");
    let second = post("where is it").await;
    assert_error(
        &bob.api.post(&format!("/channels/{forum}/threads"), json!({ "name": "no message" })).await.unwrap(),
        400,
        50035,
    );
    assert_error(
        &bob.api.post(&format!("/channels/{forum}/messages"), json!({ "content": "x" })).await.unwrap(),
        400,
        50008,
    );

    let search = |order: &str| {
        let (api, path) = (bob.api.clone(), format!("/channels/{forum}/threads/search?sort_by={order}"));
        async move { api.get(&path).await.unwrap().body }
    };
    let ids = |body: &Value| body["threads"].as_array().unwrap().iter().map(|t| t["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&search("last_message_time").await), [second.body["id"].clone(), first.body["id"].clone()]);
    alice.say(&first.id(), "answer").await;
    let by_activity = search("last_message_time").await;
    assert_eq!(ids(&by_activity), [first.body["id"].clone(), second.body["id"].clone()], "activity moves it up");
    assert_eq!(by_activity["first_messages"][0]["content"], "how do I start?");
    assert_eq!(ids(&search("creation_time").await), [second.body["id"].clone(), first.body["id"].clone()]);
    let thread = bob.api.get(&format!("/channels/{}", first.id())).await.unwrap();
    assert_eq!(thread.body["message_count"], 1, "the first message does not count");
}

#[tokio::test]
async fn thread_members_and_messages_need_an_open_visible_thread() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let outsider = server.user("outsider").await;
    let thread = public_thread(&guild, "t").await;

    assert_error(&outsider.api.get(&format!("/channels/{thread}/messages")).await.unwrap(), 404, 10003);
    assert_error(
        &outsider.api.put(&format!("/channels/{thread}/thread-members/@me"), json!({})).await.unwrap(),
        404,
        10003,
    );
    let members = alice.api.get(&format!("/channels/{}/thread-members", guild.text)).await.unwrap();
    assert_error(&members, 400, 50024);
    for bad in
        [json!({ "name": "" }), json!({ "name": "x", "auto_archive_duration": 61 }), json!({ "name": "x", "type": 0 })]
    {
        assert_error(&start(&alice, &guild.text, bad).await, 400, 50035);
    }
}

#[tokio::test]
async fn idle_threads_archive_themselves_and_archived_ones_reopen_on_a_message() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let hourly = start(&alice, &guild.text, json!({ "name": "hourly", "type": 11, "auto_archive_duration": 60 })).await;
    let weekly =
        start(&alice, &guild.text, json!({ "name": "weekly", "type": 11, "auto_archive_duration": 10080 })).await;
    let (hourly, weekly) = (hourly.id(), weekly.id());
    let mut events = server.events().await;
    let in_two_hours = accord_core::time::now_ms() + 2 * 3600 * 1000;

    let archived = accord_chat::threads::archiver::archive_idle(&server.ctx, in_two_hours).await.unwrap();

    assert_eq!(archived, 1);
    let update = events.expect("THREAD_UPDATE").await;
    assert_eq!(update.data["id"], hourly.as_str());
    assert_eq!(update.data["thread_metadata"]["archived"], true);
    let read = |id: &str| {
        let (api, path) = (bob.api.clone(), format!("/channels/{id}"));
        async move { api.get(&path).await.unwrap().body }
    };
    assert_eq!(read(&weekly).await["thread_metadata"]["archived"], false);
    let listed = bob.api.get(&format!("/channels/{}/threads/archived/public", guild.text)).await.unwrap();
    assert_eq!(listed.body["threads"][0]["id"], hourly.as_str(), "{}", listed.text);
    assert_eq!(listed.body["has_more"], false);

    bob.say(&hourly, "back again").await;
    assert_eq!(read(&hourly).await["thread_metadata"]["archived"], false, "a message reopens it");
    let lock = json!({ "locked": true, "archived": true });
    assert_eq!(alice.api.patch(&format!("/channels/{hourly}"), lock).await.unwrap().status, 200);
    let refused = bob.api.post(&format!("/channels/{hourly}/messages"), json!({ "content": "hello?" })).await.unwrap();
    assert_error(&refused, 400, 50083);
    assert_eq!(read(&hourly).await["thread_metadata"]["locked"], true);
}

#[tokio::test]
async fn gaining_a_channel_through_a_role_syncs_its_active_threads() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let staff = guild.role("staff", 0).await;
    let secret = guild.channel("staff-room").await;
    guild.overwrite(&secret, &guild.id, 0, 0, VIEW_CHANNEL).await;
    guild.overwrite(&secret, &staff, 0, VIEW_CHANNEL, 0).await;
    let thread = start(&alice, &secret, json!({ "name": "plans", "type": 11 })).await.id();
    start(&alice, &guild.text, json!({ "name": "public already", "type": 11 })).await;
    let mut events = server.events().await;

    guild.assign(&bob, &staff).await;

    let sync = events.expect("THREAD_LIST_SYNC").await;
    assert_eq!(sync.user_ids, std::slice::from_ref(&bob.id));
    assert_eq!(sync.data["channel_ids"], json!([secret]));
    let threads: Vec<_> = sync.data["threads"].as_array().unwrap().iter().map(|t| t["id"].clone()).collect();
    assert_eq!(threads, [json!(thread)]);
    guild.unassign(&bob, &staff).await;
    guild.assign(&bob, &staff).await;
    assert_eq!(events.expect("THREAD_LIST_SYNC").await.data["channel_ids"], json!([secret]), "again on regaining it");
}

#[tokio::test]
async fn archived_private_threads_are_listed_to_moderators_and_to_their_members() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.member(&guild, "carol").await;
    let mine = start(&bob, &guild.text, json!({ "name": "bob's", "type": 12 })).await.id();
    let theirs = start(&carol, &guild.text, json!({ "name": "carol's", "type": 12 })).await.id();
    for (owner, thread) in [(&bob, &mine), (&carol, &theirs)] {
        let archived = owner.api.patch(&format!("/channels/{thread}"), json!({ "archived": true })).await.unwrap();
        assert_eq!(archived.status, 200, "{}", archived.text);
    }
    let ids = |body: &Value| body["threads"].as_array().unwrap().iter().map(|t| t["id"].clone()).collect::<Vec<_>>();

    let joined = bob.api.get(&format!("/channels/{}/users/@me/threads/archived/private", guild.text)).await.unwrap();
    assert_eq!(ids(&joined.body), [json!(mine)], "{}", joined.text);
    assert_error(
        &bob.api.get(&format!("/channels/{}/threads/archived/private", guild.text)).await.unwrap(),
        403,
        50013,
    );
    let all = alice.api.get(&format!("/channels/{}/threads/archived/private", guild.text)).await.unwrap();
    assert_eq!(ids(&all.body), [json!(theirs), json!(mine)]);
    let public = alice.api.get(&format!("/channels/{}/threads/archived/public", guild.text)).await.unwrap();
    assert_eq!(public.body["threads"], json!([]));
}

#[tokio::test]
async fn a_forum_post_may_carry_files() {
    use accord_testkit::uploads::{png, upload_to};

    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let forum = alice.api.post(&format!("/guilds/{}/channels", guild.id), json!({ "name": "art", "type": 15 })).await;
    let forum = forum.unwrap().id();
    let image = png(3, 2);

    let payload = json!({ "name": "my drawing", "message": { "content": "look" } });
    let posted =
        upload_to(&alice, &format!("/channels/{forum}/threads"), payload, &[("drawing.png", "image/png", &image)])
            .await;

    assert_eq!(posted.status, 201, "{}", posted.text);
    let file = &posted.body["message"]["attachments"][0];
    assert_eq!((file["width"].as_u64(), file["height"].as_u64()), (Some(3), Some(2)));
    let served = reqwest::get(file["url"].as_str().unwrap()).await.unwrap();
    assert_eq!(served.bytes().await.unwrap().as_ref(), image.as_slice());
}
