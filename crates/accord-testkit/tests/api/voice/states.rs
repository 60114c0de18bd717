//! Voice states: gateway opcode 4 and REST joins, the checks on joining, GUILD_CREATE's
//! `voice_states`, moderators moving and disconnecting members, voice tokens, ICE servers.

use std::time::Duration;

use accord_client::voice::{VoiceError, VoicePeer};
use accord_testkit::{TestServer, assert_error};
use serde_json::json;

use super::{MEDIA_WITHIN, audio, connect, join, participant};

const GUILDS: u64 = 1;
const GUILD_VOICE_STATES: u64 = 1 << 7;
const CONNECT: u64 = 1 << 20;
const VIEW_CHANNEL: u64 = 1 << 10;
const MOVE_MEMBERS: u64 = 1 << 24;
const WAIT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn opcode_4_joins_with_both_events_and_guild_create_carries_the_state() {
    let server = TestServer::spawn().await;
    let owner = server.user("owner").await;
    let guild = server.guild(&owner).await;
    let watcher = server.member(&guild, "watcher").await;
    let mut seen = server.connect().await;
    seen.identify_ready(&watcher.token, GUILDS | GUILD_VOICE_STATES).await.unwrap();
    let mut gateway = server.connect().await;
    gateway.identify_ready(&owner.token, GUILDS).await.unwrap();

    let d = json!({ "guild_id": guild.id, "channel_id": guild.voice, "self_mute": true, "self_deaf": false });
    gateway.send(4, d).await.unwrap();
    let server_update = gateway.next_dispatch("VOICE_SERVER_UPDATE", WAIT).await.unwrap();
    assert_eq!(server_update["guild_id"], guild.id.as_str());
    assert_eq!(server_update["channel_id"], guild.voice.as_str());
    let state = seen.next_dispatch("VOICE_STATE_UPDATE", WAIT).await.unwrap();
    assert_eq!(
        (state["user_id"].as_str(), state["channel_id"].as_str()),
        (Some(owner.id.as_str()), Some(guild.voice.as_str()))
    );
    assert_eq!((state["self_mute"].as_bool(), state["deaf"].as_bool()), (Some(true), Some(false)));
    assert_eq!(state["member"]["user"]["id"], owner.id.as_str(), "guild voice states carry the member");

    let mut late = server.connect().await;
    late.identify(&watcher.token, GUILDS | GUILD_VOICE_STATES).await.unwrap();
    let created = late.next_dispatch("GUILD_CREATE", WAIT).await.unwrap();
    let states = created["voice_states"].as_array().expect("voice_states");
    assert_eq!(states.len(), 1, "{states:?}");
    assert_eq!(states[0]["user_id"], owner.id.as_str());
    assert!(states[0].get("guild_id").is_none(), "GUILD_CREATE's voice states omit guild_id");

    // The gateway's token opens media; leaving closes it and tells the guild.
    let peer = connect(&server_update, audio()).await;
    gateway.send(4, json!({ "guild_id": guild.id, "channel_id": null })).await.unwrap();
    let left = seen.next_dispatch("VOICE_STATE_UPDATE", WAIT).await.unwrap();
    assert!(left["channel_id"].is_null(), "{left}");
    assert!(peer.wait_for(MEDIA_WITHIN, |o| o.closed == Some(4014)).await, "media closes on leave");
}

