//! The burst scenario's command line (S5).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser};

use super::{Cli, Scenario, TargetArgs};

#[derive(Debug, Clone, Args)]
pub struct BurstArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// With `--url`: the server's process id, for its CPU time from `/proc`.
    #[arg(long, requires = "url", conflicts_with_all = ["embedded", "cluster"])]
    pub server_pid: Option<u32>,
    /// Online members of the one guild, one gateway session each.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub sessions: u32,
    /// Messages posted, one at a time, each timed on its own.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub messages: u32,
    /// Milliseconds between messages, so each burst ends before the next starts.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(100..=60_000))]
    pub gap_ms: u64,
    /// Sessions identifying per second, over all workers.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub ramp: u32,
    /// Sessions each worker process holds (a process may hold at most 20,000 open files).
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u32).range(1..=15_000))]
    pub per_worker: u32,
    /// Registrations and joins in flight at once during setup.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub setup_concurrency: u32,
    /// The whole run, setup included, ends within this many seconds.
    #[arg(long, default_value_t = 1200)]
    pub timeout: u64,
    /// The executable to run workers with [default: this one].
    #[arg(long, hide = true)]
    pub worker_exe: Option<PathBuf>,
}

impl BurstArgs {
    /// Parameters for a run against an embedded server (tests and examples).
    pub fn embedded(sessions: u32, per_worker: u32, messages: u32) -> Self {
        let cli = Cli::parse_from([
            "accord-bench",
            "burst",
            "--embedded",
            "--sessions",
            &sessions.to_string(),
            "--per-worker",
            &per_worker.to_string(),
            "--messages",
            &messages.to_string(),
            "--gap-ms",
            "500",
        ]);
        let Scenario::Burst(args) = cli.scenario else { unreachable!("parsed as burst") };
        args
    }

    /// Seconds the workers hold after the go-ahead: every message's gap, and time to drain.
    pub fn hold(&self) -> u64 {
        (u64::from(self.messages) * self.gap_ms).div_ceil(1000) + 5
    }

    pub fn gap(&self) -> Duration {
        Duration::from_millis(self.gap_ms)
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }
}
