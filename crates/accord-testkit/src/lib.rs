//! [`TestServer::spawn`]: a real Accord server on `127.0.0.1:0` with a temporary data
//! directory, in this process, for integration tests; and [`TestUser`]s registered on it.
//! Tests talk to it over HTTP like any client; they may also subscribe to its bus to see the
//! events it publishes.

use std::net::SocketAddr;
use std::time::Duration;

use accord_bus::{BusHandle, Subscription};
use accord_client::{Answer, Client};
use accord_gateway::Gateway;
use accord_server::{Backends, Config, Server, WorkerId};

mod data;
pub mod uploads;
pub use data::TestData;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running server. Stops when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    pub bus: BusHandle,
    /// The server's gateway, kept so tests can read its counters (resumes, connections).
    pub gateway: Gateway,
    /// The handles its services share, to drive background work (thread archiving) in tests.
    pub ctx: accord_service::ServiceContext,
    /// Kept so the data lives as long as the server.
    data: TestData,
    /// What it was built with, for peers.
    config: Config,
    backends: Backends,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow_free::Result>>,
    /// Subscribed before serving began, so it holds everything the server ever published.
    from_start: Option<Events>,
}

mod anyhow_free {
    /// The server task's outcome, as text, so tests need not depend on anyhow.
    pub type Result = std::result::Result<(), String>;
}

/// Settings that keep tests fast: cheap password hashing, generous auth limits.
pub fn test_config(data: &TestData) -> Config {
    let mut config = Config::default();
    data.apply(&mut config);
    config.auth.argon2_memory_kib = 64;
    config.auth.argon2_iterations = 1;
    config.edge.auth_attempts_per_minute = 100_000;
    config.edge.api_requests_per_minute = 1_000_000;
    config.edge.messages_per_10_seconds = 1_000_000;
    // Every test server runs an SFU: each takes a free UDP port.
    config.voice.udp = Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
    config
}

impl TestServer {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Spawns with the test config adjusted by `tweak`.
    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> Self {
        Self::spawn_in(TestData::new().await, tweak).await
    }

    /// Spawns on existing data (to test what a server finds there on start).
    pub async fn spawn_in(data: TestData, tweak: impl FnOnce(&mut Config)) -> Self {
        let mut config = test_config(&data);
        tweak(&mut config);
        let listener = bind(&mut config).await;
        let server = Server::build(&config).await.expect("server builds");
        Self::serve(server, listener, data, config).await
    }

    /// A server whose attachments, icons and avatars go to `blobs` (an S3 bucket in tests).
    pub async fn spawn_with_blobs(blobs: accord_blobs::BlobHandle) -> Self {
        let data = TestData::new().await;
        let mut config = test_config(&data);
        let listener = bind(&mut config).await;
        let mut backends = Backends::open(&config).await.expect("backends open");
        backends.blobs = blobs;
        let server = Server::build_on(&config, backends).await.expect("server builds");
        Self::serve(server, listener, data, config).await
    }

    /// Another node of the same installation: its own process state (gateway sessions,
    /// caches) on this server's store, bus and shared state, signing with the same secret.
    pub async fn spawn_peer(&self, tweak: impl FnOnce(&mut Config)) -> Self {
        let mut config = self.config.clone();
        config.secret_file = Some(self.data.path().join("secret.key"));
        config.worker_id = match self.config.worker_id {
            WorkerId::Fixed(id) => WorkerId::Fixed((id + 1) % 1024),
            WorkerId::Auto => WorkerId::Auto,
        };
        tweak(&mut config);
        let listener = bind(&mut config).await;
        let server = Server::build_on(&config, self.backends.clone()).await.expect("peer builds");
        Self::serve(server, listener, TestData::placeholder(), config).await
    }

