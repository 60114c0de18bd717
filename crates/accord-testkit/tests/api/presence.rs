//! Presence beyond a single session: several sessions of one user combine (the strongest
//! status shows), the custom status and the chosen status from settings, idleness after
//! inactivity, bursts coalesced, a member joining while online, and the presence service's REST
//! routes with last-seen times.

use std::time::Duration;

use accord_client::gateway::GatewayClient;
use accord_testkit::{TestServer, TestUser, assert_error, timestamp_from_now};
use serde_json::{Value, json};

use super::gateway::{GUILD_PRESENCES, MESSAGES, WAIT, session, until_message};

const WITH_PRESENCES: u64 = MESSAGES | GUILD_PRESENCES;

fn status(status: &str) -> Value {
    json!({ "status": status, "since": null, "activities": [], "afk": false })
}

/// The next PRESENCE_UPDATE about `user`, skipping other dispatches.
async fn next_presence_of(gw: &mut GatewayClient, user: &TestUser) -> Value {
    loop {
        let update = gw.next_dispatch("PRESENCE_UPDATE", WAIT).await.expect("PRESENCE_UPDATE");
        if update["user"]["id"] == user.id.as_str() {
            return update;
        }
    }
}

/// A guild of alice's with bob watching presences.
async fn watched(server: &TestServer) -> (TestUser, TestUser, accord_testkit::TestGuild, GatewayClient) {
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let (bobs, _) = session(server, &bob, WITH_PRESENCES).await;
    (alice, bob, guild, bobs)
}

#[tokio::test]
async fn a_users_sessions_combine_and_the_strongest_status_shows() {
    let server = TestServer::spawn().await;
    let (alice, _bob, _guild, mut bobs) = watched(&server).await;
    let (mut phone, _) = session(&server, &alice, MESSAGES).await;
    assert_eq!(next_presence_of(&mut bobs, &alice).await["status"], "online");
    let (mut desktop, _) = session(&server, &alice, MESSAGES).await;

    phone.send(3, status("idle")).await.unwrap();
    desktop.send(3, status("dnd")).await.unwrap();
    let mut seen = next_presence_of(&mut bobs, &alice).await;
    while seen["status"] != "dnd" {
        seen = next_presence_of(&mut bobs, &alice).await;
    }
    desktop.close(1000).await.unwrap();
    let after = next_presence_of(&mut bobs, &alice).await;

    assert_eq!(after["status"], "idle", "the phone's status is left: {after}");
    phone.send(3, status("invisible")).await.unwrap();
    assert_eq!(next_presence_of(&mut bobs, &alice).await["status"], "offline");
}

#[tokio::test]
async fn the_custom_status_and_chosen_status_come_from_settings() {
    let server = TestServer::spawn().await;
    let (alice, _bob, _guild, mut bobs) = watched(&server).await;
    let (_alices, _) = session(&server, &alice, MESSAGES).await;
    assert_eq!(next_presence_of(&mut bobs, &alice).await["status"], "online");

    let body = json!({
        "status": "dnd",
        "custom_status": { "text": "deep work", "emoji_name": "🎧", "expires_at": timestamp_from_now(3600) },
    });
    assert_eq!(alice.api.patch("/users/@me/settings", body).await.unwrap().status, 200);

    let mut update = next_presence_of(&mut bobs, &alice).await;
    while update["status"] != "dnd" || update["activities"].as_array().is_none_or(Vec::is_empty) {
        update = next_presence_of(&mut bobs, &alice).await;
    }
    let custom = &update["activities"][0];
    assert_eq!(custom["type"], 4);
    assert_eq!(custom["state"], "deep work");
    assert_eq!(custom["emoji"]["name"], "🎧");
}

#[tokio::test]
async fn an_inactive_person_goes_idle_until_they_do_something() {
    let server = TestServer::spawn_with(|config| config.gateway.idle_after_secs = 1).await;
    let (alice, _bob, _guild, mut bobs) = watched(&server).await;
    let (mut alices, _) = session(&server, &alice, MESSAGES).await;
    assert_eq!(next_presence_of(&mut bobs, &alice).await["status"], "online");

    let idle = next_presence_of(&mut bobs, &alice).await;
    assert_eq!(idle["status"], "idle", "{idle}");
    alices.send(3, status("online")).await.unwrap();
    assert_eq!(next_presence_of(&mut bobs, &alice).await["status"], "online");
}

