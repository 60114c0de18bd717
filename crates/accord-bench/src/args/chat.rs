//! The chat scenario's command line (S2).

use std::time::Duration;

use clap::{Args, Parser};

use super::{Cli, Scenario, TargetArgs};

#[derive(Debug, Clone, Args)]
pub struct ChatArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// With `--url`: the server's process id, for its RSS and CPU time from `/proc`.
    #[arg(long, requires = "url", conflicts_with_all = ["embedded", "cluster"])]
    pub server_pid: Option<u32>,
    /// Gateway sessions, one user each, spread evenly over the guilds.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=5_000))]
    pub sessions: u32,
    /// Guilds the sessions are spread over; each message reaches the sessions of its guild.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    pub guilds: u32,
    /// Members who post, spread evenly over the guilds; each posts one message at a time, in
    /// order, so every session must see each writer's messages in the order they were sent.
    #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u32).range(1..=5_000))]
    pub writers: u32,
    /// Messages per second over all writers.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub rate: u32,
    /// Seconds the writers post for.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub seconds: u64,
    /// Sessions that drop their connection (no close frame) once during the posting and
    /// resume, spread evenly over the sessions and over the time.
    #[arg(long, default_value_t = 50)]
    pub resumes: u32,
    /// Registrations, joins and gateway connections in flight at once during setup.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub setup_concurrency: u32,
    /// How long sessions may take after the last POST to receive every message, in seconds.
    #[arg(long, default_value_t = 15)]
    pub drain: u64,
    /// The whole run, setup included, ends within this many seconds.
    #[arg(long, default_value_t = 900)]
    pub timeout: u64,
}

impl ChatArgs {
    /// Parameters for a small run against an embedded server (tests and examples).
    pub fn embedded(sessions: u32, guilds: u32, writers: u32, rate: u32, seconds: u64) -> Self {
        let cli = Cli::parse_from([
            "accord-bench",
            "chat",
            "--embedded",
            "--sessions",
            &sessions.to_string(),
            "--guilds",
            &guilds.to_string(),
            "--writers",
            &writers.to_string(),
            "--rate",
            &rate.to_string(),
            "--seconds",
            &seconds.to_string(),
        ]);
        let Scenario::Chat(args) = cli.scenario else { unreachable!("parsed as chat") };
        args
    }

    /// Messages each writer may post: its share of the rate for the whole time, rounded up.
    pub fn per_writer(&self) -> usize {
        (u64::from(self.rate) * self.seconds).div_ceil(u64::from(self.writers)) as usize
    }

    /// The pause between one writer's messages.
    pub fn writer_period(&self) -> Duration {
        Duration::from_secs_f64(f64::from(self.writers) / f64::from(self.rate))
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }

    pub fn drain(&self) -> Duration {
        Duration::from_secs(self.drain)
    }
}