    async fn serve(server: Server, listener: tokio::net::TcpListener, data: TestData, config: Config) -> Self {
        let addr = listener.local_addr().expect("local addr");
        let backends = server.backends();
        let bus = server.bus();
        let gateway = server.gateway().expect("test servers run the gateway");
        let ctx = server.context();
        let from_start = Some(Events(bus.subscribe().await.expect("bus subscription")));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            server
                .serve(listener, async move {
                    let _ = stopped.await;
                })
                .await
                .map_err(|e| format!("{e:#}"))
        });
        Self { addr, bus, gateway, ctx, data, config, backends, stop: Some(stop), task: Some(task), from_start }
    }

    /// The server's data directory.
    pub fn data_dir(&self) -> &std::path::Path {
        self.data.path()
    }

    /// Whether this server runs on PostgreSQL, NATS and Redis.
    pub fn is_cluster(&self) -> bool {
        self.data.is_cluster()
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The gateway URL as twilight builds it: `ws://HOST/gateway/?v=10&encoding=json` plus `extra`
    /// (e.g. `&compress=zlib-stream`).
    pub fn gateway_url(&self, extra: &str) -> String {
        format!("ws://{}/gateway/?v=10&encoding=json{extra}", self.addr)
    }

    /// A gateway connection that has read Hello.
    pub async fn connect(&self) -> accord_client::gateway::GatewayClient {
        accord_client::gateway::GatewayClient::connect(&self.gateway_url("")).await.expect("gateway connects")
    }

    /// An anonymous client for `/api/v10`.
    pub fn client(&self) -> Client {
        Client::new(format!("{}/api/v10", self.url()))
    }

    /// Registers a user (password `correct horse battery staple`) and returns them logged in.
    pub async fn user(&self, username: &str) -> TestUser {
        let answer = self
            .client()
            .post("/auth/register", json!({ "username": username, "password": TestUser::PASSWORD }))
            .await
            .expect("register");
        assert_eq!(answer.status, 201, "register {username}: {}", answer.text);
        TestUser::from_login(self.client(), &answer)
    }

    /// Creates an application owned by `owner` and returns its bot, authenticated.
    pub async fn bot(&self, owner: &TestUser, name: &str) -> TestUser {
        self.bot_with_flags(owner, name, 0).await
    }

    /// Like [`TestServer::bot`], with these application flags (the `GATEWAY_*` intent grants).
    pub async fn bot_with_flags(&self, owner: &TestUser, name: &str, flags: u64) -> TestUser {
        let body = json!({ "name": name, "flags": flags });
        let answer = owner.api.post("/applications", body).await.expect("create app");
        assert_eq!(answer.status, 201, "create application: {}", answer.text);
        let token = answer.body["token"].as_str().expect("bot token").to_owned();
        TestUser {
            id: answer.body["bot"]["id"].as_str().expect("bot id").to_owned(),
            api: self.client().authorized(format!("Bot {token}")),
            token,
            refresh_token: String::new(),
        }
    }

    /// `owner` creates a guild named `Test Guild`; returns it with its default channels.
    pub async fn guild(&self, owner: &TestUser) -> TestGuild {
        let created = owner.api.post("/guilds", json!({ "name": "Test Guild" })).await.expect("create guild");
        assert_eq!(created.status, 201, "create guild: {}", created.text);
        let id = created.id();
        let channels = owner.api.get(&format!("/guilds/{id}/channels")).await.expect("list channels");
        assert_eq!(channels.status, 200, "list channels: {}", channels.text);
        let find = |kind: u64| {
            channels.body.as_array().and_then(|all| all.iter().find(|c| c["type"] == kind)).map(|c| c["id"].clone())
        };
        let text = find(0).and_then(|c| c.as_str().map(str::to_owned)).expect("a text channel");
        let voice = find(2).and_then(|c| c.as_str().map(str::to_owned)).expect("a voice channel");
        TestGuild { id, text, voice, owner: owner.clone() }
    }

    /// Registers `username` and joins `guild` through an invite from its owner.
    pub async fn member(&self, guild: &TestGuild, username: &str) -> TestUser {
        let user = self.user(username).await;
        guild.join(&user).await;
        user
    }

    /// Like [`TestServer::member`], with a fresh role (named after the user) carrying `permissions`.
    pub async fn member_with(&self, guild: &TestGuild, username: &str, permissions: u64) -> TestUser {
        let user = self.member(guild, username).await;
        let role = guild.role(username, permissions).await;
        guild.assign(&user, &role).await;
        user
    }

    /// Asserts the server still answers `GET /health` with 200 (after a hostile request).
    pub async fn assert_serving(&self) {
        let health = Client::new(self.url()).get("/health").await.expect("health request");
        assert_eq!(health.status, 200, "server stopped serving: {}", health.text);
    }

    /// A subscription to every event published from now on.
    pub async fn events(&self) -> Events {
        Events(self.bus.subscribe().await.expect("bus subscription"))
    }

    /// The subscription made before serving began: every event this server published.
    pub fn events_from_start(&mut self) -> Events {
        self.from_start.take().expect("events_from_start is taken once")
    }

    /// Stops serving (draining the outbox) and waits for the server to finish.
    pub async fn stop(mut self) {
        self.shutdown().await;
    }

    /// Stops like [`TestServer::stop`] but keeps the data, to start a new server on it with
    /// [`TestServer::spawn_in`] (a restart).
    pub async fn stop_keeping_data(mut self) -> TestData {
        self.shutdown().await;
        std::mem::replace(&mut self.data, TestData::placeholder())
    }

    async fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let outcome = task.await.expect("server task");
            assert!(outcome.is_ok(), "server failed: {outcome:?}");
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A logged-in user (or bot) with a client carrying their token.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: String,
    pub token: String,
    pub refresh_token: String,
    pub api: Client,
}

