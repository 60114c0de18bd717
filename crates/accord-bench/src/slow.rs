//! S4 slow consumer: N sessions read every frame while K sessions of the same guild identify
//! and then stop reading; a sender posts M padded messages at a rate. The server must keep its
//! memory bounded (closing a session whose backlog grows too long, resumably) and the readers
//! must see no loss and no slowdown. Afterwards each slow session reads what reached it and
//! tries to resume.

mod report;

use std::sync::Arc;
use std::time::{Duration, Instant};

use accord_client::Client;
use accord_client::gateway::GatewayClient;
use anyhow::Context;
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use tokio::sync::watch;

pub use report::{SlowOutcome, SlowReport};

use crate::args::SlowArgs;
use crate::clock::SendClock;
use crate::fanout::{SessionOutcome, receive};
use crate::setup::{Account, by, crowd, identify};
use crate::target::{Placement, Target};

/// GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT.
const INTENTS: u64 = (1 << 0) | (1 << 9) | (1 << 15);

/// How often the server's memory is sampled while the sender posts.
const RSS_EVERY: Duration = Duration::from_millis(250);

pub async fn run(args: &SlowArgs) -> anyhow::Result<SlowReport> {
    let deadline = tokio::time::Instant::now() + args.timeout();
    let target = Target::from_args_on(&args.target, args.server_pid, Placement::OwnThreads).await?;
    let report = run_against(&target, args, deadline).await;
    target.stop(Duration::from_secs(10)).await?;
    report
}

async fn run_against(target: &Target, args: &SlowArgs, deadline: tokio::time::Instant) -> anyhow::Result<SlowReport> {
    let (readers, slow, messages) = (args.sessions as usize, args.slow as usize, args.messages as usize);
    let concurrency = args.setup_concurrency as usize;
    let anonymous = Client::new(target.api_root());
    let tag = crate::setup::run_tag();
    let guild = crowd(&anonymous, &format!("s{tag}"), "Slow", readers + slow, concurrency, deadline).await?;
    let (slow_accounts, reader_accounts) = guild.members.split_at(slow);
    let url = target.gateway_url("");

    let rss_before_kib = target.rss_kib();
    let clock = Arc::new(SendClock::new(messages));
    let (stop_readers, stop) = watch::channel(false);
    let reading = by(
        deadline,
        "identifying the readers",
        futures::stream::iter(reader_accounts)
            .map(|account| {
                let (url, clock, stop) = (&url, clock.clone(), stop.clone());
                async move {
                    let identified = identify(url, &account.token, INTENTS, None).await?;
                    Ok::<_, anyhow::Error>(tokio::spawn(receive::read_session(identified.session, clock, stop)))
                }
            })
            .buffer_unordered(concurrency)
            .try_collect::<Vec<_>>(),
    )
    .await??;
    let mut stalled = Vec::with_capacity(slow);
    for account in slow_accounts {
        stalled.push(by(deadline, "identifying the slow sessions", stall(&url, account)).await??);
    }

    let cpu_before = target.server_cpu_ns();
    let post_start = Instant::now();
    let posting = post_all(&guild.lead_api, &guild.channel, args, clock.clone());
    let posting = by(deadline, "posting", posting);
    let rss = target.sample_rss(RSS_EVERY);
    let (posted, failed) = posting.await??;
    let rss_samples_kib = rss.finish().await;
    let post_elapsed = post_start.elapsed();
    let cpu_cores = cpu_before
        .zip(target.server_cpu_ns())
        .map(|(before, after)| crate::cpu::cores(after.saturating_sub(before), post_elapsed));

    let drain_deadline = deadline.min(tokio::time::Instant::now() + args.drain());
    let mut all_read = std::pin::pin!(futures::future::join_all(reading));
    let outcomes = match tokio::time::timeout_at(drain_deadline, &mut all_read).await {
        Ok(outcomes) => outcomes,
        Err(_) => {
            let _ = stop_readers.send(true);
            by(tokio::time::Instant::now() + Duration::from_secs(10), "stopping the readers", &mut all_read).await?
        }
    };
    let rss_after_kib = target.rss_kib();
    let outcomes: Vec<SessionOutcome> = outcomes.into_iter().collect::<Result<_, _>>().context("a reader panicked")?;
    let mut slow_outcomes = Vec::with_capacity(stalled.len());
    for session in stalled {
        slow_outcomes.push(by(deadline, "reading the slow sessions", catch_up(session, &url)).await?);
    }
    Ok(SlowReport::new(
        args,
        target,
        (posted, failed, post_elapsed),
        (rss_before_kib, rss_samples_kib, rss_after_kib),
        cpu_cores,
        &outcomes,
        slow_outcomes,
    ))
}

