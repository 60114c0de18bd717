//! `post`: W writers in one guild POST M messages to its text channel with C requests in
//! flight over all of them, for at most `--seconds`; then the channel's history is compared
//! with the accepted messages. Also the writing `history` seeds its channel with.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use accord_client::Client;
use anyhow::Context;
use serde_json::json;
use tokio::task::JoinSet;

use super::report::PostReport;
use super::verify;
use crate::args::{PostArgs, WriteArgs};
use crate::cpu;
use crate::setup::{by, crowd, run_tag};
use crate::target::{CpuScope, Placement, Target};

/// The writers, each a member of one guild, and its text channel.
pub struct Writers {
    /// One REST client per writer; they share one connection pool.
    pub apis: Arc<Vec<Client>>,
    /// Their access tokens, for readers that bypass the typed client.
    pub tokens: Vec<String>,
    pub channel: String,
    /// Registering the writers and the lead, making the guild, joining it.
    pub setup: Duration,
}

/// What a write phase did.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// POSTs answered 200, and the others (an answer of another status, no answer, a timeout).
    pub accepted: u64,
    pub failed: u64,
    pub first_failure: Option<String>,
    /// The accepted messages' ids, sorted.
    pub ids: Vec<u64>,
    /// Every answered POST's latency, microseconds, sorted.
    pub latencies_us: Vec<u64>,
    /// From the first POST sent to the last answered.
    pub elapsed: Duration,
    /// The server's CPU time over that time, when it can be read.
    pub server_cpu_ns: Option<u64>,
    /// The clients' (see [`clients_cpu_ns`]).
    pub clients_cpu_ns: Option<u64>,
}

/// Runs `post` against the target `args` names, starting an embedded server on threads of its
/// own if asked to.
pub async fn run(args: &PostArgs) -> anyhow::Result<PostReport> {
    let deadline = tokio::time::Instant::now() + args.timeout();
    let target = Target::from_args_on(&args.target, args.server_pid, Placement::OwnThreads).await?;
    let report = run_against(&target, args, deadline).await;
    target.stop(Duration::from_secs(10)).await?;
    report
}

async fn run_against(target: &Target, args: &PostArgs, deadline: tokio::time::Instant) -> anyhow::Result<PostReport> {
    let writers = writers(target, &args.write, "post", deadline).await?;
    let stop_at = Instant::now() + args.seconds();
    // Profiled here, not in `write`: the history scenario seeds its channel through `write`.
    let profiled = crate::profile::Phase::start();
    let written = write(target, &writers, &args.write, args.messages, stop_at, deadline).await?;
    drop(profiled);
    let checking = verify::history(&writers.apis[0], &writers.channel, &written.ids, args.verify_max);
    let verified = by(deadline, "verifying the history", checking).await??;
    Ok(PostReport::new(target, &args.write, args.messages, writers.setup, written, Some(verified)))
}

/// Registers a lead, who makes a guild, and `--writers` members who join it.
pub async fn writers(
    target: &Target,
    write: &WriteArgs,
    prefix: &str,
    deadline: tokio::time::Instant,
) -> anyhow::Result<Writers> {
    let anonymous = Client::new(target.api_root());
    let start = Instant::now();
    let prefix = format!("{prefix}{}", run_tag());
    let (count, concurrency) = (write.writers as usize, write.setup_concurrency as usize);
    anyhow::ensure!(count > 0 && write.concurrency > 0, "at least one writer and one request in flight");
    let crowd = crowd(&anonymous, &prefix, "History", count, concurrency, deadline).await?;
    let tokens: Vec<String> = crowd.members.into_iter().map(|m| m.token).collect();
    let apis = tokens.iter().map(|t| anonymous.authorized(format!("Bearer {t}"))).collect();
    Ok(Writers { apis: Arc::new(apis), tokens, channel: crowd.channel, setup: start.elapsed() })
}

/// One POSTing task's share.
#[derive(Default)]
struct Share {
    ids: Vec<u64>,
    latencies_us: Vec<u64>,
    failed: u64,
    first_failure: Option<String>,
}

