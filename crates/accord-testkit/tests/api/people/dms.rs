//! DMs: one channel per pair, messages and their events reaching the two people only, who
//! may DM whom (shared guild or friends, no blocks), closing and reopening, and the DM
//! features that guild channels have (reactions, pins, typing, attachments, search).

use accord_testkit::uploads::{png, upload};
use accord_testkit::{TestServer, assert_error};
use serde_json::json;

use super::super::gateway::{WAIT, session};
use super::{befriend, ids, neighbours, open_dm};

const DIRECT_MESSAGES: u64 = 1 << 12;
const DIRECT_MESSAGE_TYPING: u64 = 1 << 14;

#[tokio::test]
async fn a_pair_has_one_dm_and_both_see_it() {
    let server = TestServer::spawn().await;
    let (alice, bob) = neighbours(&server).await;
    let mut events = server.events().await;

    let first = open_dm(&alice, &bob).await;
    let again = open_dm(&alice, &bob).await;
    let from_bob = open_dm(&bob, &alice).await;

    assert_eq!(first["type"], 1);
    assert_eq!(first["id"], again["id"]);
    assert_eq!(first["id"], from_bob["id"]);
    assert_eq!(ids(&first["recipients"]), [bob.id.as_str()], "the others: {first}");
    assert_eq!(ids(&from_bob["recipients"]), [alice.id.as_str()]);
    let created = events.expect("CHANNEL_CREATE").await;
    assert_eq!(created.guild_id, None);
    let listed = bob.api.get("/users/@me/channels").await.unwrap();
    assert_eq!(ids(&listed.body), [first["id"].as_str().unwrap()]);
    let fetched = bob.api.get(&format!("/channels/{}", first["id"].as_str().unwrap())).await.unwrap();
    assert_eq!(fetched.body["recipients"][0]["id"], alice.id.as_str());
}

#[tokio::test]
async fn concurrent_opens_make_one_dm() {
    let server = TestServer::spawn().await;
    let (alice, bob) = neighbours(&server).await;
    let (a, b) = tokio::join!(open_dm(&alice, &bob), open_dm(&bob, &alice));
    assert_eq!(a["id"], b["id"]);
}

#[tokio::test]
async fn messages_in_a_dm_reach_its_two_people_and_nobody_else() {
    let server = TestServer::spawn().await;
    let (alice, bob) = neighbours(&server).await;
    let carol = server.user("carol").await;
    let dm = open_dm(&alice, &bob).await["id"].as_str().unwrap().to_owned();
    let (mut bob_gw, ready) = session(&server, &bob, DIRECT_MESSAGES | DIRECT_MESSAGE_TYPING).await;
    assert_eq!(ids(&ready["private_channels"]), [dm.as_str()], "READY lists the DM");

    let typing = alice.api.post(&format!("/channels/{dm}/typing"), json!({})).await.unwrap();
    assert_eq!(typing.status, 204);
    let seen = bob_gw.next_dispatch("TYPING_START", WAIT).await.unwrap();
    assert_eq!(seen["channel_id"], dm.as_str());
    assert!(seen.get("guild_id").is_none(), "{seen}");
    let sent = alice.say(&dm, "hello bob").await;
    let created = bob_gw.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap();

    assert_eq!(created["id"], sent.as_str());
    assert_eq!(created["content"], "hello bob");
    assert!(created.get("guild_id").is_none() || created["guild_id"].is_null(), "{created}");
    let history = bob.api.get(&format!("/channels/{dm}/messages")).await.unwrap();
    assert_eq!(history.body[0]["content"], "hello bob");
    for path in
        [format!("/channels/{dm}"), format!("/channels/{dm}/messages"), format!("/channels/{dm}/messages/{sent}")]
    {
        assert_error(&carol.api.get(&path).await.unwrap(), 404, 10003);
    }
    assert_error(
        &carol.api.post(&format!("/channels/{dm}/messages"), json!({"content": "hi"})).await.unwrap(),
        404,
        10003,
    );
}