/// A session that identified and then stopped reading: a small receive buffer makes its
/// backlog build up on the server rather than in the kernel.
struct Stalled {
    client: GatewayClient,
    token: String,
    session_id: String,
}

async fn stall(url: &str, account: &Account) -> anyhow::Result<Stalled> {
    let mut client = GatewayClient::connect_slow_reader(url).await?;
    client.identify(&account.token, INTENTS).await?;
    let ready = client.next_dispatch("READY", Duration::from_secs(10)).await?;
    client.next_dispatch("GUILD_CREATE", Duration::from_secs(10)).await?;
    let session_id = ready["session_id"].as_str().context("READY without session_id")?.to_owned();
    Ok(Stalled { client, token: account.token.clone(), session_id })
}

/// Reads what reached a slow session until the server's close (or a pause), then resumes from
/// the last sequence read and counts what the resume replays.
async fn catch_up(mut stalled: Stalled, url: &str) -> SlowOutcome {
    let mut outcome = SlowOutcome::default();
    // Bounded: every frame read or a 2 s pause ends an iteration, and the backlog is finite.
    for _ in 0..1_000_000 {
        match stalled.client.next(Duration::from_secs(2)).await {
            Ok(accord_client::gateway::Received::Payload(frame)) if frame["t"] == "MESSAGE_CREATE" => {
                outcome.read_before_close += 1;
            }
            Ok(accord_client::gateway::Received::Payload(_)) => {}
            Ok(accord_client::gateway::Received::Closed(code)) => {
                outcome.closed = Some(code);
                break;
            }
            Err(accord_client::gateway::GatewayError::Timeout(_)) => {
                outcome.ended = Some("nothing more within 2 s; the connection is still open".into());
                break;
            }
            Err(e) => {
                outcome.ended = Some(format!("the connection failed: {e}"));
                break;
            }
        }
    }
    let seq = stalled.client.last_seq.unwrap_or(0);
    let resumed = async {
        let mut client = GatewayClient::connect(url).await?;
        client.resume(&stalled.token, &stalled.session_id, seq).await?;
        let mut replayed = 0;
        for _ in 0..1_000_000 {
            let frame = client.next_payload(Duration::from_secs(10)).await?;
            match (frame["op"].as_u64(), frame["t"].as_str()) {
                (Some(9), _) => anyhow::bail!("the server refused the resume (invalid session)"),
                (_, Some("RESUMED")) => return Ok(replayed),
                (_, Some("MESSAGE_CREATE")) => replayed += 1,
                _ => {}
            }
        }
        anyhow::bail!("no RESUMED")
    };
    match resumed.await {
        Ok(replayed) => outcome.replayed = Some(replayed),
        Err(e) => outcome.resume_error = Some(e.to_string()),
    }
    outcome
}

/// Posts the messages at `--rate`, one at a time, each with its index as nonce and padded
/// content; returns (accepted, failed).
async fn post_all(api: &Client, channel: &str, args: &SlowArgs, clock: Arc<SendClock>) -> anyhow::Result<(u64, u64)> {
    let period = Duration::from_secs_f64(1.0 / f64::from(args.rate));
    let padding = "x".repeat(args.padding as usize);
    let path = format!("/channels/{channel}/messages");
    let start = tokio::time::Instant::now();
    let (mut accepted, mut failed) = (0, 0);
    for i in 0..clock.len() {
        tokio::time::sleep_until(start + period * u32::try_from(i)?).await;
        clock.mark_sent(i);
        let body = json!({ "content": format!("fanout {i} {padding}"), "nonce": i.to_string() });
        match api.post(&path, body).await {
            Ok(answer) if answer.status == 200 => accepted += 1,
            _ => failed += 1,
        }
    }
    Ok((accepted, failed))
}
