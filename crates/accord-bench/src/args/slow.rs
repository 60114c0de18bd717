//! The slow-consumer scenario's command line (S4).

use std::time::Duration;

use clap::{Args, Parser};

use super::{Cli, Scenario, TargetArgs};

#[derive(Debug, Clone, Args)]
pub struct SlowArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// With `--url`: the server's process id, for its RSS and CPU time from `/proc`.
    #[arg(long, requires = "url", conflicts_with_all = ["embedded", "cluster"])]
    pub server_pid: Option<u32>,
    /// Sessions that read every frame, in the guild.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=5_000))]
    pub sessions: u32,
    /// Sessions in the same guild that identify and then stop reading (0: a control run).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub slow: u32,
    /// Messages the sender posts.
    #[arg(long, default_value_t = 3000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub messages: u32,
    /// Messages per second.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub rate: u32,
    /// Bytes of padding in each message's content, so the slow sessions' backlog grows fast.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(0..=1_900))]
    pub padding: u32,
    /// Registrations, joins and gateway connections in flight at once during setup.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub setup_concurrency: u32,
    /// How long the reading sessions may wait for their last message after the last POST.
    #[arg(long, default_value_t = 10)]
    pub drain: u64,
    /// The whole run, setup included, ends within this many seconds.
    #[arg(long, default_value_t = 300)]
    pub timeout: u64,
}

impl SlowArgs {
    /// Parameters for a small run against an embedded server (tests and examples).
    pub fn embedded(sessions: u32, slow: u32, messages: u32, rate: u32) -> Self {
        let cli = Cli::parse_from([
            "accord-bench",
            "slow",
            "--embedded",
            "--sessions",
            &sessions.to_string(),
            "--slow",
            &slow.to_string(),
            "--messages",
            &messages.to_string(),
            "--rate",
            &rate.to_string(),
        ]);
        let Scenario::Slow(args) = cli.scenario else { unreachable!("parsed as slow") };
        args
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }

    pub fn drain(&self) -> Duration {
        Duration::from_secs(self.drain)
    }
}