#[tokio::test]
async fn strangers_and_blocked_users_cannot_dm() {
    let server = TestServer::spawn().await;
    let (alice, bob) = neighbours(&server).await;
    let stranger = server.user("stranger").await;
    let friend = server.user("friend").await;
    let dm = open_dm(&alice, &bob).await["id"].as_str().unwrap().to_owned();

    let to_stranger = alice.api.post("/users/@me/channels", json!({ "recipient_id": stranger.id })).await.unwrap();
    assert_error(&to_stranger, 403, 50007);
    let to_self = alice.api.post("/users/@me/channels", json!({ "recipient_id": alice.id })).await.unwrap();
    assert_error(&to_self, 403, 50007);
    let to_nobody = alice.api.post("/users/@me/channels", json!({ "recipient_id": "1" })).await.unwrap();
    assert_error(&to_nobody, 404, 10013);
    befriend(&alice, &friend).await;
    open_dm(&alice, &friend).await;

    let block = bob.api.put(&format!("/users/@me/relationships/{}", alice.id), json!({ "type": 2 })).await.unwrap();
    assert_eq!(block.status, 204, "{}", block.text);
    let refused = alice.api.post(&format!("/channels/{dm}/messages"), json!({ "content": "hi" })).await.unwrap();
    assert_error(&refused, 403, 50007);
    let blocker_too = bob.api.post(&format!("/channels/{dm}/messages"), json!({ "content": "hi" })).await.unwrap();
    assert_error(&blocker_too, 403, 50007);
    let reopen = alice.api.post("/users/@me/channels", json!({ "recipient_id": bob.id })).await.unwrap();
    assert_error(&reopen, 403, 50007);
    let history = alice.api.get(&format!("/channels/{dm}/messages")).await.unwrap();
    assert_eq!(history.body.as_array().unwrap().len(), 0, "nothing was written");

    let unblock = bob.api.delete(&format!("/users/@me/relationships/{}", alice.id)).await.unwrap();
    assert_eq!(unblock.status, 204);
    alice.say(&dm, "hello again").await;
}

#[tokio::test]
async fn closing_a_dm_hides_it_until_the_next_message() {
    let server = TestServer::spawn().await;
    let (alice, bob) = neighbours(&server).await;
    let dm = open_dm(&alice, &bob).await["id"].as_str().unwrap().to_owned();

    let closed = bob.api.delete(&format!("/channels/{dm}")).await.unwrap();
    assert_eq!(closed.status, 200, "{}", closed.text);
    assert_eq!(closed.body["id"], dm.as_str());
    assert_eq!(ids(&bob.api.get("/users/@me/channels").await.unwrap().body).len(), 0);
    assert_eq!(ids(&alice.api.get("/users/@me/channels").await.unwrap().body), [dm.as_str()], "open for alice");

    alice.say(&dm, "are you there?").await;
    assert_eq!(ids(&bob.api.get("/users/@me/channels").await.unwrap().body), [dm.as_str()], "reopened");
}

#[tokio::test]
async fn reactions_pins_files_and_search_work_in_a_dm() {
    let server = TestServer::spawn().await;
    let (alice, bob) = neighbours(&server).await;
    let dm = open_dm(&alice, &bob).await["id"].as_str().unwrap().to_owned();
    let message = alice.say(&dm, "find the walrus").await;

    let react = bob.api.put(&format!("/channels/{dm}/messages/{message}/reactions/%F0%9F%91%8D/@me"), json!({})).await;
    assert_eq!(react.unwrap().status, 204);
    let pin = bob.api.put(&format!("/channels/{dm}/pins/{message}"), json!({})).await.unwrap();
    assert_eq!(pin.status, 204, "anyone in a DM may pin: {}", pin.text);
    let files = upload(&bob, &dm, json!({ "content": "a picture" }), &[("dot.png", "image/png", &png(2, 2))]).await;
    assert_eq!(files.status, 200, "{}", files.text);
    let search = alice.api.get(&format!("/channels/{dm}/messages/search?content=walrus")).await.unwrap();

    let fetched = alice.api.get(&format!("/channels/{dm}/messages/{message}")).await.unwrap();
    assert_eq!(fetched.body["reactions"][0]["count"], 1);
    assert_eq!(fetched.body["pinned"], true);
    assert_eq!(files.body["attachments"][0]["filename"], "dot.png");
    assert_eq!(search.status, 200, "{}", search.text);
    assert_eq!(search.body["total_results"], 1, "{}", search.text);
    let edit_theirs = bob.api.patch(&format!("/channels/{dm}/messages/{message}"), json!({ "content": "x" })).await;
    assert_error(&edit_theirs.unwrap(), 403, 50005);
    let delete_theirs = bob.api.delete(&format!("/channels/{dm}/messages/{message}")).await.unwrap();
    assert_error(&delete_theirs, 403, 50013);
    let invite = alice.api.post(&format!("/channels/{dm}/invites"), json!({})).await.unwrap();
    assert_error(&invite, 400, 50003);
}
