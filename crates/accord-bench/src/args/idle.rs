//! The idle scenario's command line, and its worker's (a process of the bench's own that holds
//! a share of the sessions, since one process may hold at most 20,000 open files).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser};

use super::{Cli, Scenario, TargetArgs};

#[derive(Debug, Clone, Args)]
pub struct IdleArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// With `--url`: the server's process id, for its RSS and CPU time from `/proc`.
    #[arg(long, requires = "url", conflicts_with_all = ["embedded", "cluster"])]
    pub server_pid: Option<u32>,
    /// Gateway sessions, one user each, in guilds of `--guild-size`.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub sessions: u32,
    /// Members per guild.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub guild_size: u32,
    /// Sessions identifying per second, over all workers.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub ramp: u32,
    /// Sessions each worker process holds (a process may hold at most 20,000 open files).
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u32).range(1..=15_000))]
    pub per_worker: u32,
    /// Seconds every session stays connected after the last one identified, heartbeating at
    /// the interval the server gives in Hello.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub hold: u64,
    /// Registrations and joins in flight at once during setup.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub setup_concurrency: u32,
    /// The whole run, setup included, ends within this many seconds.
    #[arg(long, default_value_t = 900)]
    pub timeout: u64,
    /// The executable to run workers with [default: this one].
    #[arg(long, hide = true)]
    pub worker_exe: Option<PathBuf>,
}

impl IdleArgs {
    /// Parameters for a run against an embedded server (tests and examples).
    pub fn embedded(sessions: u32, per_worker: u32, hold: u64) -> Self {
        let cli = Cli::parse_from([
            "accord-bench",
            "idle",
            "--embedded",
            "--sessions",
            &sessions.to_string(),
            "--per-worker",
            &per_worker.to_string(),
            "--hold",
            &hold.to_string(),
        ]);
        let Scenario::Idle(args) = cli.scenario else { unreachable!("parsed as idle") };
        args
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }

    pub fn hold(&self) -> Duration {
        Duration::from_secs(self.hold)
    }
}

/// A worker's orders, from the idle scenario (not for people to type).
#[derive(Debug, Clone, Args)]
pub struct IdleWorkerArgs {
    /// The gateway URL to connect to.
    #[arg(long)]
    pub gateway: String,
    /// A file of access tokens, one per line: one session each.
    #[arg(long)]
    pub tokens: PathBuf,
    /// Sessions this worker starts per second.
    #[arg(long)]
    pub ramp: u32,
    /// Seconds to hold every session after the go-ahead line on standard input.
    #[arg(long)]
    pub hold: u64,
    /// The intents every session identifies with.
    #[arg(long, default_value_t = 1)]
    pub intents: u64,
}
