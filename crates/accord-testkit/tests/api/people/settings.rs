//! User settings (`/users/@me/settings`) and what they decide: who may DM the user and send
//! them friend requests, and whether others see their read receipts.

use accord_testkit::{TestServer, assert_error, timestamp_from_now};
use serde_json::json;

use super::{neighbours, open_dm};

#[tokio::test]
async fn settings_have_defaults_change_in_part_and_reach_the_users_sessions() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let defaults = alice.api.get("/users/@me/settings").await.unwrap();
    assert_eq!(defaults.status, 200);
    assert_eq!(defaults.body["status"], "online");
    assert_eq!(defaults.body["theme"], "dark");
    assert_eq!(defaults.body["read_receipts"], true);
    let mut events = server.events().await;

    let body = json!({
        "status": "dnd",
        "theme": "light",
        "custom_status": { "text": "in a meeting", "emoji_name": "📅", "expires_at": timestamp_from_now(3600) },
    });
    let changed = alice.api.patch("/users/@me/settings", body).await.unwrap();

    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["status"], "dnd");
    assert_eq!(changed.body["locale"], "en-US", "untouched fields keep their values");
    let update = events.expect("USER_SETTINGS_UPDATE").await;
    assert_eq!(update.user_ids, [alice.id.as_str()]);
    assert_eq!(update.data["custom_status"]["text"], "in a meeting");
    let read = alice.api.get("/users/@me/settings").await.unwrap();
    assert_eq!(read.body["theme"], "light");
}

#[tokio::test]
async fn an_expired_custom_status_reads_as_none() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let body = json!({ "custom_status": { "text": "brb", "expires_at": timestamp_from_now(-5) } });
    let changed = alice.api.patch("/users/@me/settings", body).await.unwrap();
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert!(changed.body["custom_status"].is_null(), "{}", changed.text);
}

#[tokio::test]
async fn bad_settings_are_refused_and_change_nothing() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    for body in [
        json!({ "status": "offline" }),
        json!({ "theme": "purple" }),
        json!({ "locale": "not a locale!" }),
        json!({ "custom_status": { "text": "x".repeat(129) } }),
        json!({ "custom_status": { "expires_at": "tomorrow" } }),
        json!({ "no_such_setting": true }),
        json!({ "read_receipts": "yes" }),
    ] {
        let answer = alice.api.patch("/users/@me/settings", body.clone()).await.unwrap();
        assert_error(&answer, 400, 50035);
    }
    let read = alice.api.get("/users/@me/settings").await.unwrap();
    assert_eq!(read.body["status"], "online");
    assert_eq!(read.body["theme"], "dark");
}

#[tokio::test]
async fn closing_dms_to_guild_members_stops_new_dms_but_not_friends() {
    let server = TestServer::spawn().await;
    let (alice, bob) = neighbours(&server).await;
    let closed = bob.api.patch("/users/@me/settings", json!({ "default_guilds_restricted": true })).await.unwrap();
    assert_eq!(closed.status, 200);

    let refused = alice.api.post("/users/@me/channels", json!({ "recipient_id": bob.id })).await.unwrap();
    assert_error(&refused, 403, 50007);
    super::befriend(&alice, &bob).await;
    open_dm(&alice, &bob).await;
}

#[tokio::test]
async fn friend_requests_follow_the_friend_source_setting() {
    let server = TestServer::spawn().await;
    let (alice, bob) = neighbours(&server).await;
    let stranger = server.user("stranger").await;
    let only_guilds =
        json!({ "friend_source_flags": { "all": false, "mutual_guilds": true, "mutual_friends": false } });
    assert_eq!(bob.api.patch("/users/@me/settings", only_guilds).await.unwrap().status, 200);

    let from_stranger = stranger.api.put(&format!("/users/@me/relationships/{}", bob.id), json!({})).await.unwrap();
    assert_error(&from_stranger, 403, 80000);
    let from_neighbour = alice.api.put(&format!("/users/@me/relationships/{}", bob.id), json!({})).await.unwrap();
    assert_eq!(from_neighbour.status, 204, "{}", from_neighbour.text);
}