impl TestUser {
    pub const PASSWORD: &'static str = "correct horse battery staple";

    /// From a register or login answer.
    pub fn from_login(anonymous: Client, answer: &Answer) -> Self {
        let token = answer.body["token"].as_str().expect("token").to_owned();
        Self {
            id: answer.body["user"]["id"].as_str().expect("user id").to_owned(),
            refresh_token: answer.body["refresh_token"].as_str().unwrap_or_default().to_owned(),
            api: anonymous.authorized(format!("Bearer {token}")),
            token,
        }
    }
}

/// A guild made by [`TestServer::guild`]: its id, its default channels, and its owner, who
/// sets up invites, roles and bots for tests.
#[derive(Debug, Clone)]
pub struct TestGuild {
    pub id: String,
    /// The `general` text channel.
    pub text: String,
    /// The `General` voice channel.
    pub voice: String,
    pub owner: TestUser,
}

impl TestGuild {
    /// `user` accepts a fresh invite to the text channel, made by the owner.
    pub async fn join(&self, user: &TestUser) {
        let invite = self.owner.api.post(&format!("/channels/{}/invites", self.text), json!({})).await.expect("invite");
        assert_eq!(invite.status, 200, "create invite: {}", invite.text);
        let code = invite.body["code"].as_str().expect("invite code");
        let accepted = user.api.post(&format!("/invites/{code}"), json!({})).await.expect("accept invite");
        assert_eq!(accepted.status, 200, "accept invite: {}", accepted.text);
    }

    /// The owner creates a role with these permission bits (see [`permissions`]); returns its id.
    pub async fn role(&self, name: &str, permissions: u64) -> String {
        let body = json!({ "name": name, "permissions": permissions.to_string() });
        let role = self.owner.api.post(&format!("/guilds/{}/roles", self.id), body).await.expect("create role");
        assert_eq!(role.status, 200, "create role: {}", role.text);
        role.id()
    }

    /// The owner gives `user` the role.
    pub async fn assign(&self, user: &TestUser, role_id: &str) {
        let path = format!("/guilds/{}/members/{}/roles/{role_id}", self.id, user.id);
        let answer = self.owner.api.put(&path, json!({})).await.expect("assign role");
        assert_eq!(answer.status, 204, "assign role: {}", answer.text);
    }

    /// The owner takes the role from `user`.
    pub async fn unassign(&self, user: &TestUser, role_id: &str) {
        let path = format!("/guilds/{}/members/{}/roles/{role_id}", self.id, user.id);
        let answer = self.owner.api.delete(&path).await.expect("remove role");
        assert_eq!(answer.status, 204, "remove role: {}", answer.text);
    }

    /// The owner creates a text channel named `name`; returns its id.
    pub async fn channel(&self, name: &str) -> String {
        let body = json!({ "name": name, "type": 0 });
        let answer = self.owner.api.post(&format!("/guilds/{}/channels", self.id), body).await.expect("channel");
        assert_eq!(answer.status, 201, "create channel: {}", answer.text);
        answer.id()
    }

    /// The owner puts a permission overwrite on `channel` for `target` (`kind` 0 role, 1 member).
    pub async fn overwrite(&self, channel: &str, target: &str, kind: u8, allow: u64, deny: u64) {
        let body = json!({ "type": kind, "allow": allow.to_string(), "deny": deny.to_string() });
        let answer =
            self.owner.api.put(&format!("/channels/{channel}/permissions/{target}"), body).await.expect("overwrite");
        assert_eq!(answer.status, 204, "put overwrite: {}", answer.text);
    }

    /// The owner kicks `user`.
    pub async fn kick(&self, user: &TestUser) {
        let answer = self.owner.api.delete(&format!("/guilds/{}/members/{}", self.id, user.id)).await.expect("kick");
        assert_eq!(answer.status, 204, "kick: {}", answer.text);
    }

    /// The owner creates a custom emoji named `name`; returns its id.
    pub async fn emoji(&self, name: &str) -> String {
        let image = uploads::data_uri("image/png", &uploads::png(16, 16));
        let path = format!("/guilds/{}/emojis", self.id);
        let answer = self.owner.api.post(&path, json!({ "name": name, "image": image })).await.expect("emoji");
        assert_eq!(answer.status, 201, "create emoji: {}", answer.text);
        answer.id()
    }

    /// The owner adds `bot` to the guild.
    pub async fn add_bot(&self, bot: &TestUser) {
        let path = format!("/guilds/{}/members/{}", self.id, bot.id);
        let answer = self.owner.api.put(&path, json!({})).await.expect("add bot");
        assert_eq!(answer.status, 201, "add bot: {}", answer.text);
    }
}

