//! Recording a voice channel: only MANAGE_CHANNELS starts it, everyone sees it run, and
//! stopping posts each participant's audio as an Ogg Opus file in the channel.

use std::time::Duration;

use accord_client::voice::Observed;
use serde_json::json;

use super::{Duo, MEDIA_WITHIN, duo};

/// An Opus packet: TOC 0xf8 (CELT fullband, 20 ms, one frame), then who and which.
fn packet(who: u8, n: u8) -> [u8; 4] {
    [0xf8, who, n, 0x55]
}

#[tokio::test]
async fn stopping_a_recording_posts_each_participants_audio_as_ogg_opus() {
    let Duo { server: _server, owner, guild, member, owner_peer: host, member_peer: guest } = duo().await;

    guest.signal("recording", json!({ "recording": true }));
    let refused = |o: &Observed| o.messages.iter().any(|m| m["op"] == "error" && m["d"]["code"] == "forbidden");
    assert!(guest.wait_for(MEDIA_WITHIN, refused).await, "recording needs MANAGE_CHANNELS");
    host.signal("recording", json!({ "recording": true }));
    let recording =
        |on: bool| move |o: &Observed| o.messages.iter().any(|m| m["op"] == "recording" && m["d"]["recording"] == on);
    assert!(guest.wait_for(MEDIA_WITHIN, recording(true)).await, "everyone sees the recording start");

    for n in 0..25 {
        host.send_audio(&packet(1, n), -20);
        guest.send_audio(&packet(2, n), -20);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    host.signal("recording", json!({ "recording": false }));
    assert!(guest.wait_for(MEDIA_WITHIN, recording(false)).await, "everyone sees it stop");

    let path = format!("/channels/{}/messages", guild.voice);
    let mut posted = None;
    for _ in 0..50 {
        let messages = owner.api.get(&path).await.unwrap();
        if let Some(message) = messages.body.as_array().and_then(|m| m.first()).cloned() {
            posted = Some(message);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let message = posted.expect("a message with the recording");
    assert_eq!(message["author"]["id"], owner.id.as_str());
    let files = message["attachments"].as_array().expect("attachments");
    assert_eq!(files.len(), 2, "one file per participant: {message}");
    for (who, user) in [(1u8, &owner), (2u8, &member)] {
        let file = files.iter().find(|f| f["filename"].as_str().unwrap().ends_with(&format!("{}.ogg", user.id)));
        let file = file.unwrap_or_else(|| panic!("a file for {}: {files:?}", user.id));
        assert_eq!(file["content_type"], "audio/ogg");
        let url = file["url"].as_str().unwrap();
        let fetched = reqwest::get(url).await.unwrap();
        assert_eq!(fetched.status(), 200, "{url}");
        let bytes = fetched.bytes().await.unwrap();
        assert!(bytes.starts_with(b"OggS"), "an Ogg file: {url} {:?}", &bytes[..bytes.len().min(64)]);
        assert!(bytes.windows(8).any(|w| w == b"OpusHead"), "an Opus stream");
        let kept = (0..25).filter(|n| bytes.windows(4).any(|w| w == packet(who, *n))).count();
        assert!(kept >= 24, "the packets are stored as sent, not transcoded ({kept} of 25)");
        let other = if who == 1 { 2 } else { 1 };
        assert!(!bytes.windows(4).any(|w| w == packet(other, 3)), "each file holds one participant");
    }
}
