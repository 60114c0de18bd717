//! A realistic embedded installation to migrate: made through the API of a real server on
//! SQLite (so every table holds rows written the way the services write them), then, with
//! the server stopped, a bulk of messages written straight to its store, which leaves their
//! events unpublished in the outbox and takes two tables past one copy batch.

use std::net::SocketAddr;
use std::path::PathBuf;

use accord_client::{Answer, Client};
use accord_core::{Snowflake, SnowflakeGenerator};
use accord_server::{Config, Server};
use accord_store::{EventDraft, MessageRecord, MessageStore, OutboxStore};
use accord_store_sqlite::SqliteStore;
use base64::Engine as _;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const PASSWORD: &str = "correct horse battery staple";

/// Messages written straight to the store: more than one batch of the copy.
const BULK_MESSAGES: usize = 1100;

/// An installation's data directory, stopped, with what the tests check against.
pub struct Installation {
    pub dir: tempfile::TempDir,
    pub bot_token: String,
    pub bot_username: String,
    /// `(path, body)` of reads made as alice before the server stopped.
    pub snapshots: Vec<(String, Value)>,
    /// Events left in the outbox.
    pub unpublished_events: usize,
    guild_id: Snowflake,
    archive_id: Snowflake,
    alice_id: Snowflake,
}

/// A server serving on a random port until [`Running::stop`].
pub struct Running {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// Serves the installation's data directory, on `database` (default: its SQLite file).
    pub async fn start(installation_dir: &std::path::Path, database: Option<String>) -> Running {
        let mut config = Config { data_dir: installation_dir.to_path_buf(), database, ..Config::default() };
        config.auth.argon2_memory_kib = 64;
        config.auth.argon2_iterations = 1;
        config.edge.auth_attempts_per_minute = 1000;
        config.edge.api_requests_per_minute = 1_000_000;
        config.edge.messages_per_10_seconds = 1_000_000;
        let server = Server::build(&config).await.expect("server builds");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.serve(listener, async move {
            let _ = stopped.await;
        }));
        Running { addr, stop, task }
    }

    pub fn client(&self) -> Client {
        Client::new(format!("http://{}/api/v10", self.addr))
    }

    /// Stops serving and waits until the outbox is drained and the store closed.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.expect("server task").expect("served");
    }
}

fn ok(answer: Answer, what: &str) -> Answer {
    assert!((200..300).contains(&answer.status), "{what}: {} {}", answer.status, answer.text);
    answer
}

/// The snowflake in a JSON string.
fn snowflake(value: &Value) -> Snowflake {
    let text = value.as_str().unwrap_or_else(|| panic!("not an id: {value}"));
    Snowflake::new(text.parse().expect("an id")).expect("a non-zero id")
}

