//! The gateway end to end: identify, READY, GUILD_CREATE, a message sent over REST arriving
//! as MESSAGE_CREATE.

use std::time::Duration;

use accord_testkit::TestServer;
use serde_json::json;

const ALL_UNPRIVILEGED_AND_CONTENT: u64 = 0x1FFFF;

#[tokio::test]
async fn a_member_receives_ready_guild_create_and_messages() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = alice.api.post("/guilds", json!({ "name": "Gateway" })).await.unwrap();
    let channels = alice.api.get(&format!("/guilds/{}/channels", guild.id())).await.unwrap();
    let channel = channels.body[0]["id"].as_str().unwrap().to_owned();

    let mut gw = server.connect().await;
    let ready = gw.identify_ready(&alice.token, ALL_UNPRIVILEGED_AND_CONTENT).await.unwrap();
    assert_eq!(ready["user"]["id"], alice.id.as_str());
    assert_eq!(ready["guilds"][0]["unavailable"], true);
    let created = gw.next_dispatch("GUILD_CREATE", Duration::from_secs(5)).await.unwrap();
    assert_eq!(created["id"], guild.id().as_str());

    alice.api.post(&format!("/channels/{channel}/messages"), json!({ "content": "live" })).await.unwrap();
    let message = gw.next_dispatch("MESSAGE_CREATE", Duration::from_secs(5)).await.unwrap();
    assert_eq!(message["content"], "live");
    assert!(gw.last_seq.unwrap() >= 3);
}
