//! Stage channels: the audience is suppressed (its audio dropped at the SFU) until it asks
//! to speak and a stage moderator lets it; stage instances open, show in GUILD_CREATE, and
//! end with their last participant.

use std::time::Duration;

use accord_client::voice::Observed;
use accord_testkit::{TestServer, assert_error};
use serde_json::json;

use super::{MEDIA_WITHIN, audio, connect, join, wait_for_tracks};

const GUILDS: u64 = 1;
const GUILD_VOICE_STATES: u64 = 1 << 7;
const WAIT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn the_audience_speaks_only_once_a_moderator_lets_it() {
    let server = TestServer::spawn().await;
    let owner = server.user("owner").await;
    let guild = server.guild(&owner).await;
    let listener = server.member(&guild, "listener").await;
    let bystander = server.member(&guild, "bystander").await;
    let created =
        owner.api.post(&format!("/guilds/{}/channels", guild.id), json!({ "name": "Town hall", "type": 13 })).await;
    let stage = created.unwrap().id();
    let mut seen = server.connect().await;
    seen.identify_ready(&bystander.token, GUILDS | GUILD_VOICE_STATES).await.unwrap();

    let not_stage =
        owner.api.post("/stage-instances", json!({ "channel_id": guild.voice, "topic": "x" })).await.unwrap();
    assert_error(&not_stage, 400, 50024);
    let refused = listener.api.post("/stage-instances", json!({ "channel_id": stage, "topic": "Q&A" })).await.unwrap();
    assert_error(&refused, 403, 50013);
    let opened = owner.api.post("/stage-instances", json!({ "channel_id": stage, "topic": "Q&A" })).await.unwrap();
    assert_eq!(opened.status, 200, "{}", opened.text);
    assert_eq!(seen.next_dispatch("STAGE_INSTANCE_CREATE", WAIT).await.unwrap()["topic"], "Q&A");
    let twice = owner.api.post("/stage-instances", json!({ "channel_id": stage, "topic": "again" })).await.unwrap();
    assert_error(&twice, 400, 150006);
    let mut late = server.connect().await;
    late.identify(&bystander.token, GUILDS).await.unwrap();
    let snapshot = late.next_dispatch("GUILD_CREATE", WAIT).await.unwrap();
    assert_eq!(snapshot["stage_instances"][0]["channel_id"], stage.as_str());

    let host_join = join(&owner, &stage).await;
    assert_eq!(host_join["voice_state"]["suppress"], true, "everyone arrives in the audience");
    let host = connect(&host_join, audio()).await;
    let me = format!("/guilds/{}/voice-states/@me", guild.id);
    let up = owner.api.patch(&me, json!({ "channel_id": stage, "suppress": false })).await.unwrap();
    assert_eq!(up.status, 204, "a moderator steps up: {}", up.text);
    let audience_join = join(&listener, &stage).await;
    let audience = connect(&audience_join, audio()).await;
    wait_for_tracks(&host, &[&listener.id], 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    for n in 0..10 {
        audience.send_audio(&[7, n, 0xf8], -20);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(host.payloads_from(&listener.id, "audio").is_empty(), "the audience's audio is dropped");
    let self_up = listener.api.patch(&me, json!({ "channel_id": stage, "suppress": false })).await.unwrap();
    assert_error(&self_up, 403, 50013);

    let raised = listener
        .api
        .patch(&me, json!({ "channel_id": stage, "request_to_speak_timestamp": "2026-01-01T00:00:00Z" }))
        .await
        .unwrap();
    assert_eq!(raised.status, 204, "{}", raised.text);
    let asked = loop {
        let state = seen.next_dispatch("VOICE_STATE_UPDATE", WAIT).await.unwrap();
        if state["user_id"] == listener.id.as_str() && !state["request_to_speak_timestamp"].is_null() {
            break state;
        }
    };
    assert_eq!(asked["suppress"], true, "asking is not speaking");
    let theirs = format!("/guilds/{}/voice-states/{}", guild.id, listener.id);
    let not_moderator = bystander.api.patch(&theirs, json!({ "channel_id": stage, "suppress": false })).await.unwrap();
    assert_error(&not_moderator, 403, 50013);
    let invited = owner.api.patch(&theirs, json!({ "channel_id": stage, "suppress": false })).await.unwrap();
    assert_eq!(invited.status, 204, "{}", invited.text);
    let speaking = |o: &Observed| {
        o.messages.iter().any(|m| {
            m["op"] == "peer_update" && m["d"]["suppress"] == false && m["d"]["user_id"] == listener.id.as_str()
        })
    };
    assert!(host.wait_for(MEDIA_WITHIN, speaking).await);
    tokio::time::sleep(Duration::from_millis(200)).await;
    for n in 10..20 {
        audience.send_audio(&[7, n, 0xf8], -20);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(host.wait_for(MEDIA_WITHIN, |o| o.received.len() >= 10).await, "a speaker is heard");
    assert!(host.payloads_from(&listener.id, "audio").iter().all(|p| p[1] >= 10));
    let state = owner.api.get(&theirs).await.unwrap();
    assert_eq!((state.status, state.body["suppress"].as_bool()), (200, Some(false)));

    for user in [&owner, &listener] {
        let left = user.api.post("/voice/leave", json!({})).await.unwrap();
        assert_eq!(left.status, 204);
    }
    assert_eq!(seen.next_dispatch("STAGE_INSTANCE_DELETE", WAIT).await.unwrap()["channel_id"], stage.as_str());
    let gone = owner.api.get(&format!("/stage-instances/{stage}")).await.unwrap();
    assert_error(&gone, 404, 10067);
}
