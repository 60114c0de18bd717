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

/// Sends 60 frames on each of three simulcast layers (q, h, f), about 30 a second.
async fn send_simulcast(sender: &VoicePeer, screen: bool) {
    for n in 0..60u8 {
        for (layer, rid) in ["q", "h", "f"].iter().enumerate() {
            sender.send_video(screen, Some(rid), &frame(n % 10 == 0, layer as u8, n));
        }
        tokio::time::sleep(Duration::from_millis(33)).await;
    }
}

/// Waits for 20 frames of `kind` from `user` at `peer`; the layer of each frame received.
async fn layers_received(peer: &VoicePeer, user: &str, kind: &str) -> Vec<u8> {
    let enough = |o: &Observed| o.received.iter().filter(|r| r.kind.as_deref() == Some(kind)).count() >= 20;
    assert!(peer.wait_for(MEDIA_WITHIN, enough).await, "{kind} arrives");
    peer.payloads_from(user, kind).iter().map(|p| p[1]).collect()
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

    send_simulcast(&sender, false).await;
    let low_layers = layers_received(&low_peer, &owner.id, "video").await;
    let high_layers = layers_received(&high_peer, &owner.id, "video").await;
    assert!(low_layers.iter().all(|l| *l == 0), "low gets only the lowest layer: {low_layers:?}");
    assert!(high_layers.iter().all(|l| *l == 2), "high gets only the highest layer: {high_layers:?}");
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

#[tokio::test]
async fn a_simulcast_stream_reaches_each_viewer_at_its_tier_and_marks_the_voice_state() {
    let server = TestServer::spawn().await;
    let owner = server.user("owner").await;
    let guild = server.guild(&owner).await;
    let sharp = server.member(&guild, "sharp").await;
    let light = server.member(&guild, "light").await;
    let screen = Sends { screen: Some(vec!["q".into(), "h".into(), "f".into()]), ..Sends::default() };
    let streamer = participant(&owner, &guild.voice, screen).await;
    let sharp_peer = participant(&sharp, &guild.voice, Sends::default()).await;
    let light_peer = participant(&light, &guild.voice, Sends::default()).await;
    let state_path = format!("/guilds/{}/voice-states/{}", guild.id, owner.id);
    let streaming = || async { owner.api.get(&state_path).await.unwrap().body["self_stream"].clone() };
    assert_eq!(streaming().await, false);

    streamer.signal("stream_start", json!({}));
    let live = |o: &Observed| o.messages.iter().any(|m| m["op"] == "stream" && m["d"]["live"] == true);
    assert!(light_peer.wait_for(MEDIA_WITHIN, live).await, "the stream goes live");
    assert_eq!(streaming().await, true, "self_stream is set in the voice state");
    sharp_peer.signal("watch", json!({ "user_id": owner.id, "tier": "1080p30" }));
    light_peer.signal("watch", json!({ "user_id": owner.id, "tier": "480p24" }));
    wait_for_kind(&sharp_peer, &owner.id, "screen").await;
    wait_for_kind(&light_peer, &owner.id, "screen").await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    send_simulcast(&streamer, true).await;
    let sharp_layers = layers_received(&sharp_peer, &owner.id, "screen").await;
    let light_layers = layers_received(&light_peer, &owner.id, "screen").await;
    assert!(sharp_layers.iter().all(|l| *l == 2), "1080p30 is the top layer: {sharp_layers:?}");
    assert!(light_layers.iter().all(|l| *l == 0), "480p24 is the lowest layer: {light_layers:?}");

    streamer.signal("stream_stop", json!({}));
    let gone = |o: &Observed| o.tracks.values().all(|t| t["kind"] != "screen");
    assert!(sharp_peer.wait_for(MEDIA_WITHIN, gone).await, "a stopped stream leaves its viewers");
    assert_eq!(streaming().await, false, "self_stream is cleared when the stream stops");
}

#[tokio::test]
async fn a_receiver_gets_the_best_layer_that_arrives_when_the_top_one_never_does() {
    let server = TestServer::spawn().await;
    let owner = server.user("owner").await;
    let guild = server.guild(&owner).await;
    let viewer = server.member(&guild, "viewer").await;
    let camera = Sends { camera: Some(vec!["q".into(), "h".into(), "f".into()]), ..Sends::default() };
    let receiver = participant(&viewer, &guild.voice, Sends::default()).await;
    let sender = participant(&owner, &guild.voice, camera).await;
    wait_for_kind(&receiver, &owner.id, "video").await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    // A small capture: the browser declares three layers and sends the lower two.
    for n in 0..75u8 {
        for (layer, rid) in ["q", "h"].iter().enumerate() {
            sender.send_video(false, Some(rid), &frame(n % 10 == 0, layer as u8, n));
        }
        tokio::time::sleep(Duration::from_millis(33)).await;
    }
    let layers = layers_received(&receiver, &owner.id, "video").await;
    assert!(layers.iter().all(|l| *l == 1), "the highest layer that arrives: {layers:?}");
}
