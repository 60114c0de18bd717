//! Setup shared by the scenarios: registering users, a guild with an invite, joining it,
//! identifying gateway sessions, and the one `--timeout` deadline every step runs under.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use accord_client::Client;
use accord_client::gateway::GatewayClient;
use anyhow::{Context, anyhow, ensure};
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery staple";

/// How long one session may take from connecting to its guild's GUILD_CREATE.
const IDENTIFY_WAIT: Duration = Duration::from_secs(10);

/// A registered user.
pub struct Account {
    /// The access token, for REST (`Bearer`) and for Identify.
    pub token: String,
}

/// A session that has identified and read its guild's GUILD_CREATE.
pub struct Identified {
    pub session: GatewayClient,
    /// READY's `d`.
    pub ready: Value,
    /// The guild's GUILD_CREATE `d`.
    pub guild: Value,
}

/// A short tag that keeps this run's usernames apart from earlier runs' on the same server.
pub fn run_tag() -> String {
    let millis = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() % 0xff_ffff);
    format!("{millis:x}")
}

/// Awaits `future` unless `deadline` passes first.
pub async fn by<T>(deadline: tokio::time::Instant, what: &str, future: impl Future<Output = T>) -> anyhow::Result<T> {
    tokio::time::timeout_at(deadline, future).await.map_err(|_| anyhow!("{what} did not finish within --timeout"))
}

/// `POST /auth/register`; returns the new user's access token.
pub async fn register(anonymous: &Client, username: String) -> anyhow::Result<Account> {
    let body = json!({ "username": username, "password": PASSWORD });
    let answer = anonymous.post("/auth/register", body).await?;
    ensure!(answer.status == 201, "register {username}: {} {}", answer.status, answer.text);
    let token = answer.body["token"].as_str().context("register answer without token")?;
    Ok(Account { token: token.to_owned() })
}

/// `api`'s user creates a guild named `name` and a never-expiring invite; returns (guild id,
/// text channel id, invite code).
pub async fn guild_with_invite(api: &Client, name: &str) -> anyhow::Result<(String, String, String)> {
    let guild = ok(api.post("/guilds", json!({ "name": name })).await?, "create guild")?;
    let guild_id = guild["id"].as_str().context("guild without id")?;
    let channels = ok(api.get(&format!("/guilds/{guild_id}/channels")).await?, "list channels")?;
    let text = channels
        .as_array()
        .and_then(|all| all.iter().find(|c| c["type"] == 0))
        .and_then(|c| c["id"].as_str())
        .context("the guild has no text channel")?
        .to_owned();
    let invite = ok(
        api.post(&format!("/channels/{text}/invites"), json!({ "max_age": 0, "max_uses": 0 })).await?,
        "create invite",
    )?;
    let code = invite["code"].as_str().context("invite without code")?.to_owned();
    Ok((guild_id.to_owned(), text, code))
}

/// `POST /invites/{code}` as `account`.
pub async fn join(anonymous: &Client, account: &Account, code: &str) -> anyhow::Result<()> {
    let api = anonymous.authorized(format!("Bearer {}", account.token));
    ok(api.post(&format!("/invites/{code}"), json!({})).await?, "accept invite").map(drop)
}

/// Registers `count` users named `{prefix}_{i}` and has each join with `invite`, `concurrency`
/// at a time.
pub async fn members(
    anonymous: &Client,
    invite: &str,
    prefix: &str,
    count: usize,
    concurrency: usize,
) -> anyhow::Result<Vec<Account>> {
    futures::stream::iter(0..count)
        .map(|i| async move {
            let account = register(anonymous, format!("{prefix}_{i}")).await?;
            join(anonymous, &account, invite).await?;
            Ok::<_, anyhow::Error>(account)
        })
        .buffer_unordered(concurrency)
        .try_collect()
        .await
}

/// A guild made by a lead user, with members who joined it.
pub struct Crowd {
    pub lead: Account,
    /// The lead's REST client.
    pub lead_api: Client,
    pub guild: String,
    /// The guild's text channel.
    pub channel: String,
    pub members: Vec<Account>,
}

/// Registers `{prefix}_lead`, who creates a guild named `name`, and `count` members
/// (`{prefix}_{i}`, `concurrency` at a time) who join it; every step by `deadline`.
pub async fn crowd(
    anonymous: &Client,
    prefix: &str,
    name: &str,
    count: usize,
    concurrency: usize,
    deadline: tokio::time::Instant,
) -> anyhow::Result<Crowd> {
    let lead = by(deadline, "registering the lead user", register(anonymous, format!("{prefix}_lead"))).await??;
    let lead_api = anonymous.authorized(format!("Bearer {}", lead.token));
    let (guild, channel, invite) = by(deadline, "creating the guild", guild_with_invite(&lead_api, name)).await??;
    let joining = members(anonymous, &invite, prefix, count, concurrency);
    let members = by(deadline, "registering and joining", joining).await??;
    Ok(Crowd { lead, lead_api, guild, channel, members })
}

/// Connects, identifies with `intents` (and `presence`, an op 3 `d`, when given), and reads up
/// to the guild's GUILD_CREATE.
pub async fn identify(url: &str, token: &str, intents: u64, presence: Option<&Value>) -> anyhow::Result<Identified> {
    let mut session = GatewayClient::connect(url).await.context("gateway connect")?;
    let mut d = json!({
        "token": token,
        "intents": intents,
        "properties": { "os": "linux", "browser": "accord-bench", "device": "accord-bench" },
    });
    if let Some(presence) = presence {
        d["presence"] = presence.clone();
    }
    session.send(2, d).await.context("identify")?;
    let ready = session.next_dispatch("READY", IDENTIFY_WAIT).await.context("READY")?;
    let guild = session.next_dispatch("GUILD_CREATE", IDENTIFY_WAIT).await.context("GUILD_CREATE")?;
    Ok(Identified { session, ready, guild })
}

/// The body of a 2xx answer, or an error naming `what`.
pub fn ok(answer: accord_client::Answer, what: &str) -> anyhow::Result<Value> {
    ensure!((200..300).contains(&answer.status), "{what}: {} {}", answer.status, answer.text);
    Ok(answer.body)
}
