//! What a whole server does while its shared state (Redis) is down: logins and registrations
//! fail closed with 503, chat keeps working (messages, slowmode channels, typing), gateway
//! sessions identify and get their events, presence reads show everyone offline while
//! presence updates still reach peers, and `/ready` stays 200 reporting the kv unreachable.
//!
//! The server runs on an [`Outage`] kv: in memory while "up" (to register users and make a
//! guild), and a `RedisKv` pointed at a port where nothing listens once "down".

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use accord_client::gateway::GatewayClient;
use accord_client::{Answer, Client};
use accord_core::Snowflake;
use accord_kv::{
    CacheKv, Decision, HealthKv, Kv, KvResult, MemoryKv, PresenceKv, RateLimitKv, RegistryKv, VoiceEntry, VoiceKv,
    VoicePut,
};
use accord_kv_redis::RedisKv;
use accord_server::{Backends, Config, Server};
use serde_json::{Value, json};
use tokio::sync::oneshot;

const GUILDS: u64 = 1;
const GUILD_PRESENCES: u64 = 1 << 8;
const GUILD_MESSAGES: u64 = 1 << 9;
const MESSAGE_CONTENT: u64 = 1 << 15;
const EVERYTHING: u64 = GUILDS | GUILD_PRESENCES | GUILD_MESSAGES | MESSAGE_CONTENT;
const WAIT: Duration = Duration::from_secs(5);
const PASSWORD: &str = "correct horse battery staple";

/// A kv that is in memory while up and an unreachable Redis while down.
struct Outage {
    up: MemoryKv,
    dead: RedisKv,
    down: AtomicBool,
}

impl Outage {
    fn new() -> Arc<Self> {
        let dead = RedisKv::lazy("redis://127.0.0.1:1/", "down:").expect("a well-formed URL");
        Arc::new(Self { up: MemoryKv::new(), dead, down: AtomicBool::new(false) })
    }

    fn kv(&self) -> &dyn Kv {
        if self.down.load(Ordering::SeqCst) { &self.dead } else { &self.up }
    }

    fn go_down(&self) {
        self.down.store(true, Ordering::SeqCst);
    }

