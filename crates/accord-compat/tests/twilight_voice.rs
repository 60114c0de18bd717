//! The voice payloads (voice states and their events, VOICE_SERVER_UPDATE, stage instances
//! and their events, GUILD_CREATE with voice states and stages), parsed by twilight-model.

mod common;

use std::time::Duration;

use accord_testkit::TestServer;
use common::{ok, parses};
use serde_json::json;
use twilight_model::channel::StageInstance;
use twilight_model::gateway::payload::incoming::{
    GuildCreate, StageInstanceCreate, StageInstanceDelete, VoiceServerUpdate, VoiceStateUpdate,
};
use twilight_model::voice::VoiceState;

const GUILDS: u64 = 1;
const GUILD_VOICE_STATES: u64 = 1 << 7;
const WAIT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn voice_states_servers_and_stages_parse() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let stage = alice.api.post(&format!("/guilds/{}/channels", guild.id), json!({ "name": "Stage", "type": 13 })).await;
    let stage = stage.unwrap().id();
    let mut stages = server.events().await;
    let mut gateway = server.connect().await;
    gateway.identify_ready(&alice.token, GUILDS | GUILD_VOICE_STATES).await.unwrap();

    gateway.send(4, json!({ "guild_id": guild.id, "channel_id": guild.voice, "self_mute": true })).await.unwrap();
    // The two arrive in either order: the state through the guild's events, the server directly.
    let (mut server_update, mut state_update) = (None, None);
    while server_update.is_none() || state_update.is_none() {
        let frame = gateway.next_payload(WAIT).await.unwrap();
        match frame["t"].as_str() {
            Some("VOICE_SERVER_UPDATE") => server_update = Some(frame["d"].clone()),
            Some("VOICE_STATE_UPDATE") => state_update = Some(frame["d"].clone()),
            _ => {}
        }
    }
    let (server_update, state_update) = (server_update.unwrap(), state_update.unwrap());
    let opened = ok(alice.api.post("/stage-instances", json!({ "channel_id": stage, "topic": "Q&A" })).await.unwrap());
    let created = stages.expect("STAGE_INSTANCE_CREATE").await;
    let mut late = server.connect().await;
    late.identify(&alice.token, GUILDS | GUILD_VOICE_STATES).await.unwrap();
    let snapshot = late.next_dispatch("GUILD_CREATE", WAIT).await.unwrap();
    let own = ok(alice.api.get(&format!("/guilds/{}/voice-states/@me", guild.id)).await.unwrap());
    assert_eq!(alice.api.delete(&format!("/stage-instances/{stage}")).await.unwrap().status, 204);
    let deleted = stages.expect("STAGE_INSTANCE_DELETE").await;

    let server_update: VoiceServerUpdate = parses("VOICE_SERVER_UPDATE", &server_update);
    assert_eq!(server_update.guild_id.to_string(), guild.id);
    assert!(server_update.endpoint.is_some());
    let state_update: VoiceStateUpdate = parses("VOICE_STATE_UPDATE", &state_update);
    assert_eq!(state_update.0.channel_id.map(|c| c.to_string()), Some(guild.voice.clone()));
    assert!(state_update.0.self_mute);
    assert!(state_update.0.member.is_some());
    let opened: StageInstance = parses("POST stage-instances", &opened);
    assert_eq!(opened.topic, "Q&A");
    let created: StageInstanceCreate = parses("STAGE_INSTANCE_CREATE", &created.data);
    assert_eq!(created.0.channel_id.to_string(), stage);
    let snapshot: GuildCreate = parses("GUILD_CREATE with voice states and a stage", &snapshot);
    let GuildCreate::Available(snapshot) = snapshot else { panic!("an available guild") };
    assert_eq!(snapshot.voice_states.len(), 1);
    assert_eq!(snapshot.stage_instances.len(), 1);
    let own: VoiceState = parses("GET voice-states/@me", &own);
    assert_eq!(own.user_id.to_string(), alice.id);
    let deleted: StageInstanceDelete = parses("STAGE_INSTANCE_DELETE", &deleted.data);
    assert_eq!(deleted.0.id, opened.id);
}