#[tokio::test]
async fn a_burst_of_changes_goes_out_as_fewer_updates_ending_with_the_last() {
    let server = TestServer::spawn().await;
    let (alice, _bob, guild, mut bobs) = watched(&server).await;
    let (mut alices, _) = session(&server, &alice, MESSAGES).await;
    assert_eq!(next_presence_of(&mut bobs, &alice).await["status"], "online");

    for sent in ["idle", "dnd", "online", "idle", "dnd"] {
        alices.send(3, status(sent)).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    alice.say(&guild.text, "after the burst").await;
    let before = until_message(&mut bobs, "after the burst").await;

    let updates: Vec<&Value> = before.iter().filter(|(name, _)| name == "PRESENCE_UPDATE").map(|(_, d)| d).collect();
    assert!(!updates.is_empty() && updates.len() < 5, "{} updates for 5 changes", updates.len());
    assert_eq!(updates.last().unwrap()["status"], "dnd");
}

#[tokio::test]
async fn presence_is_set_and_read_over_rest_by_those_who_share_a_guild() {
    let server = TestServer::spawn().await;
    let (alice, bob, guild, mut bobs) = watched(&server).await;
    let stranger = server.user("stranger").await;

    let body = json!({ "status": "dnd", "activities": [{ "name": "chess", "type": 0 }], "custom_status": { "text": "thinking" } });
    let set = alice.api.post("/presence/update", body).await.unwrap();
    assert_eq!(set.status, 200, "{}", set.text);
    assert_eq!(set.body["status"], "dnd");

    let update = next_presence_of(&mut bobs, &alice).await;
    assert_eq!(update["status"], "dnd");
    assert_eq!(update["activities"][0]["state"], "thinking");
    let read = bob.api.get(&format!("/presence/{}", alice.id)).await.unwrap();
    assert_eq!(read.body["status"], "dnd", "{}", read.text);
    assert_eq!(read.body["activities"][1]["name"], "chess");
    let listed = bob.api.get(&format!("/presence/guild/{}", guild.id)).await.unwrap();
    let ids: Vec<&str> = listed.body.as_array().unwrap().iter().map(|p| p["user_id"].as_str().unwrap()).collect();
    assert!(ids.contains(&alice.id.as_str()) && ids.contains(&bob.id.as_str()), "{ids:?}");
    assert_error(&stranger.api.get(&format!("/presence/{}", alice.id)).await.unwrap(), 404, 10013);
    assert_error(&stranger.api.get(&format!("/presence/guild/{}", guild.id)).await.unwrap(), 404, 10004);
    assert_error(&alice.api.post("/presence/update", json!({ "status": "asleep" })).await.unwrap(), 400, 50035);
    let unknown = alice.api.post("/presence/update", json!({ "mood": "happy" })).await.unwrap();
    assert_error(&unknown, 400, 50035);
}

#[tokio::test]
async fn an_offline_user_shows_when_they_were_last_seen() {
    let server = TestServer::spawn_with(|config| config.gateway.resume_window_secs = 1).await;
    let (alice, bob, _guild, mut bobs) = watched(&server).await;
    let (alices, _) = session(&server, &alice, MESSAGES).await;
    assert_eq!(next_presence_of(&mut bobs, &alice).await["status"], "online");

    alices.close(1000).await.unwrap();
    assert_eq!(next_presence_of(&mut bobs, &alice).await["status"], "offline");

    let read = bob.api.get(&format!("/presence/{}", alice.id)).await.unwrap();
    assert_eq!(read.body["status"], "offline");
    assert!(read.body["last_seen"].as_str().is_some_and(|t| t.ends_with("+00:00")), "{}", read.text);
}

#[tokio::test]
async fn a_member_who_joins_while_online_shows_online_to_the_guild() {
    let server = TestServer::spawn().await;
    // Carol shares a first guild with bob, so the test knows bob's presence went out before
    // he joins alice's: nothing about it changes when he does.
    let carol = server.user("carol").await;
    let first = server.guild(&carol).await;
    let bob = server.member(&first, "bob").await;
    let (mut carols, _) = session(&server, &carol, WITH_PRESENCES).await;
    let (_bobs, _) = session(&server, &bob, MESSAGES).await;
    assert_eq!(next_presence_of(&mut carols, &bob).await["status"], "online");
    let alice = server.user("alice").await;
    let second = server.guild(&alice).await;
    let (mut alices, _) = session(&server, &alice, WITH_PRESENCES).await;

    second.join(&bob).await;

    let update = next_presence_of(&mut alices, &bob).await;
    assert_eq!(update["status"], "online", "{update}");
    assert_eq!(update["guild_id"], second.id.as_str(), "{update}");
}
