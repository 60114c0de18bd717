//! S1, idle: N sessions (one user each, in guilds of `--guild-size`) identify at a ramp rate
//! and stay connected, heartbeating at the server's interval, for the hold. Measures the
//! server's resident memory per session, heartbeat-ACK latency, sessions the server closed,
//! and the server's CPU while idle.
//!
//! The sessions live in worker processes of the bench's own (`idle-worker`), each holding at
//! most `--per-worker`, because one process may hold at most 20,000 open files; an embedded
//! server then has this process to itself, on threads of its own.

mod report;
pub mod worker;
pub mod workers;

use std::time::{Duration, Instant};

use accord_client::Client;

pub use report::IdleReport;
pub use worker::{Held, Opened};
pub use workers::{Orders, Workers};

use crate::args::IdleArgs;
use crate::setup::crowd;
use crate::target::{Placement, Target};

/// How often the server's memory is sampled for its plot (the ramp and hold last minutes).
const RSS_EVERY: Duration = Duration::from_secs(1);

pub async fn run(args: &IdleArgs) -> anyhow::Result<IdleReport> {
    let deadline = tokio::time::Instant::now() + args.timeout();
    let target = Target::from_args_on(&args.target, args.server_pid, Placement::OwnThreads).await?;
    let report = run_against(&target, args, deadline).await;
    target.stop(Duration::from_secs(10)).await?;
    report
}

async fn run_against(target: &Target, args: &IdleArgs, deadline: tokio::time::Instant) -> anyhow::Result<IdleReport> {
    let anonymous = Client::new(target.api_root());
    let tag = crate::setup::run_tag();
    let setup_start = Instant::now();
    let mut tokens = Vec::with_capacity(args.sessions as usize);
    let mut left = args.sessions;
    let mut guild = 0;
    while left > 0 {
        let size = left.min(args.guild_size);
        let prefix = format!("i{tag}g{guild}");
        let made = crowd(&anonymous, &prefix, "Idle", size as usize, args.setup_concurrency as usize, deadline).await?;
        tokens.extend(made.members.into_iter().map(|m| m.token));
        left -= size;
        guild += 1;
    }
    let setup = setup_start.elapsed();

    let orders = Orders {
        exe: args.worker_exe.clone(),
        gateway: target.gateway_url(""),
        ramp: args.ramp,
        hold: args.hold,
        intents: worker::IDLE_INTENTS,
    };
    let rss_before_kib = target.rss_kib();
    let rss = target.sample_rss(RSS_EVERY);
    let profiled = crate::profile::Phase::start();
    let ramp_start = Instant::now();
    let mut workers = Workers::start(&orders, &tokens, args.per_worker as usize)?;
    let opened = workers.opened(deadline).await?;
    let ramp = ramp_start.elapsed();
    drop(profiled);
    // Settle: let the identifies' transient allocations go before reading the memory.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after_kib = target.rss_kib();
    let cpu_start = (target.server_cpu_ns(), Instant::now());
    workers.go().await?;
    let held = workers.held(deadline).await?;
    let cpu_cores = match (cpu_start.0, target.server_cpu_ns()) {
        (Some(before), Some(after)) => {
            Some(after.saturating_sub(before) as f64 / 1e9 / cpu_start.1.elapsed().as_secs_f64())
        }
        _ => None,
    };
    let mut report =
        IdleReport::new(args, target, setup, ramp, (rss_before_kib, rss_after_kib), cpu_cores, &opened, &held);
    report.rss_series = rss.finish().await;
    Ok(report)
}
