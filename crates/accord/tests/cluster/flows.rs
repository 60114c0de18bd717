//! What the cluster tests do as clients, through the edge: register, make a guild, post,
//! read the gateway.

use std::time::{Duration, Instant};

use accord_client::Client;
use accord_client::gateway::GatewayClient;
use serde_json::json;

use crate::harness::Node;

pub const WAIT: Duration = Duration::from_secs(10);
/// GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT.
pub const MESSAGES: u64 = 1 | (1 << 9) | (1 << 15);

/// A registered user's id, token and API client (through `edge`).
pub struct User {
    pub token: String,
    pub api: Client,
}

/// Registers through the edge, retrying while the edge does not yet know an auth instance.
pub async fn register(edge: &Node, name: &str) -> User {
    let deadline = Instant::now() + WAIT * 3;
    loop {
        let body = json!({ "username": name, "password": "correct horse battery staple" });
        let answer = edge.api().post("/auth/register", body).await.expect("register request");
        if answer.status == 201 {
            let token = answer.body["token"].as_str().unwrap().to_owned();
            return User { api: edge.api().authorized(format!("Bearer {token}")), token };
        }
        assert!(
            answer.status == 503 && Instant::now() < deadline,
            "register {name}: {} {}",
            answer.status,
            answer.text
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// `owner` makes a guild and `members` join it by invite; returns the text channel id.
pub async fn guild_with(owner: &User, members: &[&User]) -> String {
    let guild = owner.api.post("/guilds", json!({ "name": "Cluster" })).await.unwrap();
    assert_eq!(guild.status, 201, "{}", guild.text);
    let channels = owner.api.get(&format!("/guilds/{}/channels", guild.id())).await.unwrap();
    let text = channels.body.as_array().unwrap().iter().find(|c| c["type"] == 0).unwrap()["id"].as_str().unwrap();
    let invite = owner.api.post(&format!("/channels/{text}/invites"), json!({})).await.unwrap();
    let code = invite.body["code"].as_str().unwrap();
    for member in members {
        assert_eq!(member.api.post(&format!("/invites/{code}"), json!({})).await.unwrap().status, 200);
    }
    text.to_owned()
}

pub async fn say(user: &User, channel: &str, content: &str) {
    let answer = user.api.post(&format!("/channels/{channel}/messages"), json!({ "content": content })).await.unwrap();
    assert_eq!(answer.status, 200, "send {content}: {}", answer.text);
}

/// The content of the next MESSAGE_CREATE.
pub async fn next_message(gw: &mut GatewayClient) -> String {
    let data = gw.next_dispatch("MESSAGE_CREATE", WAIT).await.expect("a MESSAGE_CREATE");
    data["content"].as_str().unwrap().to_owned()
}

/// Identifies on `node` with the message intents and reads READY and the GUILD_CREATE;
/// returns the connection and READY.
pub async fn session(node: &Node, user: &User) -> (GatewayClient, serde_json::Value) {
    let mut gw = node.connect().await;
    let ready = gw.identify_ready(&user.token, MESSAGES).await.unwrap();
    gw.next_dispatch("GUILD_CREATE", WAIT).await.unwrap();
    (gw, ready)
}

/// Message contents arriving on `gw` until `last` (included), within `wait`.
pub async fn messages_until(gw: &mut GatewayClient, last: &str, wait: Duration) -> Vec<String> {
    let deadline = Instant::now() + wait;
    let mut got = Vec::new();
    while Instant::now() < deadline {
        let Ok(data) = gw.next_dispatch("MESSAGE_CREATE", deadline - Instant::now()).await else { break };
        let content = data["content"].as_str().unwrap_or_default().to_owned();
        got.push(content.clone());
        if content == last {
            return got;
        }
    }
    panic!("{last:?} did not arrive; got {got:?}");
}