#[tokio::test]
async fn joining_needs_a_visible_voice_channel_connect_and_room() {
    let server = TestServer::spawn().await;
    let owner = server.user("owner").await;
    let guild = server.guild(&owner).await;
    let a = server.member(&guild, "anna").await;
    let b = server.member(&guild, "bo").await;
    let mover = server.member_with(&guild, "mover", MOVE_MEMBERS).await;

    let text = a.api.post("/voice/join", json!({ "channel_id": guild.text })).await.unwrap();
    assert_error(&text, 400, 50024);
    let private = owner
        .api
        .post(&format!("/guilds/{}/channels", guild.id), json!({ "name": "hidden", "type": 2 }))
        .await
        .unwrap();
    let hidden = private.id();
    guild.overwrite(&hidden, &guild.id, 0, 0, VIEW_CHANNEL).await;
    let unseen = a.api.post("/voice/join", json!({ "channel_id": hidden })).await.unwrap();
    assert_error(&unseen, 404, 10003);
    guild.overwrite(&hidden, &guild.id, 0, VIEW_CHANNEL, CONNECT).await;
    let no_connect = a.api.post("/voice/join", json!({ "channel_id": hidden })).await.unwrap();
    assert_error(&no_connect, 403, 50013);
    let mut gateway = server.connect().await;
    gateway.identify_ready(&a.token, GUILDS).await.unwrap();
    gateway.send(4, json!({ "guild_id": guild.id, "channel_id": hidden })).await.unwrap();
    assert!(
        gateway.next_dispatch("VOICE_SERVER_UPDATE", Duration::from_secs(1)).await.is_err(),
        "no server for a refused join"
    );

    let limited = owner.api.patch(&format!("/channels/{}", guild.voice), json!({ "user_limit": 1 })).await.unwrap();
    assert_eq!(limited.status, 200, "{}", limited.text);
    join(&a, &guild.voice).await;
    let full = b.api.post("/voice/join", json!({ "channel_id": guild.voice })).await.unwrap();
    assert_error(&full, 400, 30060);
    join(&mover, &guild.voice).await;
    join(&a, &guild.voice).await;
}

#[tokio::test]
async fn a_forged_or_stale_voice_token_is_refused() {
    let server = TestServer::spawn().await;
    let owner = server.user("owner").await;
    let guild = server.guild(&owner).await;
    let joined = join(&owner, &guild.voice).await;
    let endpoint = joined["endpoint"].as_str().unwrap();
    let url = format!("ws://{endpoint}/voice/ws?v=1");
    let token = joined["token"].as_str().unwrap();
    let (payload, mac) = token.split_once('.').unwrap();
    let forged = format!("{payload}.{}", mac.chars().rev().collect::<String>());
    assert!(matches!(VoicePeer::connect(&url, &forged, audio()).await, Err(VoiceError::Closed(4004))));
    let left = owner.api.post("/voice/leave", json!({})).await.unwrap();
    assert_eq!(left.status, 204);
    assert!(
        matches!(VoicePeer::connect(&url, token, audio()).await, Err(VoiceError::Closed(4003))),
        "the state is gone"
    );
}

#[tokio::test]
async fn moderators_move_and_disconnect_members() {
    let server = TestServer::spawn().await;
    let owner = server.user("owner").await;
    let guild = server.guild(&owner).await;
    let member = server.member(&guild, "member").await;
    let other = server.member(&guild, "other").await;
    let second = owner
        .api
        .post(&format!("/guilds/{}/channels", guild.id), json!({ "name": "Second", "type": 2 }))
        .await
        .unwrap()
        .id();
    let mut seen = server.connect().await;
    seen.identify_ready(&owner.token, GUILDS | GUILD_VOICE_STATES).await.unwrap();
    let path = format!("/guilds/{}/members/{}", guild.id, member.id);

    let absent = owner.api.patch(&path, json!({ "channel_id": second })).await.unwrap();
    assert_error(&absent, 400, 40032);
    let peer = participant(&member, &guild.voice, audio()).await;
    seen.next_dispatch("VOICE_STATE_UPDATE", WAIT).await.unwrap();
    let refused = other.api.patch(&path, json!({ "channel_id": second })).await.unwrap();
    assert_error(&refused, 403, 50013);

    let moved = owner.api.patch(&path, json!({ "channel_id": second })).await.unwrap();
    assert_eq!(moved.status, 200, "{}", moved.text);
    let state = seen.next_dispatch("VOICE_STATE_UPDATE", WAIT).await.unwrap();
    assert_eq!(state["channel_id"], second.as_str());
    assert!(peer.wait_for(MEDIA_WITHIN, |o| o.closed == Some(4014)).await, "the old channel's media closes");

    let gone = owner.api.patch(&path, json!({ "channel_id": null })).await.unwrap();
    assert_eq!(gone.status, 200, "{}", gone.text);
    let state = seen.next_dispatch("VOICE_STATE_UPDATE", WAIT).await.unwrap();
    assert!(state["channel_id"].is_null());
    let again = owner.api.patch(&path, json!({ "channel_id": null })).await.unwrap();
    assert_error(&again, 400, 40032);
    let log = |action: u32| format!("/guilds/{}/audit-logs?action_type={action}", guild.id);
    let moves = owner.api.get(&log(26)).await.unwrap();
    assert_eq!(moves.body["audit_log_entries"][0]["options"]["channel_id"], second.as_str(), "{}", moves.text);
    let disconnects = owner.api.get(&log(27)).await.unwrap();
    assert_eq!(disconnects.body["audit_log_entries"].as_array().map(Vec::len), Some(1), "{}", disconnects.text);
}

