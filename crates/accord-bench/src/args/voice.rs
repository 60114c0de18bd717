//! The voice scenario's command line.

use std::time::Duration;

use clap::{Args, Parser};

use super::{Cli, Scenario, TargetArgs};

#[derive(Debug, Clone, Args)]
pub struct VoiceArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// With `--url`: the server's process id, to report its CPU time from `/proc/<pid>/stat`.
    /// (With `--embedded` the server runs on threads of its own, whose CPU time the bench reads
    /// apart from its clients'.)
    #[arg(long, requires = "url", conflicts_with_all = ["embedded", "cluster"])]
    pub server_pid: Option<u32>,
    /// Voice channels, each with its own participants (with `--find-max`: the first step's).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    pub channels: u32,
    /// Participants (one user each) per channel; each sends audio and receives the others'.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(2..=100))]
    pub peers: u32,
    /// Seconds every participant sends audio for, one frame every 20 ms.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub seconds: u64,
    /// Bytes per audio frame (an Opus frame of 20 ms is typically 60 to 120).
    #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u32).range(24..=1_000))]
    pub frame_bytes: u32,
    /// Every participant sends at the same instant of each 20 ms tick (the worst-case burst),
    /// instead of the participants spread over ten 2 ms slots as unaligned clocks would be.
    #[arg(long)]
    pub aligned: bool,
    /// Registrations, joins and media connections in flight at once during setup.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub setup_concurrency: u32,
    /// How long every participant may wait for its last frames after the last send, in seconds.
    #[arg(long, default_value_t = 3)]
    pub drain: u64,
    /// The whole run (with `--find-max`: each step), setup included, ends within this many seconds.
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
    /// Step the channel count up from `--channels` (doubling, then halving the gap) until the
    /// server's CPU, the losses or the p99 latency cross their limits; report the most
    /// participants that stayed within all three.
    #[arg(long)]
    pub find_max: bool,
    /// With `--find-max`: steps at most.
    #[arg(long, default_value_t = 10, requires = "find_max", value_parser = clap::value_parser!(u32).range(1..=30))]
    pub max_steps: u32,
    /// With `--find-max`: channels at most.
    #[arg(long, default_value_t = 256, requires = "find_max", value_parser = clap::value_parser!(u32).range(1..=1_000))]
    pub max_channels: u32,
    /// With `--find-max`: the limit on the server's CPU, in cores.
    #[arg(long, default_value_t = 1.0, requires = "find_max")]
    pub max_cores: f64,
    /// With `--find-max`: the limit on lost frames, in percent of those expected.
    #[arg(long, default_value_t = 1.0, requires = "find_max")]
    pub max_loss_pct: f64,
    /// With `--find-max`: the limit on the send-to-receive p99 latency, in milliseconds.
    #[arg(long, default_value_t = 50.0, requires = "find_max")]
    pub max_p99_ms: f64,
}

impl VoiceArgs {
    /// Parameters for a run against an embedded server (tests and examples).
    pub fn embedded(channels: u32, peers: u32, seconds: u64) -> Self {
        let cli = Cli::parse_from([
            "accord-bench",
            "voice",
            "--embedded",
            "--channels",
            &channels.to_string(),
            "--peers",
            &peers.to_string(),
            "--seconds",
            &seconds.to_string(),
        ]);
        let Scenario::Voice(args) = cli.scenario else { unreachable!("parsed as voice") };
        args
    }

    /// Frames each participant sends: one per 20 ms.
    pub fn frames(&self) -> u32 {
        u32::try_from(self.seconds * 50).unwrap_or(u32::MAX)
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }

    pub fn drain(&self) -> Duration {
        Duration::from_secs(self.drain)
    }
}
