//! Audio through the SFU: everyone gets exactly the others' audio, server mute drops a
//! sender's audio at the SFU, speaking indicators follow audio levels, and a participant who
//! leaves takes its tracks along.

use std::time::{Duration, Instant};

use accord_testkit::TestServer;
use serde_json::json;

use super::{Duo, MEDIA_WITHIN, audio, duo, participant, wait_for_tracks};

/// Sends `count` Opus frames of `[index, n]` from each participant, 20 ms apart.
async fn talk(peers: &[&accord_client::voice::VoicePeer], index_of: &[u8], count: u8, level: i8) {
    for n in 0..count {
        for (peer, index) in peers.iter().zip(index_of) {
            peer.send_audio(&[*index, n, 0xf8, 0xff, 0xfe], level);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn three_participants_each_receive_exactly_the_other_two() {
    let server = TestServer::spawn().await;
    let owner = server.user("owner").await;
    let guild = server.guild(&owner).await;
    let b = server.member(&guild, "bea").await;
    let c = server.member(&guild, "cem").await;
    let users = [&owner, &b, &c];
    let mut peers = Vec::new();
    for user in users {
        peers.push(participant(user, &guild.voice, audio()).await);
    }
    for (peer, user) in peers.iter().zip(users) {
        let others: Vec<&str> = users.iter().filter(|u| u.id != user.id).map(|u| u.id.as_str()).collect();
        wait_for_tracks(peer, &others, 2).await;
    }
    // Let the last answers land at the SFU before the frames they open for.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let refs: Vec<_> = peers.iter().collect();
    talk(&refs, &[0, 1, 2], 25, -20).await;
    for (index, (peer, user)) in peers.iter().zip(users).enumerate() {
        for (other_index, other) in users.iter().enumerate() {
            let expected: Vec<Vec<u8>> = (0..25).map(|n| vec![other_index as u8, n, 0xf8, 0xff, 0xfe]).collect();
            if other.id == user.id {
                assert!(peer.payloads_from(&other.id, "audio").is_empty(), "nobody hears themselves");
                continue;
            }
            let complete = peer.wait_for(MEDIA_WITHIN, |o| heard(o, &other.id) >= 25).await;
            assert!(
                complete,
                "participant {index} got {} frames from {other_index}",
                peer.payloads_from(&other.id, "audio").len()
            );
            assert_eq!(peer.payloads_from(&other.id, "audio"), expected, "{index} hears {other_index} exactly");
        }
        assert_eq!(peer.observed().received.len(), 50, "participant {index} got nothing else");
    }
}

/// Frames received from `user` so far.
fn heard(observed: &accord_client::voice::Observed, user: &str) -> usize {
    observed.received.iter().filter(|r| r.user_id.as_deref() == Some(user)).count()
}

#[tokio::test]
async fn server_mute_drops_audio_at_the_sfu_and_speaking_follows_levels() {
    let Duo { server: _server, owner, guild, member: speaker, owner_peer: listener, member_peer: talker } = duo().await;

    let started = Instant::now();
    talker.send_audio(&[1, 0, 0xf8], -20);
    let speaking = |speaking: bool| {
        move |o: &accord_client::voice::Observed| {
            o.messages.iter().any(|m| m["op"] == "speaking" && m["d"]["speaking"] == speaking)
        }
    };
    assert!(listener.wait_for(MEDIA_WITHIN, speaking(true)).await, "speaking starts");
    assert!(started.elapsed() < Duration::from_millis(200), "within 200 ms of speech: {:?}", started.elapsed());
    for n in 1..10 {
        talker.send_audio(&[1, n, 0xf8], -20);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(listener.wait_for(MEDIA_WITHIN, |o| o.received.len() >= 10).await);
    // Quiet frames end speaking after the hang.
    for n in 10..40 {
        talker.send_audio(&[1, n, 0xf8], -127);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(listener.wait_for(MEDIA_WITHIN, speaking(false)).await, "speaking ends in silence");

    let muted = owner
        .api
        .patch(&format!("/guilds/{}/members/{}", guild.id, speaker.id), json!({ "mute": true }))
        .await
        .unwrap();
    assert_eq!(muted.status, 200, "{}", muted.text);
    let updated = |o: &accord_client::voice::Observed| {
        o.messages
            .iter()
            .any(|m| m["op"] == "peer_update" && m["d"]["user_id"] == speaker.id.as_str() && m["d"]["mute"] == true)
    };
    assert!(listener.wait_for(MEDIA_WITHIN, updated).await, "the channel sees the server mute");
    let before = listener.payloads_from(&speaker.id, "audio").len();
    for n in 40..65 {
        talker.send_audio(&[1, n, 0xf8], -20);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(listener.payloads_from(&speaker.id, "audio").len(), before, "no audio passes a server mute");
    let late_speaking =
        listener.observed().messages.iter().filter(|m| m["op"] == "speaking" && m["d"]["speaking"] == true).count();
    assert_eq!(late_speaking, 1, "a server-muted member never shows speaking");
}

#[tokio::test]
async fn a_participant_who_leaves_takes_its_tracks_along() {
    let server = TestServer::spawn().await;
    let owner = server.user("owner").await;
    let guild = server.guild(&owner).await;
    let b = server.member(&guild, "bea").await;
    let c = server.member(&guild, "cem").await;
    let stays = participant(&owner, &guild.voice, audio()).await;
    let also = participant(&b, &guild.voice, audio()).await;
    let leaves = participant(&c, &guild.voice, audio()).await;
    wait_for_tracks(&stays, &[&b.id, &c.id], 2).await;
    wait_for_tracks(&also, &[&owner.id, &c.id], 2).await;

    let left = c.api.post("/voice/leave", json!({ "guild_id": guild.id })).await.unwrap();
    assert_eq!(left.status, 204, "{}", left.text);
    assert!(leaves.wait_for(MEDIA_WITHIN, |o| o.closed == Some(4014)).await, "the leaver's media closes");
    for (peer, other) in [(&stays, &b.id), (&also, &owner.id)] {
        wait_for_tracks(peer, &[other], 1).await;
        let told = |o: &accord_client::voice::Observed| {
            o.messages.iter().any(|m| m["op"] == "peer_leave" && m["d"]["user_id"] == c.id.as_str())
        };
        assert!(peer.wait_for(MEDIA_WITHIN, told).await, "peer_leave announced");
    }
    let states = owner.api.get(&format!("/guilds/{}", guild.id)).await.unwrap();
    assert_eq!(states.status, 200);
}

#[tokio::test]
async fn a_server_deafened_member_hears_nothing_until_undeafened() {
    let Duo { server: _server, owner, guild, member, owner_peer: talker, member_peer: listener } = duo().await;
    talk(&[&talker], &[0], 10, -20).await;
    assert!(listener.wait_for(MEDIA_WITHIN, |o| heard(o, &owner.id) >= 10).await, "heard before the deafen");

    let deafen = |deaf: bool| {
        let path = format!("/guilds/{}/members/{}", guild.id, member.id);
        let api = &owner.api;
        async move {
            let answer = api.patch(&path, json!({ "deaf": deaf })).await.unwrap();
            assert_eq!(answer.status, 200, "{}", answer.text);
        }
    };
    let told = |deaf: bool| {
        let user = member.id.clone();
        move |o: &accord_client::voice::Observed| {
            o.messages
                .iter()
                .any(|m| m["op"] == "peer_update" && m["d"]["user_id"] == user.as_str() && m["d"]["deaf"] == deaf)
        }
    };
    deafen(true).await;
    assert!(talker.wait_for(MEDIA_WITHIN, told(true)).await, "the channel sees the server deafen");
    let before = heard(&listener.observed(), &owner.id);
    talk(&[&talker], &[0], 25, -20).await;
    talk(&[&listener], &[1], 10, -20).await;
    assert!(talker.wait_for(MEDIA_WITHIN, |o| heard(o, &member.id) >= 10).await, "a deafened member still speaks");
    assert_eq!(heard(&listener.observed(), &owner.id), before, "no audio reaches a deafened member");

    deafen(false).await;
    assert!(talker.wait_for(MEDIA_WITHIN, told(false)).await, "the channel sees the deafen lifted");
    tokio::time::sleep(Duration::from_millis(100)).await;
    talk(&[&talker], &[0], 10, -20).await;
    assert!(listener.wait_for(MEDIA_WITHIN, |o| heard(o, &owner.id) > before).await, "heard again once undeafened");
}
