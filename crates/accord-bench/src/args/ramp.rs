//! The ramp scenario's command line (S3): how the users are set up, how fast they are added,
//! what each one does, and the thresholds that end the ramp.

use std::time::Duration;

use clap::{Args, Parser};

use super::{Cli, Scenario, TargetArgs};

#[derive(Debug, Clone, Args)]
pub struct RampArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// With `--url`: the server's process id, for its RSS and CPU time from `/proc`. The server
    /// must allow `--max-users` + `--guilds` registrations (`edge.auth_attempts_per_minute`),
    /// the seeding (`edge.messages_per_10_seconds`, one caller per guild) and each user's
    /// requests (`edge.api_requests_per_minute`).
    #[arg(long, requires = "url", conflicts_with_all = ["embedded", "cluster"])]
    pub server_pid: Option<u32>,
    /// Guilds the users are spread over, evenly.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub guilds: u32,
    /// Text channels in each guild.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=50))]
    pub channels: u32,
    /// Messages posted to each channel during setup, so history reads return pages.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(0..=1_000))]
    pub seed_messages: u32,
    /// Users added at each step of the ramp.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=500))]
    pub step_users: u32,
    /// Seconds between steps.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub step_seconds: u64,
    /// Seconds of each measured window; the thresholds are checked at the end of each.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub window_seconds: u64,
    /// The most users the ramp adds (all are registered during setup). Each holds one gateway
    /// connection, two file descriptors with an embedded server.
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u32).range(1..=5_000))]
    pub max_users: u32,
    /// Mean think time between one user's actions, in milliseconds (exponentially
    /// distributed, at most 20 times the mean).
    #[arg(long, default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(10..=600_000))]
    pub think_ms: u64,
    /// Messages per history page (`limit`) when switching or scrolling channels.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub page: u32,
    /// A request unanswered after this many seconds is an error (a timeout).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=120))]
    pub request_timeout: u64,
    /// Threshold: errors (5xx, other refusals, transport errors, timeouts, failed identifies
    /// and resumes, sessions the server closed) as a percentage of a window's operations. A
    /// window breaks it when errors / operations exceed it, so with fewer than 100 / this
    /// operations in a window (4,000 at 0.025 %) one error does.
    #[arg(long, default_value_t = 0.025)]
    pub max_error_pct: f64,
    /// Threshold: a window's mean REST latency, in milliseconds.
    #[arg(long, default_value_t = 100.0)]
    pub max_mean_ms: f64,
    /// Threshold: a window's 99th percentile REST latency, in milliseconds.
    #[arg(long, default_value_t = 2_000.0)]
    pub max_p99_ms: f64,
    /// Seconds the ramp may go on for; it stops after the last whole window within them.
    #[arg(long, default_value_t = 1_200, value_parser = clap::value_parser!(u64).range(1..=7_200))]
    pub seconds: u64,
    /// Registrations, joins and seeding posts in flight at once during setup.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub setup_concurrency: u32,
    /// The whole run, setup included, ends within this many seconds.
    #[arg(long, default_value_t = 1_800)]
    pub timeout: u64,
}

impl RampArgs {
    /// Parameters for a small quick ramp against an embedded server (tests and examples).
    pub fn embedded(guilds: u32, step_users: u32, step_seconds: u64, max_users: u32) -> Self {
        let cli = Cli::parse_from([
            "accord-bench",
            "ramp",
            "--embedded",
            "--guilds",
            &guilds.to_string(),
            "--step-users",
            &step_users.to_string(),
            "--step-seconds",
            &step_seconds.to_string(),
            "--max-users",
            &max_users.to_string(),
        ]);
        let Scenario::Ramp(args) = cli.scenario else { unreachable!("parsed as ramp") };
        args
    }

    pub fn step(&self) -> Duration {
        Duration::from_secs(self.step_seconds)
    }

    pub fn window(&self) -> Duration {
        Duration::from_secs(self.window_seconds)
    }

    pub fn think(&self) -> Duration {
        Duration::from_millis(self.think_ms)
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout)
    }

    pub fn seconds(&self) -> Duration {
        Duration::from_secs(self.seconds)
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_defaults_add_8_users_every_2_seconds_under_mattermost_thresholds() {
        let args = RampArgs::embedded(4, 8, 2, 2_000);
        assert_eq!((args.guilds, args.channels, args.seed_messages, args.think_ms), (4, 5, 100, 5_000));
        assert_eq!((args.step_users, args.step(), args.window()), (8, Duration::from_secs(2), Duration::from_secs(10)));
        assert_eq!((args.max_error_pct, args.max_mean_ms, args.max_p99_ms), (0.025, 100.0, 2_000.0));
        let over = ["accord-bench", "ramp", "--embedded", "--max-users", "5001"];
        assert!(Cli::try_parse_from(over).is_err(), "--max-users is capped");
    }
}
