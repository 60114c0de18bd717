//! Video through the SFU: each receiver of a simulcast camera gets the layer it asked for,
//! and a Go Live stream reaches its viewers only.

use std::time::Duration;

use accord_client::voice::{Observed, Sends, VoicePeer};
use accord_testkit::TestServer;
use serde_json::json;

use super::{MEDIA_WITHIN, participant};

/// A VP8 frame: the first byte's lowest bit clear marks a keyframe; then the layer and count.
fn frame(keyframe: bool, layer: u8, n: u8) -> Vec<u8> {
    vec![if keyframe { 0x10 } else { 0x11 }, layer, n, 0x9d, 0x01, 0x2a]
}

/// Waits until `peer` has a track of `kind` from `user`.
async fn wait_for_kind(peer: &VoicePeer, user: &str, kind: &str) {
    let has = |o: &Observed| o.tracks.values().any(|t| t["user_id"] == user && t["kind"] == kind);
    assert!(peer.wait_for(MEDIA_WITHIN, has).await, "a {kind} track from {user}: {:?}", peer.observed().tracks);
}

#[tokio::test]
async fn each_receiver_of_a_simulcast_camera_gets_the_layer_it_asked_for() {
    let server = TestServer::spawn().await;
    let owner = server.user("owner").await;
    let guild = server.guild(&owner).await;
    let low = server.member(&guild, "low").await;
    let high = server.member(&guild, "high").await;
    let camera = Sends { camera: Some(vec!["q".into(), "h".into(), "f".into()]), ..Sends::default() };
    let low_peer = participant(&low, &guild.voice, Sends::default()).await;
    let high_peer = participant(&high, &guild.voice, Sends::default()).await;
    low_peer.signal("layers", json!({ "user_id": owner.id, "quality": "low" }));
    let sender = participant(&owner, &guild.voice, camera).await;
    wait_for_kind(&low_peer, &owner.id, "video").await;
    wait_for_kind(&high_peer, &owner.id, "video").await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    for n in 0..60u8 {
        for (layer, rid) in ["q", "h", "f"].iter().enumerate() {
            sender.send_video(false, Some(rid), &frame(n % 10 == 0, layer as u8, n));
        }
        tokio::time::sleep(Duration::from_millis(33)).await;
    }
    let enough = |o: &Observed| o.received.iter().filter(|r| r.kind.as_deref() == Some("video")).count() >= 20;
    assert!(low_peer.wait_for(MEDIA_WITHIN, enough).await, "the low receiver gets video");
    assert!(high_peer.wait_for(MEDIA_WITHIN, enough).await, "the high receiver gets video");
    let layers =
        |peer: &VoicePeer| -> Vec<u8> { peer.payloads_from(&owner.id, "video").iter().map(|p| p[1]).collect() };
    assert!(layers(&low_peer).iter().all(|l| *l == 0), "low gets only the lowest layer: {:?}", layers(&low_peer));
    assert!(layers(&high_peer).iter().all(|l| *l == 2), "high gets only the highest layer: {:?}", layers(&high_peer));
    let first = low_peer.payloads_from(&owner.id, "video")[0].clone();
    assert_eq!(first[0] & 1, 0, "forwarding starts at a keyframe");
}

#[tokio::test]
async fn a_stream_reaches_its_viewers_only_at_their_tier() {
    let server = TestServer::spawn().await;
    let owner = server.user("owner").await;
    let guild = server.guild(&owner).await;
    let viewer = server.member(&guild, "viewer").await;
    let bystander = server.member(&guild, "bystander").await;
    let screen = Sends { audio: true, screen: Some(Vec::new()), ..Sends::default() };
    let streamer = participant(&owner, &guild.voice, screen).await;
    let watching = participant(&viewer, &guild.voice, Sends::default()).await;
    let passing = participant(&bystander, &guild.voice, Sends::default()).await;
    super::wait_for_tracks(&passing, &[&owner.id], 1).await;

    let refused = |o: &Observed| o.messages.iter().any(|m| m["op"] == "error" && m["d"]["code"] == "not_found");
    watching.signal("watch", json!({ "user_id": owner.id, "tier": "720p30" }));
    assert!(watching.wait_for(MEDIA_WITHIN, refused).await, "no stream to watch before it goes live");

    streamer.signal("stream_start", json!({}));
    let live = |o: &Observed| o.messages.iter().any(|m| m["op"] == "stream" && m["d"]["live"] == true);
    assert!(passing.wait_for(MEDIA_WITHIN, live).await, "everyone hears the stream start");
    watching.signal("watch", json!({ "user_id": owner.id, "tier": "720p30" }));
    wait_for_kind(&watching, &owner.id, "screen").await;
    let viewers = |o: &Observed| {
        o.messages.iter().any(|m| m["op"] == "stream" && m["d"]["viewers"] == json!([viewer.id.as_str()]))
    };
    assert!(passing.wait_for(MEDIA_WITHIN, viewers).await, "the viewer list is announced");
    tokio::time::sleep(Duration::from_millis(300)).await;

    for n in 0..30u8 {
        streamer.send_video(true, None, &frame(n % 10 == 0, 9, n));
        tokio::time::sleep(Duration::from_millis(33)).await;
    }
    let got = |o: &Observed| o.received.iter().filter(|r| r.kind.as_deref() == Some("screen")).count() >= 20;
    assert!(watching.wait_for(MEDIA_WITHIN, got).await, "the viewer gets the screen");
    assert!(watching.payloads_from(&owner.id, "screen").iter().all(|p| p[1] == 9));
    assert!(passing.observed().tracks.values().all(|t| t["kind"] != "screen"), "no screen track for a non-viewer");
    assert!(passing.payloads_from(&owner.id, "screen").is_empty(), "no screen media for a non-viewer");

    watching.signal("unwatch", json!({ "user_id": owner.id }));
    let dropped = |o: &Observed| o.tracks.values().all(|t| t["kind"] != "screen");
    assert!(watching.wait_for(MEDIA_WITHIN, dropped).await, "unwatching removes the screen track");
}
