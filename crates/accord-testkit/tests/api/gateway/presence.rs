//! Presence: op 3 (and Identify's `presence`) reach guild peers whose intents include
//! GUILD_PRESENCES as PRESENCE_UPDATE; invisible shows as offline; a user whose last session
//! ends goes offline once the resume window has passed.

use std::time::{Duration, Instant};

use accord_client::gateway::GatewayClient;
use accord_testkit::{TestServer, TestUser};
use serde_json::{Value, json};

use super::{GUILD_PRESENCES, MESSAGES, WAIT, session, until_message};

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

#[tokio::test]
async fn a_status_change_reaches_guild_peers_that_asked_for_presences() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let (mut bobs, _) = session(&server, &bob, WITH_PRESENCES).await;
    let (mut alices, _) = session(&server, &alice, WITH_PRESENCES).await;
    assert_eq!(next_presence_of(&mut bobs, &alice).await["status"], "online", "identify sets online");

    for (sent, shown) in [("idle", "idle"), ("dnd", "dnd"), ("invisible", "offline"), ("online", "online")] {
        alices.send(3, status(sent)).await.unwrap();

        let update = next_presence_of(&mut bobs, &alice).await;
        assert_eq!(update["status"], shown, "{sent}: {update}");
        assert_eq!(update["guild_id"], guild.id.as_str());
    }
    alice.say(&guild.text, "sentinel").await;
    let own = until_message(&mut alices, "sentinel").await;
    let about_herself = |(name, d): &(String, Value)| name == "PRESENCE_UPDATE" && d["user"]["id"] == alice.id.as_str();
    assert!(!own.iter().any(about_herself), "alice hears her own presence: {own:?}");
}

#[tokio::test]
async fn peers_without_the_presences_intent_and_strangers_get_no_presence_updates() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.member(&guild, "carol").await;
    let dave = server.user("dave").await;
    let daves_guild = server.guild(&dave).await;
    let (mut bobs, _) = session(&server, &bob, WITH_PRESENCES).await;
    let (mut carols, _) = session(&server, &carol, MESSAGES).await;
    let (mut daves, _) = session(&server, &dave, WITH_PRESENCES).await;
    let (mut alices, _) = session(&server, &alice, MESSAGES).await;

    alices.send(3, status("dnd")).await.unwrap();
    // Identify's online and the dnd right after may go out as one update (they are coalesced).
    let mut seen = next_presence_of(&mut bobs, &alice).await;
    if seen["status"] == "online" {
        seen = next_presence_of(&mut bobs, &alice).await;
    }
    assert_eq!(seen["status"], "dnd");
    alice.say(&guild.text, "sentinel").await;
    dave.say(&daves_guild.text, "dave's sentinel").await;

    let carols_view = until_message(&mut carols, "sentinel").await;
    assert!(carols_view.iter().all(|(name, _)| name != "PRESENCE_UPDATE"), "{carols_view:?}");
    let daves_view = until_message(&mut daves, "dave's sentinel").await;
    assert!(daves_view.iter().all(|(_, d)| d["user"]["id"] != alice.id.as_str()), "{daves_view:?}");
}

#[tokio::test]
async fn an_invalid_status_closes_with_4002() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let (mut gw, _) = session(&server, &alice, MESSAGES).await;

    gw.send(3, status("busy")).await.unwrap();

    assert_eq!(gw.closed(WAIT).await.unwrap(), Some(4002));
}

#[tokio::test]
async fn guild_create_carries_the_presences_of_online_members_when_asked_for() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.member(&guild, "carol").await;
    let mut bobs = server.connect().await;
    let identify = |token: &str, presence: &str| json!({ "token": token, "intents": MESSAGES, "presence": status(presence), "properties": {} });
    bobs.send(2, identify(&bob.token, "idle")).await.unwrap();
    bobs.next_dispatch("READY", WAIT).await.unwrap();
    let mut carols = server.connect().await;
    carols.send(2, identify(&carol.token, "invisible")).await.unwrap();
    carols.next_dispatch("READY", WAIT).await.unwrap();

    let mut with = server.connect().await;
    with.identify_ready(&alice.token, WITH_PRESENCES).await.unwrap();
    let created = with.next_dispatch("GUILD_CREATE", WAIT).await.unwrap();
    let mut without = server.connect().await;
    without.identify_ready(&alice.token, MESSAGES).await.unwrap();
    let created_without = without.next_dispatch("GUILD_CREATE", WAIT).await.unwrap();

    let presences = created["presences"].as_array().unwrap();
    let of = |user: &TestUser| presences.iter().find(|p| p["user"]["id"] == user.id.as_str());
    assert_eq!(of(&bob).map(|p| p["status"].clone()), Some(json!("idle")), "{presences:?}");
    assert_eq!(of(&carol), None, "invisible members are not listed as online: {presences:?}");
    assert_eq!(created_without["presences"], json!([]));
}

#[tokio::test]
async fn a_user_whose_connection_drops_goes_offline_after_the_resume_window() {
    let server = TestServer::spawn_with(|config| config.gateway.resume_window_secs = 1).await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let (mut bobs, _) = session(&server, &bob, WITH_PRESENCES).await;
    let (alices, _) = session(&server, &alice, MESSAGES).await;
    assert_eq!(next_presence_of(&mut bobs, &alice).await["status"], "online");

    alices.drop_connection();
    let dropped = Instant::now();
    let update = next_presence_of(&mut bobs, &alice).await;

    assert_eq!(update["status"], "offline", "{update}");
    assert_eq!(update["activities"], json!([]));
    let after = dropped.elapsed();
    assert!(after >= Duration::from_millis(900), "offline after {after:?}, before the window passed");
    assert!(after < Duration::from_secs(4), "offline after {after:?}");
}

#[tokio::test]
async fn a_user_with_another_live_session_stays_online_when_one_ends() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let (mut bobs, _) = session(&server, &bob, WITH_PRESENCES).await;
    let (first, _) = session(&server, &alice, MESSAGES).await;
    let (_second, _) = session(&server, &alice, MESSAGES).await;
    assert_eq!(next_presence_of(&mut bobs, &alice).await["status"], "online");

    first.close(1000).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    alice.say(&guild.text, "sentinel").await;

    let before = until_message(&mut bobs, "sentinel").await;
    assert!(before.iter().all(|(name, _)| name != "PRESENCE_UPDATE"), "{before:?}");
}
