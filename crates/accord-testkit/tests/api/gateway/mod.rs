//! The gateway over a real WebSocket: connecting, identify and its close codes, heartbeats,
//! permission-aware dispatch, resume, limits, presence, member requests and compression.
//! Each test talks to a server spawned for it, through `accord_client::gateway`.

mod compression;
mod connect;
mod dispatch;
mod heartbeat;
mod identify;
mod limits;
mod members;
mod presence;
mod resume;
mod takeover;
mod visibility;
mod visibility_property;

use std::time::Duration;

use accord_client::gateway::GatewayClient;
use accord_testkit::{TestServer, TestUser};
use serde_json::Value;

/// Intent bits, written out from Discord's documentation.
pub const GUILDS: u64 = 1 << 0;
pub const GUILD_MEMBERS: u64 = 1 << 1;
pub const GUILD_PRESENCES: u64 = 1 << 8;
pub const GUILD_MESSAGES: u64 = 1 << 9;
pub const MESSAGE_CONTENT: u64 = 1 << 15;

/// What most tests identify with: guilds and messages with their content, no presences
/// (so PRESENCE_UPDATEs do not interleave with what a test watches).
pub const MESSAGES: u64 = GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT;

/// Application flags granting the privileged intents (full, not limited).
pub const GATEWAY_PRESENCE: u64 = 1 << 12;
pub const GATEWAY_GUILD_MEMBERS: u64 = 1 << 14;
pub const GATEWAY_MESSAGE_CONTENT: u64 = 1 << 18;

/// The longest any single expected frame may take.
pub const WAIT: Duration = Duration::from_secs(5);

/// Identifies `user` with `intents` and reads READY and, with GUILDS, every GUILD_CREATE;
/// returns the client and READY's `d`.
pub async fn session(server: &TestServer, user: &TestUser, intents: u64) -> (GatewayClient, Value) {
    let mut gw = server.connect().await;
    let ready = gw.identify_ready(&user.token, intents).await.expect("READY");
    if intents & GUILDS != 0 {
        let guilds = ready["guilds"].as_array().map_or(0, Vec::len);
        for _ in 0..guilds {
            gw.next_dispatch("GUILD_CREATE", WAIT).await.expect("GUILD_CREATE");
        }
    }
    (gw, ready)
}

/// Reads dispatches until a MESSAGE_CREATE with `content`; returns the names and `d` of
/// every dispatch read before it. Events reach a session in bus order, so a message sent
/// after others bounds the wait for them.
pub async fn until_message(gw: &mut GatewayClient, content: &str) -> Vec<(String, Value)> {
    let mut before = Vec::new();
    loop {
        let frame = gw.next_payload(WAIT).await.unwrap_or_else(|e| panic!("waiting for {content:?}: {e}"));
        if frame["op"] != 0 {
            continue;
        }
        let name = frame["t"].as_str().unwrap_or_default().to_owned();
        if name == "MESSAGE_CREATE" && frame["d"]["content"] == content {
            return before;
        }
        before.push((name, frame["d"].clone()));
    }
}

/// A second session of `user` that has read up to the MESSAGE_CREATE with `content`: the
/// hub hands each event to every session at once, so once this one has it, a detached
/// session has it queued too (REST answers before the event is published).
pub async fn witness(gw: &mut GatewayClient, content: &str) {
    until_message(gw, content).await;
}

/// The contents of the MESSAGE_CREATEs among `dispatches`.
pub fn message_contents(dispatches: &[(String, Value)]) -> Vec<String> {
    dispatches
        .iter()
        .filter(|(name, _)| name == "MESSAGE_CREATE")
        .map(|(_, d)| d["content"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A server whose heartbeat interval, identify timeout and resume window are short.
pub async fn fast_server() -> TestServer {
    TestServer::spawn_with(|config| {
        config.gateway.heartbeat_interval_ms = 300;
        config.gateway.identify_timeout_secs = 1;
        config.gateway.resume_window_secs = 1;
    })
    .await
}