impl Installation {
    pub async fn build() -> Installation {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = Running::start(dir.path(), None).await;
        let api = server.client();
        let register = |body: Value| {
            let api = api.clone();
            async move { ok(api.post("/auth/register", body).await.unwrap(), "registers") }
        };
        let bearer = |tokens: &Answer| api.authorized(format!("Bearer {}", tokens.body["token"].as_str().unwrap()));

        // Accounts: sessions, a rotated refresh token, a revoked session, a bot.
        let alice_tokens = register(json!({
            "username": "alice", "password": PASSWORD, "email": "alice@example.org", "global_name": "Alice A."
        }))
        .await;
        let bob_tokens = register(json!({ "username": "bob", "password": PASSWORD })).await;
        let carol_tokens = register(json!({ "username": "carol", "password": PASSWORD })).await;
        let refresh = json!({ "refresh_token": alice_tokens.body["refresh_token"] });
        ok(api.post("/auth/refresh", refresh).await.unwrap(), "alice refreshes");
        let login = json!({ "login": "carol", "password": PASSWORD });
        let carol_again = ok(api.post("/auth/login", login).await.unwrap(), "carol logs in again");
        ok(bearer(&carol_again).post("/auth/logout", json!({})).await.unwrap(), "and out");
        let (alice, bob, carol) = (bearer(&alice_tokens), bearer(&bob_tokens), bearer(&carol_tokens));
        let alice_id = snowflake(&alice_tokens.body["user"]["id"]);
        let bob_id = snowflake(&bob_tokens.body["user"]["id"]);
        let app = json!({ "name": "Migration Bot", "description": "moves things", "flags": 1 << 15 });
        let app = ok(alice.post("/applications", app).await.unwrap(), "the bot's application");
        let bot_token = app.body["token"].as_str().unwrap().to_owned();
        let bot_user = app.body["bot"].clone();

        // A guild with a role, a category, channels with ordered overwrites, members, invites.
        let guild = json!({ "name": "Old Home", "description": "before the move" });
        let guild_id = snowflake(&ok(alice.post("/guilds", guild).await.unwrap(), "guild").body["id"]);
        let role =
            json!({ "name": "mods", "permissions": "8192", "color": 0x3366ff, "hoist": true, "mentionable": true });
        let role = ok(alice.post(&format!("/guilds/{guild_id}/roles"), role).await.unwrap(), "role");
        let role_id = snowflake(&role.body["id"]);
        let channels = format!("/guilds/{guild_id}/channels");
        let category = ok(alice.post(&channels, json!({ "name": "Talk", "type": 4 })).await.unwrap(), "category");
        // Deliberately not in id order (bob's, added once he joins, is the smallest): the order
        // given is the order kept.
        let overwrites = json!([
            { "id": role_id.to_string(), "type": 0, "allow": "8192", "deny": "0" },
            { "id": guild_id.to_string(), "type": 0, "allow": "0", "deny": "32768" },
        ]);
        let text = json!({
            "name": "lounge", "topic": "anything", "parent_id": category.body["id"], "nsfw": true,
            "permission_overwrites": overwrites,
        });
        let text_id = snowflake(&ok(alice.post(&channels, text).await.unwrap(), "text channel").body["id"]);
        let voice = json!({ "name": "voice", "type": 2, "bitrate": 64000, "user_limit": 10 });
        ok(alice.post(&channels, voice).await.unwrap(), "voice channel");
        let archive = ok(alice.post(&channels, json!({ "name": "archive" })).await.unwrap(), "archive");
        let archive_id = snowflake(&archive.body["id"]);
        let invite = ok(alice.post(&format!("/channels/{text_id}/invites"), json!({})).await.unwrap(), "invite");
        let code = invite.body["code"].as_str().unwrap();
        for joiner in [&bob, &carol] {
            ok(joiner.post(&format!("/invites/{code}"), json!({})).await.unwrap(), "joins");
        }
        let bobs = json!({ "type": 1, "allow": "16384", "deny": "0" });
        ok(alice.put(&format!("/channels/{text_id}/permissions/{bob_id}"), bobs).await.unwrap(), "bob's overwrite");
        let unused = json!({ "max_age": 3600, "max_uses": 5, "temporary": true });
        ok(alice.post(&format!("/channels/{text_id}/invites"), unused).await.unwrap(), "unused invite");
        let bot_id = snowflake(&bot_user["id"]);
        ok(alice.put(&format!("/guilds/{guild_id}/members/{bot_id}"), json!({})).await.unwrap(), "bot added");
        let edit = json!({ "nick": "bobby", "roles": [role_id.to_string()], "mute": true });
        ok(alice.patch(&format!("/guilds/{guild_id}/members/{bob_id}"), edit).await.unwrap(), "bob's roles");

        // Messages: a nonce, mentions of a user, a role and everyone, a reply, an edit, a bot's.
        let messages = format!("/channels/{text_id}/messages");
        let hello =
            json!({ "content": format!("hello <@{bob_id}>"), "nonce": "n-1", "enforce_nonce": true, "tts": true });
        let hello = ok(alice.post(&messages, hello).await.unwrap(), "hello");
        let reply = json!({ "content": "hi!", "nonce": 42, "message_reference": { "message_id": hello.body["id"] } });
        ok(bob.post(&messages, reply).await.unwrap(), "reply");
        let mentions = json!({ "content": format!("<@&{role_id}> and @everyone: meeting") });
        ok(alice.post(&messages, mentions).await.unwrap(), "mentions");
        let typo = ok(carol.post(&messages, json!({ "content": "tpyo" })).await.unwrap(), "typo");
        ok(carol.patch(&format!("{messages}/{}", typo.id()), json!({ "content": "typo" })).await.unwrap(), "edit");
        let bot = api.authorized(format!("Bot {bot_token}"));
        ok(bot.post(&messages, json!({ "content": "beep" })).await.unwrap(), "the bot speaks");

        // A custom emoji (a PNG header is all an image needs here).
        let png = [&b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"[..], &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]].concat();
        let image = format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(&png));
        let emoji = json!({ "name": "migrating", "image": image });
        let emoji = ok(alice.post(&format!("/guilds/{guild_id}/emojis"), emoji).await.unwrap(), "emoji");
        let party = format!("migrating:{}", emoji.id());

        // Reactions, a pin and a read mark.
        let hello_id = hello.id();
        for (who, emoji) in [(&bob, "%F0%9F%91%8D"), (&alice, "%F0%9F%91%8D"), (&alice, party.as_str())] {
            ok(who.put(&format!("{messages}/{hello_id}/reactions/{emoji}/@me"), json!({})).await.unwrap(), "reacts");
        }
        ok(alice.put(&format!("/channels/{text_id}/pins/{hello_id}"), json!({})).await.unwrap(), "pins");
        ok(bob.post(&format!("{messages}/{hello_id}/ack"), json!({})).await.unwrap(), "bob reads");

        // A thread with a reply and a second member, and a forum with a tagged post.
        let thread = json!({ "name": "about hello" });
        ok(alice.post(&format!("{messages}/{hello_id}/threads"), thread).await.unwrap(), "thread");
        ok(
            bob.post(&format!("/channels/{hello_id}/messages"), json!({ "content": "in the thread" })).await.unwrap(),
            "reply",
        );
        let forum = json!({ "name": "board", "type": 15, "available_tags": [{ "name": "help" }] });
        let forum = ok(alice.post(&channels, forum).await.unwrap(), "forum");
        let post = json!({
            "name": "a question", "applied_tags": [forum.body["available_tags"][0]["id"]],
            "message": { "content": "how?" },
        });
        ok(bob.post(&format!("/channels/{}/threads", forum.id()), post).await.unwrap(), "forum post");

        // People outside guilds: a DM that bob closed, a named group DM, a friendship.
        let carol_id = snowflake(&carol_tokens.body["user"]["id"]);
        let dm =
            ok(alice.post("/users/@me/channels", json!({ "recipient_id": bob_id.to_string() })).await.unwrap(), "dm");
        ok(
            alice.post(&format!("/channels/{}/messages", dm.id()), json!({ "content": "psst" })).await.unwrap(),
            "dm message",
        );
        ok(bob.delete(&format!("/channels/{}", dm.id())).await.unwrap(), "bob closes the dm");
        let group = json!({ "recipients": [bob_id.to_string(), carol_id.to_string()], "name": "old friends" });
        ok(alice.post("/users/@me/channels", group).await.unwrap(), "group dm");
        ok(alice.put(&format!("/users/@me/relationships/{carol_id}"), json!({})).await.unwrap(), "friend request");
        ok(carol.put(&format!("/users/@me/relationships/{alice_id}"), json!({})).await.unwrap(), "accepted");

        // A member through a temporary invite.
        let dora = register(json!({ "username": "dora", "password": PASSWORD })).await;
        let temporary = json!({ "temporary": true, "unique": true });
        let temporary = ok(alice.post(&format!("/channels/{text_id}/invites"), temporary).await.unwrap(), "invite");
        let code = temporary.body["code"].as_str().unwrap();
        ok(bearer(&dora).post(&format!("/invites/{code}"), json!({})).await.unwrap(), "dora joins for now");

        // Settings, a ban of someone who never joined, and with it an audit log entry.
        let settings = json!({ "theme": "light", "custom_status": { "text": "moving" } });
        ok(alice.patch("/users/@me/settings", settings).await.unwrap(), "settings");
        let banned = register(json!({ "username": "spammer", "password": PASSWORD })).await;
        let banned_id = snowflake(&banned.body["user"]["id"]);
        ok(alice.put(&format!("/guilds/{guild_id}/bans/{banned_id}"), json!({})).await.unwrap(), "ban");

        // Account security: a verification mail not used yet, and bob's second factor.
        ok(alice.post("/auth/verify-email/send", json!({})).await.unwrap(), "verification mail");
        let secret = "JBSWY3DPEHPK3PXPJBSWY3DP";
        let key = accord_auth::totp::decode_base32(secret).expect("base32");
        let code = accord_auth::totp::code_at(&key, accord_auth::totp::step_of(accord_core::time::now_ms() / 1000));
        let enable = json!({ "password": PASSWORD, "secret": secret, "code": code });
        ok(bob.post("/auth/mfa/totp/enable", enable).await.unwrap(), "bob turns on two-factor");

        let mut snapshots = Vec::new();
        for path in [
            format!("{messages}?limit=100"),
            format!("/channels/{text_id}/pins"),
            format!("/guilds/{guild_id}/threads/active"),
            format!("{messages}/{}/history", typo.id()),
            format!("/channels/{text_id}"),
            format!("/guilds/{guild_id}/roles"),
            format!("/guilds/{guild_id}/members?limit=1000"),
            format!("/guilds/{guild_id}/invites"),
            "/users/@me".to_owned(),
            "/users/@me/channels".to_owned(),
            "/users/@me/relationships".to_owned(),
            "/users/@me/settings".to_owned(),
            format!("/guilds/{guild_id}/bans"),
            format!("/guilds/{guild_id}/audit-logs"),
        ] {
            let body = ok(alice.get(&path).await.unwrap(), &path).body;
            snapshots.push((path, body));
        }
        server.stop().await;

        let mut installation = Installation {
            dir,
            bot_token,
            bot_username: bot_user["username"].as_str().unwrap().to_owned(),
            snapshots,
            unpublished_events: 0,
            guild_id,
            archive_id,
            alice_id,
        };
        installation.unpublished_events = installation.write_bulk().await;
        installation
    }

