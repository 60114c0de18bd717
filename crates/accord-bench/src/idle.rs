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

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use accord_client::Client;
use anyhow::{Context, anyhow, ensure};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout};

pub use report::IdleReport;
pub use worker::{Held, Opened};

use crate::args::IdleArgs;
use crate::setup::{by, crowd};
use crate::target::{Placement, Target};

pub async fn run(args: &IdleArgs) -> anyhow::Result<IdleReport> {
    let deadline = tokio::time::Instant::now() + args.timeout();
    let target = Target::from_args_on(&args.target, args.server_pid, Placement::OwnThreads).await?;
    let report = run_against(&target, args, deadline).await;
    target.stop(Duration::from_secs(10)).await?;
    report
}

struct Worker {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
}

impl Worker {
    async fn line<T: serde::de::DeserializeOwned>(&mut self, what: &str) -> anyhow::Result<T> {
        let line = self.lines.next_line().await?.with_context(|| format!("a worker ended before {what}"))?;
        serde_json::from_str(&line).with_context(|| format!("a worker's {what}: {line}"))
    }
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

    let files = tempfile::tempdir().context("a directory for the workers' tokens")?;
    let chunks: Vec<&[String]> = tokens.chunks(args.per_worker as usize).collect();
    let ramp_each = (args.ramp / chunks.len() as u32).max(1);
    let rss_before_kib = target.rss_kib();
    let ramp_start = Instant::now();
    let mut workers = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        let path = files.path().join(format!("tokens-{i}"));
        let mut file = std::fs::File::create(&path)?;
        writeln!(file, "{}", chunk.join("\n"))?;
        workers.push(spawn_worker(args, &target.gateway_url(""), &path, ramp_each)?);
    }

    let mut opened = Vec::new();
    for worker in &mut workers {
        opened.push(by(deadline, "opening the sessions", worker.line::<Opened>("opening")).await??);
    }
    let ramp = ramp_start.elapsed();
    // Settle: let the identifies' transient allocations go before reading the memory.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after_kib = target.rss_kib();
    let cpu_start = (target.server_cpu_ns(), Instant::now());
    for worker in &mut workers {
        let stdin = worker.child.stdin.as_mut().context("a worker without stdin")?;
        stdin.write_all(b"go\n").await?;
    }
    let mut held = Vec::new();
    for worker in &mut workers {
        held.push(by(deadline, "holding the sessions", worker.line::<Held>("hold")).await??);
    }
    let cpu_cores = match (cpu_start.0, target.server_cpu_ns()) {
        (Some(before), Some(after)) => {
            Some(after.saturating_sub(before) as f64 / 1e9 / cpu_start.1.elapsed().as_secs_f64())
        }
        _ => None,
    };
    for mut worker in workers {
        let status = worker.child.wait().await?;
        ensure!(status.success(), "a worker failed: {status}");
    }
    Ok(IdleReport::new(args, target, setup, ramp, (rss_before_kib, rss_after_kib), cpu_cores, &opened, &held))
}

fn spawn_worker(args: &IdleArgs, gateway: &str, tokens: &std::path::Path, ramp: u32) -> anyhow::Result<Worker> {
    let exe = match &args.worker_exe {
        Some(exe) => exe.clone(),
        None => std::env::current_exe().context("the bench's own executable")?,
    };
    let hold = args.hold;
    let mut child = tokio::process::Command::new(exe)
        .arg("idle-worker")
        .args(["--gateway", gateway, "--ramp", &ramp.to_string(), "--hold", &hold.to_string(), "--tokens"])
        .arg(tokens)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("starting a worker")?;
    let stdout = child.stdout.take().ok_or_else(|| anyhow!("a worker without stdout"))?;
    Ok(Worker { child, lines: BufReader::new(stdout).lines() })
}
