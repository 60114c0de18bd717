//! The `post` and `history` scenarios' command line. Both write through the same writers
//! ([`WriteArgs`]): `post` measures that writing, `history` uses it to seed a channel and then
//! reads the channel back ([`ReadArgs`], which `limits http` reads with too).

use std::time::Duration;

use clap::{Args, Parser};

use super::{Cli, Scenario, TargetArgs};

/// Who writes, and how many requests are in flight (the rate limits a `--url` server must
/// allow are in `--writers`' help, where people read them).
#[derive(Debug, Clone, Args)]
pub struct WriteArgs {
    /// Writer users; each joins the guild and POSTs a share of the messages. With `--url` the
    /// server must allow W+1 registrations from this address (`edge.auth_attempts_per_minute`)
    /// and each writer's share of the load, since its limits count per caller:
    /// `edge.messages_per_10_seconds` (per caller and channel) the writer's messages,
    /// `edge.api_requests_per_minute` (over all routes) its messages plus, for `history`, its
    /// readers' pages (the readers use the writers' tokens in turn).
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    pub writers: u32,
    /// POSTs in flight at once, over all writers.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1_024))]
    pub concurrency: u32,
    /// Bytes of each message's content.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(16..=2_000))]
    pub content_bytes: u32,
    /// Registrations and joins in flight at once during setup.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub setup_concurrency: u32,
}

#[derive(Debug, Clone, Args)]
pub struct PostArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// With `--url`: the server's process id, for its CPU time from `/proc`. (With
    /// `--embedded` the server runs on threads of its own, read apart from the clients.)
    #[arg(long, requires = "url", conflicts_with_all = ["embedded", "cluster"])]
    pub server_pid: Option<u32>,
    #[command(flatten)]
    pub write: WriteArgs,
    /// Messages to POST, unless `--seconds` ends the run first.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub messages: u64,
    /// Seconds the POSTs may go on for (those in flight then still finish).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub seconds: u64,
    /// Page through the whole channel to compare it with the accepted messages when at most
    /// this many were accepted; above it, check the newest and oldest pages and a sample.
    #[arg(long, default_value_t = 200_000)]
    pub verify_max: u64,
    /// The whole run, setup and verification included, ends within this many seconds.
    #[arg(long, default_value_t = 600)]
    pub timeout: u64,
}

impl PostArgs {
    /// Parameters for a run against an embedded server (tests and examples).
    pub fn embedded(messages: u64) -> Self {
        let cli = Cli::parse_from(["accord-bench", "post", "--embedded", "--messages", &messages.to_string()]);
        let Scenario::Post(args) = cli.scenario else { unreachable!("parsed as post") };
        args
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }

    pub fn seconds(&self) -> Duration {
        Duration::from_secs(self.seconds)
    }
}

/// The readers of `history`'s read phase, also `limits http`'s: R readers with one request in
/// flight each, for `--seconds`, with a sample of their pages checked.
#[derive(Debug, Clone, Args)]
pub struct ReadArgs {
    /// Readers, each with one request in flight.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1_024))]
    pub readers: u32,
    /// Seconds the reads go on for.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub seconds: u64,
    /// Reads at most, over all readers.
    #[arg(long, default_value_t = 10_000_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub max_reads: u64,
    /// Messages per page (`limit`).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub page: u32,
    /// Percent of reads that ask for the newest page (no `before`).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub newest_pct: u32,
    /// Every this many reads of a reader, its page is parsed and checked against the seeded
    /// messages (the others only have their status checked and their bytes counted).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub sample_every: u64,
}

impl ReadArgs {
    pub fn seconds(&self) -> Duration {
        Duration::from_secs(self.seconds)
    }
}

#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// With `--url`: the server's process id, for its CPU time from `/proc`.
    #[arg(long, requires = "url", conflicts_with_all = ["embedded", "cluster"])]
    pub server_pid: Option<u32>,
    #[command(flatten)]
    pub write: WriteArgs,
    /// Messages to seed the channel with (all of them, within `--timeout`).
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub messages: u64,
    #[command(flatten)]
    pub read: ReadArgs,
    /// The whole run, seeding included, ends within this many seconds.
    #[arg(long, default_value_t = 1800)]
    pub timeout: u64,
}

impl HistoryArgs {
    /// Parameters for a run against an embedded server (tests and examples).
    pub fn embedded(messages: u64, seconds: u64) -> Self {
        let cli = Cli::parse_from([
            "accord-bench",
            "history",
            "--embedded",
            "--messages",
            &messages.to_string(),
            "--seconds",
            &seconds.to_string(),
        ]);
        let Scenario::History(args) = cli.scenario else { unreachable!("parsed as history") };
        args
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_and_history_defaults() {
        let post = PostArgs::embedded(100_000);
        assert_eq!((post.write.writers, post.write.concurrency, post.seconds), (16, 64, 60));
        let history = HistoryArgs::embedded(1_000_000, 30);
        let read = &history.read;
        assert_eq!((read.readers, read.page, read.newest_pct, read.sample_every), (32, 50, 10, 100));
        assert!(Cli::try_parse_from(["accord-bench", "history", "--embedded", "--page", "101"]).is_err());
    }
}