/// Discord's permission bits, written out from the documentation (not taken from the server's
/// own table), so tests check the server against Discord rather than against itself.
pub mod permissions {
    pub const CREATE_INSTANT_INVITE: u64 = 1 << 0;
    pub const KICK_MEMBERS: u64 = 1 << 1;
    pub const BAN_MEMBERS: u64 = 1 << 2;
    pub const ADMINISTRATOR: u64 = 1 << 3;
    pub const MANAGE_CHANNELS: u64 = 1 << 4;
    pub const MANAGE_GUILD: u64 = 1 << 5;
    pub const ADD_REACTIONS: u64 = 1 << 6;
    pub const VIEW_AUDIT_LOG: u64 = 1 << 7;
    pub const VIEW_CHANNEL: u64 = 1 << 10;
    pub const SEND_MESSAGES: u64 = 1 << 11;
    pub const MANAGE_MESSAGES: u64 = 1 << 13;
    pub const EMBED_LINKS: u64 = 1 << 14;
    pub const ATTACH_FILES: u64 = 1 << 15;
    pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
    pub const MENTION_EVERYONE: u64 = 1 << 17;
    pub const CHANGE_NICKNAME: u64 = 1 << 26;
    pub const MANAGE_NICKNAMES: u64 = 1 << 27;
    pub const MANAGE_ROLES: u64 = 1 << 28;
    pub const MANAGE_GUILD_EXPRESSIONS: u64 = 1 << 30;
    pub const MANAGE_THREADS: u64 = 1 << 34;
    pub const MODERATE_MEMBERS: u64 = 1 << 40;
}

impl TestUser {
    /// Posts `content` to `channel`, asserts 200 and returns the message id.
    pub async fn say(&self, channel: &str, content: &str) -> String {
        let answer =
            self.api.post(&format!("/channels/{channel}/messages"), json!({ "content": content })).await.expect("send");
        assert_eq!(answer.status, 200, "send message: {}", answer.text);
        answer.id()
    }
}

/// The time `offset_secs` from now as Discord writes timestamps (`2026-01-02T03:04:05.000000+00:00`),
/// for fields such as `communication_disabled_until`.
pub fn timestamp_from_now(offset_secs: i64) -> String {
    let now = i64::try_from(accord_core::time::now_ms()).expect("milliseconds fit");
    accord_core::time::format_timestamp(u64::try_from(now + offset_secs * 1000).expect("after 1970"))
}

/// Asserts `answer` is Discord's JSON error body with this HTTP status and JSON `code`:
/// `Content-Type` exactly `application/json`, and `code`, `message`, `error`, `timestamp` set.
#[track_caller]
pub fn assert_error(answer: &Answer, status: u16, code: u64) {
    assert_eq!(answer.status, status, "status of {}", answer.text);
    assert_eq!(answer.header("content-type"), Some("application/json"), "content type of {}", answer.text);
    assert_eq!(answer.body["code"].as_u64(), Some(code), "code of {}", answer.text);
    assert!(answer.body["message"].is_string(), "message of {}", answer.text);
    assert!(answer.body["error"].is_string(), "error of {}", answer.text);
    assert!(answer.body["timestamp"].as_str().is_some_and(|t| t.ends_with("+00:00")), "timestamp of {}", answer.text);
}

/// Events seen on the bus.
pub struct Events(Box<dyn Subscription>);

/// One published event, with its payload parsed.
#[derive(Debug, Clone)]
pub struct SeenEvent {
    pub name: String,
    pub guild_id: Option<String>,
    pub channel_id: Option<String>,
    pub user_ids: Vec<String>,
    pub data: Value,
}

impl Events {
    /// The next event named `name` within five seconds, skipping others; panics otherwise.
    pub async fn expect(&mut self, name: &str) -> SeenEvent {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let next = tokio::time::timeout_at(deadline, self.0.next()).await;
            let event = next.unwrap_or_else(|_| panic!("no {name} event within 5 s")).expect("bus open").event;
            if event.name == name {
                return SeenEvent {
                    name: event.name.clone(),
                    guild_id: event.guild_id.map(|g| g.to_string()),
                    channel_id: event.channel_id.map(|c| c.to_string()),
                    user_ids: event.user_ids.iter().map(ToString::to_string).collect(),
                    data: serde_json::from_str(&event.data).expect("event data is JSON"),
                };
            }
        }
    }

    /// Names of all events that arrive within `wait`.
    pub async fn drain(&mut self, wait: Duration) -> Vec<String> {
        let mut names = Vec::new();
        while let Ok(Ok(delivery)) = tokio::time::timeout(wait, self.0.next()).await {
            names.push(delivery.event.name.clone());
        }
        names
    }
}

/// A listener on a free loopback port, which becomes the config's public URL.
async fn bind(config: &mut Config) -> tokio::net::TcpListener {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    config.public_url = Some(format!("http://{}", listener.local_addr().expect("local addr")));
    listener
}