/// POSTs messages `0..messages` (message `i` by writer `i % W`, nonce `i`) with
/// `--concurrency` in flight, starting none after `stop_at`; every request ends by `deadline`.
pub async fn write(
    target: &Target,
    writers: &Writers,
    write: &WriteArgs,
    messages: u64,
    stop_at: Instant,
    deadline: tokio::time::Instant,
) -> anyhow::Result<Written> {
    let path = Arc::<str>::from(format!("/channels/{}/messages", writers.channel));
    let padding = Arc::<str>::from("lorem ipsum dolor sit amet ".repeat(write.content_bytes as usize / 27 + 1));
    let next = Arc::new(AtomicU64::new(0));
    let cpu_start = (target.server_cpu_ns(), cpu::process_cpu_ns("self"));
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for _ in 0..write.concurrency {
        let (apis, path, padding, next) = (writers.apis.clone(), path.clone(), padding.clone(), next.clone());
        let bytes = write.content_bytes as usize;
        tasks.spawn(async move {
            let mut share = Share::default();
            // Bounded: each iteration takes one message index, and there are `messages`.
            for _ in 0..messages {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= messages || Instant::now() >= stop_at {
                    break;
                }
                let api = &apis[(i % apis.len() as u64) as usize];
                let mut content = format!("post {i} ");
                content.push_str(&padding[..bytes.saturating_sub(content.len())]);
                let body = json!({ "content": content, "nonce": i.to_string() });
                let sent = Instant::now();
                let answer = tokio::time::timeout_at(deadline, api.post(&path, body)).await;
                let failure = match answer {
                    Ok(Ok(answer)) => {
                        share.latencies_us.push(u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX));
                        match answer.body["id"].as_str().and_then(|id| id.parse().ok()) {
                            Some(id) if answer.status == 200 => {
                                share.ids.push(id);
                                continue;
                            }
                            _ => format!("{} {}", answer.status, answer.text),
                        }
                    }
                    Ok(Err(e)) => e.to_string(),
                    Err(_) => "no answer within --timeout".into(),
                };
                share.failed += 1;
                share.first_failure.get_or_insert(failure);
            }
            share
        });
    }
    let mut written = Written::default();
    while let Some(share) = tasks.join_next().await {
        let share = share.context("a writer task panicked")?;
        written.ids.extend(share.ids);
        written.latencies_us.extend(share.latencies_us);
        written.failed += share.failed;
        written.first_failure = written.first_failure.or(share.first_failure);
    }
    written.elapsed = start.elapsed();
    let (server_ns, clients_ns) = cpu_since(target, cpu_start);
    (written.server_cpu_ns, written.clients_cpu_ns) = (server_ns, clients_ns);
    written.accepted = written.ids.len() as u64;
    written.ids.sort_unstable();
    written.latencies_us.sort_unstable();
    Ok(written)
}

/// The server's and the clients' CPU time since `(server, process)` was read, nanoseconds.
pub fn cpu_since(target: &Target, (server, process): (Option<u64>, Option<u64>)) -> (Option<u64>, Option<u64>) {
    let server = target.server_cpu_ns().zip(server).map(|(end, start)| end.saturating_sub(start));
    let process = cpu::process_cpu_ns("self").zip(process).map(|(end, start)| end.saturating_sub(start));
    (server, clients_cpu_ns(target, process, server))
}

/// What the clients (and the bench around them) used of this process's CPU time `process`:
/// all of it against a server elsewhere, less the server's `server` against one embedded on
/// threads of its own; not told apart when they share threads.
pub fn clients_cpu_ns(target: &Target, process: Option<u64>, server: Option<u64>) -> Option<u64> {
    match target.cpu_scope {
        CpuScope::ServerThreads => Some(process?.saturating_sub(server?)),
        CpuScope::Server(_) | CpuScope::None => process,
        CpuScope::ThisProcess => None,
    }
}
