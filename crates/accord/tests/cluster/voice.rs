//! Voice on its own processes: two `--services voice` nodes behind the edge. A channel is
//! placed on a node, both participants reach that node and hear each other, the guild hears of
//! it over the gateway, and a new channel goes to the idle node.

use std::time::Duration;

use accord_client::voice::{Sends, VoicePeer};
use serde_json::{Value, json};

use crate::flows::{User, WAIT, guild_with, register};
use crate::harness::{Cluster, Node};

/// GUILDS | GUILD_VOICE_STATES.
const VOICE_STATES: u64 = 1 | (1 << 7);

async fn join(user: &User, channel: &str) -> Value {
    let answer = user.api.post("/voice/join", json!({ "channel_id": channel })).await.unwrap();
    assert_eq!(answer.status, 200, "join: {}", answer.text);
    answer.body
}

async fn connect(joined: &Value) -> VoicePeer {
    let url = format!("ws://{}/voice/ws?v=1", joined["endpoint"].as_str().unwrap());
    let sends = Sends { audio: true, ..Sends::default() };
    VoicePeer::connect(&url, joined["token"].as_str().unwrap(), sends).await.expect("media connects")
}

async fn voice_channel(owner: &User, guild: &str, name: &str) -> String {
    let made = owner.api.post(&format!("/guilds/{guild}/channels"), json!({ "name": name, "type": 2 })).await.unwrap();
    assert_eq!(made.status, 201, "{}", made.text);
    made.id()
}

async fn has_track_from(peer: &VoicePeer, user: &str) -> bool {
    peer.wait_for(WAIT, |o| o.tracks.values().any(|t| t["user_id"] == user)).await
}

fn endpoint_of(node: &Node) -> String {
    format!("127.0.0.1:{}", node.port)
}

#[tokio::test]
async fn voice_nodes_on_their_own_carry_media_and_take_new_channels_by_load() {
    let Some(cluster) = Cluster::new().await else { return };
    let _core = cluster.start("core", "auth,users,guilds,chat,media,presence,gateway").await;
    let voice_a = cluster.start("voice-a", "voice").await;
    let voice_b = cluster.start("voice-b", "voice").await;
    let edge = cluster.start("edge", "edge").await;
    let nodes = [endpoint_of(&voice_a), endpoint_of(&voice_b)];
    let alice = register(&edge, "alice").await;
    let bob = register(&edge, "bob").await;
    let carol = register(&edge, "carol").await;
    let text = guild_with(&alice, &[&bob, &carol]).await;
    let guild =
        alice.api.get(&format!("/channels/{text}")).await.unwrap().body["guild_id"].as_str().unwrap().to_owned();
    let room = voice_channel(&alice, &guild, "Room").await;
    let mut watcher = edge.connect().await;
    watcher.identify_ready(&carol.token, VOICE_STATES).await.unwrap();

    let alice_joined = join(&alice, &room).await;
    let node = alice_joined["endpoint"].as_str().unwrap().to_owned();
    assert!(nodes.contains(&node), "{node} is a voice node: {nodes:?}");
    let alice_peer = connect(&alice_joined).await;
    let bob_joined = join(&bob, &room).await;
    assert_eq!(bob_joined["endpoint"].as_str(), Some(node.as_str()), "a channel lives on one node");
    let bob_peer = connect(&bob_joined).await;
    let seen = watcher.next_dispatch("VOICE_STATE_UPDATE", WAIT).await.unwrap();
    assert_eq!(seen["channel_id"].as_str(), Some(room.as_str()), "{seen}");

    let id_of = |joined: &Value| joined["voice_state"]["user_id"].as_str().unwrap().to_owned();
    let (alice_id, bob_id) = (id_of(&alice_joined), id_of(&bob_joined));
    assert!(has_track_from(&alice_peer, &bob_id).await, "alice gets bob's track");
    assert!(has_track_from(&bob_peer, &alice_id).await, "bob gets alice's track");
    tokio::time::sleep(Duration::from_millis(300)).await;
    for n in 0..20u8 {
        alice_peer.send_audio(&[0, n, 0xf8], -20);
        bob_peer.send_audio(&[1, n, 0xf8], -20);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for (peer, from, index) in [(&alice_peer, &bob_id, 1u8), (&bob_peer, &alice_id, 0u8)] {
        let all = peer
            .wait_for(WAIT, |o| o.received.iter().filter(|r| r.user_id.as_deref() == Some(from)).count() >= 20)
            .await;
        assert!(all, "every frame arrives");
        let expected: Vec<Vec<u8>> = (0..20u8).map(|n| vec![index, n, 0xf8]).collect();
        assert_eq!(peer.payloads_from(from, "audio"), expected);
    }

    // The node with two sessions has told the registry; the next channel goes to the other.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let other = voice_channel(&alice, &guild, "Other").await;
    let carol_joined = join(&carol, &other).await;
    let elsewhere = carol_joined["endpoint"].as_str().unwrap();
    assert!(nodes.contains(&elsewhere.to_owned()) && elsewhere != node, "{elsewhere} is the idle node, not {node}");
    // The idle node takes carol's media: connecting succeeds only on the channel's node.
    connect(&carol_joined).await;
}
