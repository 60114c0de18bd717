//! Voice: voice states over the gateway and REST, and media through the SFU with headless
//! WebRTC participants (`accord_client::voice`) on loopback.

mod calls;
mod media;
mod placement;
mod recording;
mod stage;
mod states;
mod video;

use std::time::Duration;

use accord_client::voice::{Sends, VoicePeer};
use accord_testkit::{TestGuild, TestServer, TestUser};
use serde_json::{Value, json};

/// How long media takes to show up at most on loopback (ICE, DTLS and renegotiation).
pub const MEDIA_WITHIN: Duration = Duration::from_secs(10);

/// Joins `channel` over REST; the answer (`voice_state`, `token`, `endpoint`, `ice_servers`).
pub async fn join(user: &TestUser, channel: &str) -> Value {
    let answer = user.api.post("/voice/join", json!({ "channel_id": channel })).await.expect("join");
    assert_eq!(answer.status, 200, "join: {}", answer.text);
    answer.body
}

/// Joins `channel` and connects media that sends `sends`.
pub async fn participant(user: &TestUser, channel: &str, sends: Sends) -> VoicePeer {
    let joined = join(user, channel).await;
    connect(&joined, sends).await
}

/// Connects media with a join's token and endpoint.
pub async fn connect(joined: &Value, sends: Sends) -> VoicePeer {
    let endpoint = joined["endpoint"].as_str().expect("an endpoint");
    let token = joined["token"].as_str().expect("a token");
    VoicePeer::connect(&format!("ws://{endpoint}/voice/ws?v=1"), token, sends).await.expect("media connects")
}

pub fn audio() -> Sends {
    Sends { audio: true, ..Sends::default() }
}

/// Waits until `peer` receives `count` tracks, each from one of `users`.
pub async fn wait_for_tracks(peer: &VoicePeer, users: &[&str], count: usize) {
    let ok = peer
        .wait_for(MEDIA_WITHIN, |o| {
            o.tracks.len() == count && o.tracks.values().all(|t| users.iter().any(|u| t["user_id"] == *u))
        })
        .await;
    assert!(ok, "tracks from {users:?} expected, got {:?}", peer.observed().tracks);
}

/// A new guild's owner and one member, both in its voice channel sending audio, each already
/// receiving the other's track.
pub struct Duo {
    pub server: TestServer,
    pub owner: TestUser,
    pub guild: TestGuild,
    pub member: TestUser,
    pub owner_peer: VoicePeer,
    pub member_peer: VoicePeer,
}

pub async fn duo() -> Duo {
    let server = TestServer::spawn().await;
    let owner = server.user("owner").await;
    let guild = server.guild(&owner).await;
    let member = server.member(&guild, "member").await;
    let owner_peer = participant(&owner, &guild.voice, audio()).await;
    let member_peer = participant(&member, &guild.voice, audio()).await;
    wait_for_tracks(&owner_peer, &[&member.id], 1).await;
    wait_for_tracks(&member_peer, &[&owner.id], 1).await;
    // Let the last answers land at the SFU before the frames they open for.
    tokio::time::sleep(Duration::from_millis(300)).await;
    Duo { server, owner, guild, member, owner_peer, member_peer }
}
