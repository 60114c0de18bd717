//! The fan-out scenario: N users join one guild and each opens a gateway session; one sender
//! posts M messages to its text channel; every session should receive every MESSAGE_CREATE.
//! Measures POST throughput, delivered frames/s, send-to-receive latency, losses, and the
//! server's resident memory per session.
//!
//! Every step runs under the one `--timeout` deadline; setup steps run with bounded
//! concurrency; readers stop once they have every message or `--drain` after the last POST.

pub mod receive;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use accord_client::Client;
use anyhow::Context;
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use tokio::sync::{Semaphore, watch};
use tokio::task::{JoinHandle, JoinSet};

pub use crate::clock::SendClock;
pub use receive::{SessionOutcome, message_index};

use crate::args::FanoutArgs;
use crate::setup::{by, crowd, identify};
use crate::stats::FanoutReport;
use crate::target::Target;

/// GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT.
const INTENTS: u64 = (1 << 0) | (1 << 9) | (1 << 15);

/// Runs the scenario against the target `args` name, starting an embedded server if asked to.
pub async fn run(args: &FanoutArgs) -> anyhow::Result<FanoutReport> {
    let deadline = tokio::time::Instant::now() + args.timeout();
    let target = Target::from_args(&args.target, args.server_pid).await?;
    let report = run_against(&target, args, deadline).await;
    target.stop(Duration::from_secs(10)).await?;
    report
}

async fn run_against(
    target: &Target,
    args: &FanoutArgs,
    deadline: tokio::time::Instant,
) -> anyhow::Result<FanoutReport> {
    let (sessions, messages) = (args.sessions as usize, args.messages as usize);
    let concurrency = args.setup_concurrency as usize;
    let anonymous = Client::new(target.api_root());
    let tag = crate::setup::run_tag();

    let setup_start = Instant::now();
    let crowd = crowd(&anonymous, &format!("f{tag}"), "Fanout", sessions, concurrency, deadline).await?;
    let (sender_api, channel, accounts) = (crowd.lead_api, crowd.channel, crowd.members);
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
                    let identified = identify(url, &account.token, INTENTS, None).await?;
                    // Every member joined before any identified, so one GUILD_CREATE's size stands for all.
                    if i == 0 {
                        sized.store(identified.guild.to_string().len(), Ordering::Relaxed);
                    }
                    Ok::<_, anyhow::Error>(tokio::spawn(receive::read_session(identified.session, clock, stop)))
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
        target: target.name.clone(),
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
