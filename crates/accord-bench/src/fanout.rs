//! The fan-out scenario: N users join one guild and each opens a gateway session; one sender
//! posts M messages to its text channel; every session should receive every MESSAGE_CREATE.
//! Measures POST throughput, delivered frames/s, send-to-receive latency, losses, and the
//! server's resident memory per session.
//!
//! Every step runs under the one `--timeout` deadline; setup steps run with bounded
//! concurrency; readers stop once they have every message or `--drain` after the last POST.

mod receive;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use accord_client::Client;
use accord_client::gateway::GatewayClient;
use anyhow::{Context, anyhow, ensure};
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use tokio::sync::{Semaphore, watch};
use tokio::task::{JoinHandle, JoinSet};

pub use receive::{SendClock, SessionOutcome, message_index};

use crate::args::FanoutArgs;
use crate::stats::FanoutReport;
use crate::target::Target;

/// GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT.
const INTENTS: u64 = (1 << 0) | (1 << 9) | (1 << 15);
const PASSWORD: &str = "correct horse battery staple";

/// A registered user.
struct Account {
    /// The access token, for REST (`Bearer`) and for Identify.
    token: String,
}

/// Runs the scenario against the target `args` name, starting an embedded server if asked to.
pub async fn run(args: &FanoutArgs) -> anyhow::Result<FanoutReport> {
    let deadline = tokio::time::Instant::now() + args.timeout();
    let target = Target::from_args(args).await?;
    let report = run_against(&target, args, deadline).await;
    target.stop(Duration::from_secs(10)).await?;
    report
}

/// Awaits `future` unless `deadline` passes first.
async fn by<T>(deadline: tokio::time::Instant, what: &str, future: impl Future<Output = T>) -> anyhow::Result<T> {
    tokio::time::timeout_at(deadline, future).await.map_err(|_| anyhow!("{what} did not finish within --timeout"))
}

async fn run_against(
    target: &Target,
    args: &FanoutArgs,
    deadline: tokio::time::Instant,
) -> anyhow::Result<FanoutReport> {
    let (sessions, messages) = (args.sessions as usize, args.messages as usize);
    let concurrency = args.setup_concurrency as usize;
    let anonymous = Client::new(target.api_root());
    let run_id = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() % 0xff_ffff);

    let setup_start = Instant::now();
    let sender = by(deadline, "registering the sender", register(&anonymous, format!("f{run_id:x}_sender"))).await??;
    let sender_api = anonymous.authorized(format!("Bearer {}", sender.token));
    let (channel, invite) = by(deadline, "creating the guild", guild_with_invite(&sender_api)).await??;
    let accounts: Vec<Account> = by(
        deadline,
        "registering and joining",
        futures::stream::iter(0..sessions)
            .map(|i| {
                let (anonymous, invite) = (&anonymous, &invite);
                async move {
                    let account = register(anonymous, format!("f{run_id:x}_{i}")).await?;
                    join(anonymous, &account, invite).await?;
                    Ok::<_, anyhow::Error>(account)
                }
            })
            .buffer_unordered(concurrency)
            .try_collect(),
    )
    .await??;
    let setup = setup_start.elapsed();

    let rss_before_kib = target.rss_kib();
    let clock = Arc::new(SendClock::new(messages));
    let (stop_readers, stop) = watch::channel(false);
    let identify_start = Instant::now();
    let gateway_url = target.gateway_url(args.compress.query());
    let guild_create_bytes = AtomicUsize::new(0);
    let readers: Vec<JoinHandle<SessionOutcome>> = by(
        deadline,
        "identifying the sessions",
        futures::stream::iter(accounts.iter().enumerate())
            .map(|(i, account)| {
                let (url, clock, stop, sized) = (&gateway_url, clock.clone(), stop.clone(), &guild_create_bytes);
                async move {
                    // Every member joined before any identified, so one GUILD_CREATE's size stands for all.
                    let size = (i == 0).then_some(sized);
                    let session = identify(url, &account.token, size).await?;
                    Ok::<_, anyhow::Error>(tokio::spawn(receive::read_session(session, clock, stop)))
                }
            })
            .buffer_unordered(concurrency)
            .try_collect(),
    )
    .await??;
    let identify = identify_start.elapsed();
    // Let the last sessions' GUILD_CREATE writes and buffers settle before reading memory.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_after_kib = target.rss_kib();

    let post_start_ns = clock.now_ns();
    let post_start = Instant::now();
    let (posted, post_failures) =
        by(deadline, "posting", send_all(&sender_api, &channel, args, clock.clone(), deadline)).await??;
    let post_elapsed = post_start.elapsed();

    let drain_deadline = deadline.min(tokio::time::Instant::now() + args.drain());
    let mut all_read = std::pin::pin!(futures::future::join_all(readers));
    let outcomes = match tokio::time::timeout_at(drain_deadline, &mut all_read).await {
        Ok(outcomes) => outcomes,
        Err(_) => {
            let _ = stop_readers.send(true);
            let grace = tokio::time::Instant::now() + Duration::from_secs(10);
            by(grace, "stopping the readers", &mut all_read).await?
        }
    };

    let mut report = FanoutReport {
        target: if args.target.embedded { "embedded".into() } else { target.base_url.clone() },
        compress: args.compress.name().into(),
        sessions: sessions as u64,
        messages: messages as u64,
        setup,
        identify,
        posted,
        post_failures,
        post_elapsed,
        rss_before_kib,
        rss_after_kib,
        guild_create_bytes: guild_create_bytes.into_inner() as u64,
        rss_scope: target.rss_scope.describe(),
        ..FanoutReport::default()
    };
    let mut last_receive_ns = post_start_ns;
    for outcome in outcomes {
        let outcome = outcome.context("a session reader panicked")?;
        report.delivered_frames += outcome.frames;
        report.delivered_unique += outcome.unique;
        report.latencies_us.extend(outcome.latencies_us);
        last_receive_ns = last_receive_ns.max(outcome.last_receive_ns.unwrap_or(0));
        if let Some(code) = outcome.closed {
            report.closed_sessions += 1;
            report.close_codes.extend(code.filter(|c| !report.close_codes.contains(c)));
        }
        if let Some(error) = outcome.error {
            eprintln!("a session ended early: {error}");
        }
    }
    report.latencies_us.sort_unstable();
    report.delivery_elapsed = Duration::from_nanos(last_receive_ns - post_start_ns);
    Ok(report)
}