    /// Writes [`BULK_MESSAGES`] messages with their events straight to the stopped
    /// installation's store; returns how many events are left unpublished.
    async fn write_bulk(&self) -> usize {
        let store = SqliteStore::open(&self.db_path()).await.expect("the installation's store");
        let ids = SnowflakeGenerator::new(5);
        for n in 0..BULK_MESSAGES {
            let message = bulk_message(self, ids.next(), &format!("archived message {n}"));
            let event = EventDraft {
                id: ids.next(),
                name: "MESSAGE_CREATE".into(),
                guild_id: Some(self.guild_id),
                channel_id: Some(self.archive_id),
                user_ids: vec![self.alice_id],
                data: json!({ "id": message.id.to_string(), "content": message.content }).to_string(),
            };
            store.create_message(&message, &[event]).await.expect("a bulk message");
        }
        let pending = store.pending_events(u32::MAX).await.expect("the outbox").len();
        store.close().await;
        pending
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("accord.db")
    }

    pub fn sqlite_url(&self) -> String {
        format!("sqlite://{}", self.db_path().display())
    }
}

/// A message by alice in the installation's archive channel.
pub fn bulk_message(installation: &Installation, id: Snowflake, content: &str) -> MessageRecord {
    MessageRecord {
        id,
        channel_id: installation.archive_id,
        guild_id: Some(installation.guild_id),
        author_id: installation.alice_id,
        content: content.to_owned(),
        nonce: Some(format!("bulk-{id}")),
        enforced_nonce: false,
        tts: false,
        kind: 0,
        flags: 0,
        edited_ms: None,
        pinned_ms: None,
        mention_everyone: false,
        mention_user_ids: vec![installation.alice_id],
        mention_role_ids: vec![],
        reference: None,
        attachments: vec![],
        embeds: "[]".to_owned(),
    }
}
