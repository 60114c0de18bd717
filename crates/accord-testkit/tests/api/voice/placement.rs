//! Placement over several voice nodes: a channel goes to the least-loaded node, everyone in
//! it reaches that node, and a node refuses media for a channel placed elsewhere.

use std::time::Duration;

use accord_client::voice::{VoiceError, VoicePeer};
use accord_testkit::TestServer;
use serde_json::json;

use super::{audio, connect, join};

#[tokio::test]
async fn a_new_channel_goes_to_the_least_loaded_voice_node() {
    let server = TestServer::spawn().await;
    let peer = server.spawn_peer(|_| {}).await;
    let owner = server.user("owner").await;
    let guild = server.guild(&owner).await;
    let other = owner
        .api
        .post(&format!("/guilds/{}/channels", guild.id), json!({ "name": "Other", "type": 2 }))
        .await
        .unwrap()
        .id();
    let nodes = [server.url().replace("http://", ""), peer.url().replace("http://", "")];

    let first = join(&owner, &guild.voice).await;
    let first_node = first["endpoint"].as_str().unwrap().to_owned();
    assert!(nodes.contains(&first_node), "{first_node} is one of {nodes:?}");
    let _busy = connect(&first, audio()).await;
    // The node records its new load at once; give the shared state a moment.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let member = server.member(&guild, "member").await;
    let second = join(&member, &other).await;
    let second_node = second["endpoint"].as_str().unwrap().to_owned();
    assert!(nodes.contains(&second_node));
    assert_ne!(first_node, second_node, "the idle node takes the new channel");
    let elsewhere = format!("ws://{first_node}/voice/ws?v=1");
    let refused = VoicePeer::connect(&elsewhere, second["token"].as_str().unwrap(), audio()).await;
    assert!(matches!(refused, Err(VoiceError::Closed(4003))), "a node carries only the channels placed on it");
    connect(&second, audio()).await;

    let joiner = server.member(&guild, "joiner").await;
    let same = join(&joiner, &guild.voice).await;
    assert_eq!(same["endpoint"].as_str(), Some(first_node.as_str()), "a channel stays on its node");
}