/// `POST /auth/register`; returns the new user's access token.
async fn register(anonymous: &Client, username: String) -> anyhow::Result<Account> {
    let body = json!({ "username": username, "password": PASSWORD });
    let answer = anonymous.post("/auth/register", body).await?;
    ensure!(answer.status == 201, "register {username}: {} {}", answer.status, answer.text);
    let token = answer.body["token"].as_str().context("register answer without token")?;
    Ok(Account { token: token.to_owned() })
}

/// The sender creates a guild and a never-expiring invite; returns (text channel id, invite code).
async fn guild_with_invite(api: &Client) -> anyhow::Result<(String, String)> {
    let guild = ok(api.post("/guilds", json!({ "name": "Fanout" })).await?, "create guild")?;
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
    Ok((text, code))
}

/// `POST /invites/{code}` as `account`.
async fn join(anonymous: &Client, account: &Account, code: &str) -> anyhow::Result<()> {
    let api = anonymous.authorized(format!("Bearer {}", account.token));
    ok(api.post(&format!("/invites/{code}"), json!({})).await?, "accept invite").map(drop)
}

/// Connects, identifies, and reads up to the guild's GUILD_CREATE, storing the size of its `d`
/// as JSON in `size` when given.
async fn identify(url: &str, token: &str, size: Option<&AtomicUsize>) -> anyhow::Result<GatewayClient> {
    let mut session = GatewayClient::connect(url).await.context("gateway connect")?;
    session.identify_ready(token, INTENTS).await.context("identify")?;
    let guild = session.next_dispatch("GUILD_CREATE", Duration::from_secs(10)).await.context("GUILD_CREATE")?;
    if let Some(size) = size {
        size.store(guild.to_string().len(), Ordering::Relaxed);
    }
    Ok(session)
}

/// Posts `fanout {i}` with nonce `i` for every message, at `--rate` (or as fast as
/// `--send-concurrency` allows); returns (accepted, failed).
async fn send_all(
    api: &Client,
    channel: &str,
    args: &FanoutArgs,
    clock: Arc<SendClock>,
    deadline: tokio::time::Instant,
) -> anyhow::Result<(u64, u64)> {
    let permits = Arc::new(Semaphore::new(args.send_concurrency as usize));
    let period = (args.rate > 0).then(|| Duration::from_secs_f64(1.0 / f64::from(args.rate)));
    let start = tokio::time::Instant::now();
    let path = format!("/channels/{channel}/messages");
    let mut posts = JoinSet::new();
    for i in 0..clock.len() {
        if let Some(period) = period {
            tokio::time::sleep_until(start + period * u32::try_from(i)?).await;
        }
        let permit = permits.clone().acquire_owned().await?;
        let (api, path, clock) = (api.clone(), path.clone(), clock.clone());
        posts.spawn(async move {
            clock.mark_sent(i);
            let body = json!({ "content": format!("fanout {i}"), "nonce": i.to_string() });
            let answer = tokio::time::timeout_at(deadline, api.post(&path, body)).await;
            drop(permit);
            matches!(answer, Ok(Ok(a)) if a.status == 200)
        });
    }
    let (mut accepted, mut failed) = (0, 0);
    while let Some(done) = posts.join_next().await {
        if done? { accepted += 1 } else { failed += 1 }
    }
    Ok((accepted, failed))
}

/// The body of a 2xx answer, or an error naming `what`.
fn ok(answer: accord_client::Answer, what: &str) -> anyhow::Result<Value> {
    ensure!((200..300).contains(&answer.status), "{what}: {} {}", answer.status, answer.text);
    Ok(answer.body)
}