#[tokio::test]
async fn ice_servers_carry_turn_credentials_only_when_configured() {
    let plain = TestServer::spawn().await;
    let user = plain.user("user").await;
    let answer = user.api.get("/voice/ice-servers").await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.text);
    let servers = answer.body["ice_servers"].as_array().unwrap();
    assert!(servers.iter().all(|s| s.get("credential").is_none()), "no TURN without a secret: {servers:?}");

    let server = TestServer::spawn_with(|c| {
        c.voice.turn_urls = vec!["turn:127.0.0.1:3478?transport=udp".into()];
        c.voice.turn_secret = Some("shared".into());
    })
    .await;
    let user = server.user("user").await;
    let answer = user.api.get("/voice/ice-servers").await.unwrap();
    let turn = answer.body["ice_servers"].as_array().unwrap().iter().find(|s| s.get("credential").is_some()).cloned();
    let turn = turn.expect("a TURN entry");
    let username = turn["username"].as_str().unwrap();
    let (expiry, id) = username.split_once(':').unwrap();
    assert_eq!(id, user.id);
    let now = accord_core::time::now_ms() / 1000;
    assert!(expiry.parse::<u64>().unwrap() > now + 3600, "valid for the configured day");
    assert_eq!(turn["credential"].as_str().unwrap().len(), 28, "base64 of a 20-byte HMAC-SHA1");
    let anonymous = server.client().get("/voice/ice-servers").await.unwrap();
    assert_eq!(anonymous.status, 401);
}

#[tokio::test]
async fn deleting_a_voice_channel_disconnects_everyone_in_it() {
    let server = TestServer::spawn().await;
    let owner = server.user("owner").await;
    let guild = server.guild(&owner).await;
    let member = server.member(&guild, "member").await;
    let room = owner
        .api
        .post(&format!("/guilds/{}/channels", guild.id), json!({ "name": "Room", "type": 2 }))
        .await
        .unwrap()
        .id();
    let mut seen = server.connect().await;
    seen.identify_ready(&owner.token, GUILDS | GUILD_VOICE_STATES).await.unwrap();
    let peer = participant(&member, &room, audio()).await;
    seen.next_dispatch("VOICE_STATE_UPDATE", WAIT).await.unwrap();

    assert_eq!(owner.api.delete(&format!("/channels/{room}")).await.unwrap().status, 200);
    let left = seen.next_dispatch("VOICE_STATE_UPDATE", WAIT).await.unwrap();
    assert_eq!((left["user_id"].as_str(), left["channel_id"].is_null()), (Some(member.id.as_str()), true));
    assert!(peer.wait_for(MEDIA_WITHIN, |o| o.closed == Some(4014)).await, "the media closes");
    let state = owner.api.get(&format!("/guilds/{}/voice-states/{}", guild.id, member.id)).await.unwrap();
    assert_error(&state, 404, 10065);
}