    fn come_back(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

#[async_trait::async_trait]
impl RateLimitKv for Outage {
    async fn hit(&self, key: &str, limit: u32, window: Duration) -> KvResult<Decision> {
        self.kv().hit(key, limit, window).await
    }
}

#[async_trait::async_trait]
impl PresenceKv for Outage {
    async fn presence_set(&self, user: Snowflake, holder: &str, value: &Value, ttl: Duration) -> KvResult<Vec<Value>> {
        self.kv().presence_set(user, holder, value, ttl).await
    }

    async fn presence_refresh(&self, holder: &str, users: &[(Snowflake, Value)], ttl: Duration) -> KvResult<()> {
        self.kv().presence_refresh(holder, users, ttl).await
    }

    async fn presence_clear(&self, user: Snowflake, holder: &str) -> KvResult<Vec<Value>> {
        self.kv().presence_clear(user, holder).await
    }

    async fn presence_get_many(&self, users: &[Snowflake]) -> KvResult<Vec<Vec<Value>>> {
        self.kv().presence_get_many(users).await
    }
}

#[async_trait::async_trait]
impl CacheKv for Outage {
    async fn cache_get(&self, key: &str) -> KvResult<Option<String>> {
        self.kv().cache_get(key).await
    }

    async fn cache_set(&self, key: &str, value: &str, ttl: Duration) -> KvResult<()> {
        self.kv().cache_set(key, value, ttl).await
    }

    async fn cache_set_if_absent(&self, key: &str, value: &str, ttl: Duration) -> KvResult<bool> {
        self.kv().cache_set_if_absent(key, value, ttl).await
    }

    async fn cache_remove(&self, key: &str) -> KvResult<bool> {
        self.kv().cache_remove(key).await
    }
}

#[async_trait::async_trait]
impl RegistryKv for Outage {
    async fn registry_put(&self, group: &str, id: &str, value: &str, ttl: Duration) -> KvResult<()> {
        self.kv().registry_put(group, id, value, ttl).await
    }

    async fn registry_list(&self, group: &str) -> KvResult<Vec<String>> {
        self.kv().registry_list(group).await
    }

    async fn registry_remove(&self, group: &str, id: &str) -> KvResult<()> {
        self.kv().registry_remove(group, id).await
    }
}

#[async_trait::async_trait]
impl VoiceKv for Outage {
    async fn voice_put(
        &self,
        scope: Snowflake,
        user: Snowflake,
        channel: Snowflake,
        value: &str,
        limit: Option<u32>,
        ttl: Duration,
    ) -> KvResult<VoicePut> {
        self.kv().voice_put(scope, user, channel, value, limit, ttl).await
    }

    async fn voice_swap(
        &self,
        scope: Snowflake,
        user: Snowflake,
        expected: &str,
        channel: Snowflake,
        value: &str,
        ttl: Duration,
    ) -> KvResult<bool> {
        self.kv().voice_swap(scope, user, expected, channel, value, ttl).await
    }

    async fn voice_remove(
        &self,
        scope: Snowflake,
        user: Snowflake,
        expected: Option<&str>,
    ) -> KvResult<Option<String>> {
        self.kv().voice_remove(scope, user, expected).await
    }

    async fn voice_renew(&self, states: &[(Snowflake, Snowflake)], ttl: Duration) -> KvResult<()> {
        self.kv().voice_renew(states, ttl).await
    }

    async fn voice_list(&self, scope: Snowflake) -> KvResult<Vec<VoiceEntry>> {
        self.kv().voice_list(scope).await
    }

    async fn voice_list_many(&self, scopes: &[Snowflake]) -> KvResult<Vec<Vec<VoiceEntry>>> {
        self.kv().voice_list_many(scopes).await
    }

    async fn voice_scopes_of(&self, user: Snowflake) -> KvResult<Vec<Snowflake>> {
        self.kv().voice_scopes_of(user).await
    }

    async fn voice_take_expired(&self, max: usize) -> KvResult<Vec<VoiceEntry>> {
        self.kv().voice_take_expired(max).await
    }
}

#[async_trait::async_trait]
impl HealthKv for Outage {
    async fn ping(&self) -> KvResult<()> {
        self.kv().ping().await
    }
}

/// A server on an [`Outage`] kv, serving on a random port until dropped.
struct World {
    addr: SocketAddr,
    kv: Arc<Outage>,
    _stop: oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

impl World {
    async fn spawn() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config { data_dir: dir.path().to_path_buf(), ..Config::default() };
        config.auth.argon2_memory_kib = 64;
        config.auth.argon2_iterations = 1;
        // The SFU's UDP port follows the default listen port otherwise: several servers run at once.
        config.voice.udp = Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
        let kv = Outage::new();
        let mut backends = Backends::open(&config).await.expect("embedded backends");
        backends.kv = kv.clone();
        let server = Server::build_on(&config, backends).await.expect("server builds");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(server.serve(listener, async move {
            let _ = stopped.await;
        }));
        Self { addr, kv, _stop: stop, _dir: dir }
    }

    fn client(&self) -> Client {
        Client::new(format!("http://{}/api/v10", self.addr))
    }

    async fn register(&self, username: &str) -> Answer {
        self.client().post("/auth/register", json!({ "username": username, "password": PASSWORD })).await.unwrap()
    }

    async fn user(&self, username: &str) -> (Client, String) {
        let answer = self.register(username).await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        let token = answer.body["token"].as_str().expect("token").to_owned();
        (self.client().authorized(format!("Bearer {token}")), token)
    }

    async fn gateway(&self, token: &str) -> GatewayClient {
        let url = format!("ws://{}/gateway/?v=10&encoding=json", self.addr);
        let mut gw = GatewayClient::connect(&url).await.expect("gateway connects");
        gw.identify_ready(token, EVERYTHING).await.expect("READY");
        gw
    }
}

/// Alice's guild with Bob in it: (alice, alice's token, bob, bob's token, guild id, text channel id).
async fn guild_of_two(world: &World) -> (Client, String, Client, String, String, String) {
    let (alice, alice_token) = world.user("alice").await;
    let (bob, bob_token) = world.user("bob").await;
    let guild = alice.post("/guilds", json!({ "name": "Test Guild" })).await.unwrap();
    assert_eq!(guild.status, 201, "{}", guild.text);
    let guild_id = guild.id();
    let channels = alice.get(&format!("/guilds/{guild_id}/channels")).await.unwrap();
    let text = channels.body.as_array().unwrap().iter().find(|c| c["type"] == 0).unwrap()["id"].as_str().unwrap();
    let invite = alice.post(&format!("/channels/{text}/invites"), json!({})).await.unwrap();
    let code = invite.body["code"].as_str().expect("invite code");
    assert_eq!(bob.post(&format!("/invites/{code}"), json!({})).await.unwrap().status, 200);
    (alice, alice_token, bob, bob_token, guild_id, text.to_owned())
}

async fn login(world: &World, username: &str) -> Answer {
    world.client().post("/auth/login", json!({ "login": username, "password": PASSWORD })).await.unwrap()
}

#[tokio::test]
async fn with_redis_down_logins_and_registrations_fail_closed_with_503() {
    let world = World::spawn().await;
    world.user("alice").await;
    world.kv.go_down();

    let started = Instant::now();
    let logged_in = login(&world, "alice").await;
    let registered = world.register("mallory").await;
    let took = started.elapsed();

    for answer in [&logged_in, &registered] {
        assert_eq!(answer.status, 503, "{}", answer.text);
        assert_eq!(answer.body["code"], 0);
        assert_eq!(answer.body["error"], "service_unavailable");
        assert!(answer.body.get("token").is_none(), "{}", answer.text);
    }
    assert!(took < Duration::from_secs(2), "refusing took {took:?}");
    world.kv.come_back();
    assert_eq!(login(&world, "mallory").await.status, 401, "the refused registration created nobody");
    assert_eq!(login(&world, "alice").await.status, 200, "and logins work again");
}

#[tokio::test]
async fn with_redis_down_messages_slowmode_channels_and_typing_keep_working() {
    let world = World::spawn().await;
    let (alice, _, bob, _, _, text) = guild_of_two(&world).await;
    let slow = alice.patch(&format!("/channels/{text}"), json!({ "rate_limit_per_user": 30 })).await.unwrap();
    assert_eq!(slow.status, 200, "{}", slow.text);
    world.kv.go_down();
    let messages = format!("/channels/{text}/messages");

    let first = bob.post(&messages, json!({ "content": "one" })).await.unwrap();
    let second = bob.post(&messages, json!({ "content": "two" })).await.unwrap();
    let typing = bob.post(&format!("/channels/{text}/typing"), json!({})).await.unwrap();
    let history = alice.get(&messages).await.unwrap();

    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(second.status, 200, "slowmode fails open: {}", second.text);
    assert_eq!(typing.status, 204, "{}", typing.text);
    let contents: Vec<&str> = history.body.as_array().unwrap().iter().map(|m| m["content"].as_str().unwrap()).collect();
    assert_eq!(contents, ["two", "one"]);
}

#[tokio::test]
async fn with_redis_down_sessions_work_and_presence_reads_show_everyone_offline() {
    let world = World::spawn().await;
    let (alice, alice_token, _, bob_token, _, text) = guild_of_two(&world).await;
    let mut alices = world.gateway(&alice_token).await;
    alices.next_dispatch("GUILD_CREATE", WAIT).await.unwrap();
    let mut bob_before = world.gateway(&bob_token).await;
    let before = bob_before.next_dispatch("GUILD_CREATE", WAIT).await.unwrap();
    world.kv.go_down();

    let mut bobs = world.gateway(&bob_token).await;
    let created = bobs.next_dispatch("GUILD_CREATE", WAIT).await.unwrap();
    alices.send(3, json!({ "status": "idle", "since": null, "activities": [], "afk": false })).await.unwrap();
    let update = bobs.next_dispatch("PRESENCE_UPDATE", WAIT).await.unwrap();
    let sent = alice.post(&format!("/channels/{text}/messages"), json!({ "content": "still here" })).await.unwrap();
    let message = bobs.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap();

    let statuses = |created: &Value| {
        created["presences"].as_array().unwrap().iter().map(|p| p["status"].clone()).collect::<Vec<_>>()
    };
    assert_eq!(statuses(&before), [json!("online")], "while up, alice shows online");
    assert_eq!(statuses(&created), Vec::<Value>::new(), "alice is online, but presence reads degrade to offline");
    assert_eq!(update["status"], "idle", "updates still reach peers through the bus: {update}");
    assert_eq!(sent.status, 200, "{}", sent.text);
    assert_eq!(message["content"], "still here");
}

#[tokio::test]
async fn with_redis_down_ready_stays_200_and_reports_the_kv_unreachable() {
    let world = World::spawn().await;
    world.kv.go_down();

    let ready = Client::new(format!("http://{}", world.addr)).get("/ready").await.unwrap();

    assert_eq!(ready.status, 200, "{}", ready.text);
    assert_eq!(
        ready.body,
        json!({ "status": "ready", "storage": "ok", "bus": "ok", "kv": "unreachable", "blobs": "ok" })
    );
}
