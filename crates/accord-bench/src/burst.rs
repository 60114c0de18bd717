//! S5 burst: one guild with M online members, each holding a gateway session in a worker
//! process; one member posts a message, and every session should receive it. Measures, per
//! message, the time from the POST until the last session received its MESSAGE_CREATE (the
//! server's last frame written, plus one read), and the spread before it.
//!
//! The workers are the idle scenario's (`idle-worker`), asked for message intents; they stamp
//! each arrival with the system clock, which every process on the machine shares.

mod report;

use std::time::{Duration, Instant};

use accord_client::Client;
use anyhow::Context;
use serde_json::json;

pub use report::{BurstReport, Sent};

use crate::args::BurstArgs;
use crate::idle::worker::unix_ns;
use crate::idle::{Orders, Workers};
use crate::setup::{by, crowd, ok};
use crate::target::{Placement, Target};

/// GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT.
const INTENTS: u64 = (1 << 0) | (1 << 9) | (1 << 15);

pub async fn run(args: &BurstArgs) -> anyhow::Result<BurstReport> {
    let deadline = tokio::time::Instant::now() + args.timeout();
    let target = Target::from_args_on(&args.target, args.server_pid, Placement::OwnThreads).await?;
    let report = run_against(&target, args, deadline).await;
    target.stop(Duration::from_secs(10)).await?;
    report
}

async fn run_against(target: &Target, args: &BurstArgs, deadline: tokio::time::Instant) -> anyhow::Result<BurstReport> {
    let anonymous = Client::new(target.api_root());
    let tag = crate::setup::run_tag();
    let setup_start = Instant::now();
    let sessions = args.sessions as usize;
    let guild =
        crowd(&anonymous, &format!("b{tag}"), "Burst", sessions, args.setup_concurrency as usize, deadline).await?;
    let tokens: Vec<String> = guild.members.iter().map(|m| m.token.clone()).collect();
    let setup = setup_start.elapsed();

    let orders = Orders {
        exe: args.worker_exe.clone(),
        gateway: target.gateway_url(""),
        ramp: args.ramp,
        hold: args.hold(),
        intents: INTENTS,
    };
    let ramp_start = Instant::now();
    let mut workers = Workers::start(&orders, &tokens, args.per_worker as usize)?;
    let opened = workers.opened(deadline).await?;
    let ramp = ramp_start.elapsed();
    // Let the identifies' last writes finish, so the first burst starts from quiet.
    tokio::time::sleep(Duration::from_secs(2)).await;
    workers.go().await?;

    let profiled = crate::profile::Phase::start();
    let cpu_start = (target.server_cpu_ns(), Instant::now());
    let path = format!("/channels/{}/messages", guild.channel);
    let mut sent = Vec::with_capacity(args.messages as usize);
    for k in 0..args.messages {
        let at_ns = unix_ns();
        let started = Instant::now();
        let answer =
            by(deadline, "posting", guild.lead_api.post(&path, json!({ "content": format!("burst {k}") }))).await??;
        ok(answer, "post the burst message").with_context(|| format!("message {k}"))?;
        sent.push(Sent { at_ns, post: started.elapsed() });
        tokio::time::sleep_until(tokio::time::Instant::from_std(started) + args.gap()).await;
    }
    let cpu_cores = cpu_start
        .0
        .zip(target.server_cpu_ns())
        .map(|(before, after)| crate::cpu::cores(after.saturating_sub(before), cpu_start.1.elapsed()));
    drop(profiled);
    let held = workers.held(deadline).await?;
    Ok(BurstReport::new(args, setup, ramp, &opened, &held, sent, cpu_cores, target))
}
