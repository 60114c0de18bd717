//! The authorization matrix of the routes of DMs, group DMs (read receipts included) and
//! relationships: five kinds of caller, each answer's status checked against a table, every
//! cell reported before failing. Channels and targets are made fresh for every cell.

use accord_client::Client;
use accord_testkit::{TestServer, TestUser};
use reqwest::Method;
use serde_json::{Value, json};

/// The callers, in the order of each row's statuses: the group's owner (and one side of the
/// DM), a recipient (the DM's other side), someone in their guild but not in the channels, a
/// bot in that guild, and nobody.
const ACTORS: [&str; 5] = ["owner", "recipient", "outsider", "bot", "anonymous"];

/// `(method, path, body, statuses)`. Placeholders: `{dm}` the DM of owner and recipient,
/// `{group}` a group DM of owner, recipient and `{other}`, `{m}` the owner's message in the DM,
/// `{new}` a fresh user in the guild, `{owner}` the owner.
const ROUTES: &[(&str, &str, &str, [u16; 5])] = &[
    ("GET", "/channels/{dm}", "", [200, 200, 404, 404, 401]),
    ("DELETE", "/channels/{dm}", "", [200, 200, 404, 404, 401]),
    ("GET", "/channels/{group}", "", [200, 200, 404, 404, 401]),
    ("PATCH", "/channels/{group}", r#"{"name":"renamed"}"#, [200, 200, 404, 404, 401]),
    ("DELETE", "/channels/{group}", "", [200, 200, 404, 404, 401]),
    ("PUT", "/channels/{group}/recipients/{new}", "{}", [204, 403, 404, 404, 401]),
    ("DELETE", "/channels/{group}/recipients/{other}", "", [204, 403, 404, 404, 401]),
    ("PUT", "/channels/{dm}/recipients/{new}", "{}", [400, 400, 404, 404, 401]),
    ("GET", "/channels/{dm}/messages", "", [200, 200, 404, 404, 401]),
    ("GET", "/channels/{dm}/messages/{m}", "", [200, 200, 404, 404, 401]),
    ("POST", "/channels/{dm}/messages", r#"{"content":"hi"}"#, [200, 200, 404, 404, 401]),
    ("PATCH", "/channels/{dm}/messages/{m}", r#"{"content":"x"}"#, [200, 403, 404, 404, 401]),
    ("DELETE", "/channels/{dm}/messages/{m}", "", [204, 403, 404, 404, 401]),
    ("PUT", "/channels/{dm}/pins/{m}", "{}", [204, 204, 404, 404, 401]),
    ("PUT", "/channels/{dm}/messages/{m}/reactions/%F0%9F%91%8D/@me", "{}", [204, 204, 404, 404, 401]),
    ("POST", "/channels/{dm}/typing", "{}", [204, 204, 404, 404, 401]),
    ("GET", "/channels/{dm}/messages/search?content=x", "", [200, 200, 404, 404, 401]),
    ("GET", "/channels/{dm}/read-receipts", "", [200, 200, 404, 404, 401]),
    ("GET", "/channels/{group}/read-receipts", "", [200, 200, 404, 404, 401]),
    ("POST", "/channels/{dm}/invites", "{}", [400, 400, 404, 404, 401]),
    ("POST", "/users/@me/channels", r#"{"recipient_id":"{owner}"}"#, [403, 200, 200, 200, 401]),
    ("GET", "/users/@me/channels", "", [200, 200, 200, 200, 401]),
    ("GET", "/users/@me/relationships", "", [200, 200, 200, 403, 401]),
    ("PUT", "/users/@me/relationships/{new}", "{}", [204, 204, 204, 403, 401]),
    ("PUT", "/users/@me/relationships/{new}", r#"{"type":2}"#, [204, 204, 204, 403, 401]),
    ("DELETE", "/users/@me/relationships/{new}", "", [204, 204, 204, 403, 401]),
];

struct World {
    server: TestServer,
    guild: accord_testkit::TestGuild,
    recipient: TestUser,
    outsider: TestUser,
    bot: TestUser,
    serial: std::cell::Cell<usize>,
}

impl World {
    async fn new() -> Self {
        let server = TestServer::spawn().await;
        let guild = server.guild(&server.user("owner").await).await;
        let recipient = server.member(&guild, "recipient").await;
        let outsider = server.member(&guild, "outsider").await;
        let bot = server.bot(&guild.owner, "member bot").await;
        guild.add_bot(&bot).await;
        Self { server, guild, recipient, outsider, bot, serial: std::cell::Cell::new(0) }
    }

    async fn fresh_member(&self) -> TestUser {
        self.serial.set(self.serial.get() + 1);
        self.server.member(&self.guild, &format!("new{}", self.serial.get())).await
    }

    /// The template with its placeholders replaced by fresh targets.
    async fn fill(&self, template: &str) -> String {
        let owner = &self.guild.owner;
        let mut filled = template.replace("{owner}", &owner.id);
        if filled.contains("{dm}") {
            let dm = owner.api.post("/users/@me/channels", json!({ "recipient_id": self.recipient.id })).await.unwrap();
            let dm = dm.body["id"].as_str().unwrap().to_owned();
            if filled.contains("{m}") {
                filled = filled.replace("{m}", &owner.say(&dm, "target").await);
            }
            filled = filled.replace("{dm}", &dm);
        }
        if filled.contains("{group}") {
            let other = self.fresh_member().await;
            let body = json!({ "recipients": [self.recipient.id, other.id] });
            let group = owner.api.post("/users/@me/channels", body).await.unwrap();
            filled = filled.replace("{group}", group.body["id"].as_str().unwrap()).replace("{other}", &other.id);
        }
        if filled.contains("{new}") {
            filled = filled.replace("{new}", &self.fresh_member().await.id);
        }
        filled
    }
}

#[tokio::test]
async fn private_channel_and_relationship_routes_answer_each_kind_of_caller_as_the_table_says() {
    let world = World::new().await;
    let clients: [Client; 5] = [
        world.guild.owner.api.clone(),
        world.recipient.api.clone(),
        world.outsider.api.clone(),
        world.bot.api.clone(),
        world.server.client(),
    ];
    let mut failures = Vec::new();

    for (method, path, body, expect) in ROUTES {
        for (actor, client) in clients.iter().enumerate().rev() {
            let filled_path = world.fill(path).await;
            let filled_body = world.fill(body).await;
            let body: Option<Value> = (!filled_body.is_empty()).then(|| serde_json::from_str(&filled_body).unwrap());
            let method_ = Method::from_bytes(method.as_bytes()).unwrap();
            let answer = client.send(method_, &filled_path, body).await.unwrap();
            let cell = format!("{method} {path} as {}", ACTORS[actor]);
            if answer.status != expect[actor] {
                failures.push(format!("{cell}: expected {}, got {} {}", expect[actor], answer.status, answer.text));
            } else if expect[actor] >= 400 && !answer.body["code"].is_u64() {
                failures.push(format!("{cell}: error without a JSON code: {}", answer.text));
            }
        }
    }

    assert!(failures.is_empty(), "{} cells failed:\n{}", failures.len(), failures.join("\n"));
}
