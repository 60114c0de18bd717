//! The command line. Each scenario's arguments are also its parameters, so tests build them
//! directly.

mod burst;
mod chat;
mod history;
mod idle;
mod limits;
mod ramp;
mod slow;
mod voice;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use burst::BurstArgs;
pub use chat::ChatArgs;
pub use history::{HistoryArgs, PostArgs, ReadArgs, WriteArgs};
pub use idle::{IdleArgs, IdleWorkerArgs};
pub use limits::{HttpLimitsArgs, LimitsKind, MAX_DELIVERIES, SqliteLimitsArgs, WsLimitsArgs};
pub use ramp::RampArgs;
pub use slow::SlowArgs;
pub use voice::VoiceArgs;

#[derive(Debug, Parser)]
#[command(name = "accord-bench", about = "Load generators for Accord (loopback only)", version)]
pub struct Cli {
    #[command(subcommand)]
    pub scenario: Scenario,
    /// The results folder: a run writes `<results>/<label>/` with report.txt, report.json and
    /// PNG plots; `docs` reads it.
    #[arg(long, global = true, default_value = "bench-results")]
    pub results: PathBuf,
    /// The run's folder in the results folder (the scenario's name unless given); a run
    /// replaces the folder of its label.
    #[arg(long, global = true, value_parser = crate::results::parse_label)]
    pub label: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Scenario {
    /// N gateway sessions identify in one guild; one sender posts M messages; every session
    /// should receive every MESSAGE_CREATE.
    Fanout(FanoutArgs),
    /// One actor and N watchers in one guild; the actor changes its presence M times in bursts
    /// of K; every watcher should get one PRESENCE_UPDATE per burst (changes coalesce).
    Presence(PresenceArgs),
    /// K voice channels of N participants each; every participant sends an audio frame every
    /// 20 ms and should receive every frame of the other N-1 through the SFU.
    Voice(VoiceArgs),
    /// S1: N sessions identify at a ramp rate and stay connected, heartbeating, for the hold;
    /// the server's memory per session, heartbeat-ACK latency and unexpected closes.
    Idle(IdleArgs),
    /// S2: S sessions in G guilds; W writers post at a total rate R with nonces while some
    /// sessions drop and resume; every message must arrive once, in each writer's order, and
    /// be in history.
    Chat(ChatArgs),
    /// S3: simulated users (read history, switch channels, post, react, type, reconnect) are
    /// added step by step until a window breaks an error or latency threshold; the most users
    /// the server supported within them.
    Ramp(RampArgs),
    /// S5: one guild with M online sessions (in worker processes); one message at a time; how
    /// long until the last session has it.
    Burst(BurstArgs),
    /// S4: N sessions read while K sessions of the same guild stop reading; the server's
    /// memory must stay bounded and the readers unaffected.
    Slow(SlowArgs),
    /// One worker process of `idle` (started by it).
    #[command(hide = true)]
    IdleWorker(IdleWorkerArgs),
    /// What the machine does at best on Accord's work, without Accord: a bare WebSocket
    /// fan-out (`limits ws`), a bare SQLite insert loop (`limits sqlite`) and a bare HTTP
    /// server answering history pages (`limits http`).
    #[command(subcommand)]
    Limits(LimitsKind),
    /// W writers POST M messages to one channel with C requests in flight: POST throughput and
    /// latency, then the channel's history is checked against the accepted messages.
    Post(PostArgs),
    /// S6: a channel seeded with M messages is read by R readers, a page before a random
    /// point of its history at a time: reads/s, latency, bytes/s and the server's CPU.
    History(HistoryArgs),
    /// Rewrites the `<!-- bench:LABEL -->` … `<!-- /bench:LABEL -->` blocks of a Markdown file
    /// with the saved run of each label in the results folder: its command, text and plots.
    Docs(DocsArgs),
}

impl Scenario {
    /// The name a run is saved under unless `--label` says otherwise.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Fanout(_) => "fanout",
            Self::Presence(_) => "presence",
            Self::Voice(args) if args.find_max => "voice-find-max",
            Self::Voice(_) => "voice",
            Self::Idle(_) => "idle",
            Self::Chat(_) => "chat",
            Self::Burst(_) => "burst",
            Self::Slow(_) => "slow",
            Self::IdleWorker(_) => "idle-worker",
            Self::Limits(LimitsKind::Ws(_)) => "limits-ws",
            Self::Limits(LimitsKind::Sqlite(_)) => "limits-sqlite",
            Self::Limits(LimitsKind::Http(_)) => "limits-http",
            Self::Post(_) => "post",
            Self::History(_) => "history",
            Self::Ramp(_) => "ramp",
            Self::Docs(_) => "docs",
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct DocsArgs {
    /// The Markdown file to update in place.
    #[arg(long, default_value = "docs/performance.md")]
    pub file: PathBuf,
}

/// Where the server under test is.
#[derive(Debug, Clone, Args)]
#[group(required = true, multiple = false)]
pub struct TargetArgs {
    /// A running server, e.g. `http://127.0.0.1:8080`. It must allow N+1 registrations
    /// (`edge.auth_attempts_per_minute`) and the run's requests and messages
    /// (`edge.api_requests_per_minute`, `edge.messages_per_10_seconds`), and should use a low
    /// Argon2 cost.
    #[arg(long)]
    pub url: Option<String>,
    /// Start Accord in this process on 127.0.0.1:0 with a temporary data directory, a low
    /// Argon2 cost and no registration limit.
    #[arg(long)]
    pub embedded: bool,
    /// Start Accord as a cluster of `accord serve` processes (the `accord` binary beside this
    /// one) on the PostgreSQL, NATS and Redis that `scripts/services` names in
    /// `ACCORD_TEST_POSTGRES_URL`, `ACCORD_TEST_NATS_URL` and `ACCORD_TEST_REDIS_URL` (their
    /// defaults otherwise), with a fresh database, and the embedded target's settings.
    #[arg(long, value_enum)]
    pub cluster: Option<crate::target::Layout>,
}

/// Gateway compression the sessions ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Compress {
    None,
    ZlibStream,
    ZstdStream,
}

impl Compress {
    /// The gateway URL's query suffix.
    pub fn query(self) -> &'static str {
        match self {
            Self::None => "",
            Self::ZlibStream => "&compress=zlib-stream",
            Self::ZstdStream => "&compress=zstd-stream",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::ZlibStream => "zlib-stream",
            Self::ZstdStream => "zstd-stream",
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct FanoutArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// With `--url`: the server's process id, to report its RSS per session from
    /// `/proc/<pid>/status`. (With `--embedded` the bench reads its own RSS.)
    #[arg(long, requires = "url", conflicts_with_all = ["embedded", "cluster"])]
    pub server_pid: Option<u32>,
    /// Gateway sessions (one user each) in the guild.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub sessions: u32,
    /// Messages the sender posts.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub messages: u32,
    /// Messages per second to post; 0 posts as fast as `--send-concurrency` allows.
    #[arg(long, default_value_t = 0)]
    pub rate: u32,
    /// POSTs in flight at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub send_concurrency: u32,
    /// Registrations, joins and gateway connections in flight at once during setup.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub setup_concurrency: u32,
    /// Gateway compression the sessions ask for.
    #[arg(long, value_enum, default_value_t = Compress::None)]
    pub compress: Compress,
    /// How long every session may wait for its last message after the last POST, in seconds.
    #[arg(long, default_value_t = 10)]
    pub drain: u64,
    /// The whole run, setup included, ends within this many seconds.
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
}

impl FanoutArgs {
    /// Parameters for a run against an embedded server (tests and examples).
    pub fn embedded(sessions: u32, messages: u32) -> Self {
        let cli = Cli::parse_from([
            "accord-bench",
            "fanout",
            "--embedded",
            "--sessions",
            &sessions.to_string(),
            "--messages",
            &messages.to_string(),
        ]);
        let Scenario::Fanout(args) = cli.scenario else { unreachable!("parsed as fanout") };
        args
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }

    pub fn drain(&self) -> Duration {
        Duration::from_secs(self.drain)
    }
}

#[derive(Debug, Clone, Args)]
pub struct PresenceArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Gateway sessions (one user each) that watch the actor's presence.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub watchers: u32,
    /// Presence changes (op 3) the actor sends.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub changes: u32,
    /// Changes sent back to back in one burst.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub burst: u32,
    /// Pause after each burst, in milliseconds; longer than the gateway's 250 ms coalescing
    /// window, so each burst makes its own update.
    #[arg(long, default_value_t = 500)]
    pub pause_ms: u64,
    /// Op 3 changes one actor session sends before the actor moves to a fresh session (the
    /// gateway closes a connection that sends more than 120 payloads in 60 s).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=110))]
    pub changes_per_session: u32,
    /// The status the watchers identify with; `invisible` watchers publish no presence of
    /// their own (no N×N updates while they connect).
    #[arg(long, default_value = "online", value_parser = ["online", "idle", "dnd", "invisible"])]
    pub watcher_status: String,
    /// Registrations, joins and gateway connections in flight at once during setup.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub setup_concurrency: u32,
    /// How long every watcher may wait for the last update after the last change, in seconds.
    #[arg(long, default_value_t = 10)]
    pub drain: u64,
    /// The whole run, setup included, ends within this many seconds.
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
}

impl PresenceArgs {
    /// Parameters for a run against an embedded server (tests and examples).
    pub fn embedded(watchers: u32, changes: u32, burst: u32) -> Self {
        let cli = Cli::parse_from([
            "accord-bench",
            "presence",
            "--embedded",
            "--watchers",
            &watchers.to_string(),
            "--changes",
            &changes.to_string(),
            "--burst",
            &burst.to_string(),
        ]);
        let Scenario::Presence(args) = cli.scenario else { unreachable!("parsed as presence") };
        args
    }

    /// Bursts the changes make (the last may be shorter).
    pub fn bursts(&self) -> u32 {
        self.changes.div_ceil(self.burst)
    }

    pub fn pause(&self) -> Duration {
        Duration::from_millis(self.pause_ms)
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }

    pub fn drain(&self) -> Duration {
        Duration::from_secs(self.drain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_target_is_required_and_unique() {
        assert!(Cli::try_parse_from(["accord-bench", "fanout"]).is_err());
        assert!(Cli::try_parse_from(["accord-bench", "fanout", "--embedded", "--url", "http://x"]).is_err());
        let args = FanoutArgs::embedded(5, 7);
        assert!(args.target.embedded);
        assert_eq!((args.sessions, args.messages, args.compress), (5, 7, Compress::None));
    }

    #[test]
    fn presence_defaults_to_200_watchers_and_200_changes_in_bursts_of_5() {
        let cli = Cli::try_parse_from(["accord-bench", "presence", "--embedded"]).expect("parses");
        let Scenario::Presence(args) = cli.scenario else { panic!("not presence") };
        assert_eq!((args.watchers, args.changes, args.burst, args.pause_ms), (200, 200, 5, 500));
        assert_eq!((args.bursts(), args.watcher_status.as_str()), (40, "online"));
        assert_eq!(PresenceArgs::embedded(5, 21, 5).bursts(), 5, "a shorter last burst counts");
    }

    #[test]
    fn voice_defaults_to_3_channels_of_4_for_10_seconds() {
        let cli = Cli::try_parse_from(["accord-bench", "voice", "--embedded"]).expect("parses");
        let Scenario::Voice(args) = cli.scenario else { panic!("not voice") };
        assert_eq!((args.channels, args.peers, args.seconds, args.frames()), (3, 4, 10, 500));
        assert!(!args.find_max);
        let limits = ["accord-bench", "voice", "--embedded", "--max-cores", "2"];
        assert!(Cli::try_parse_from(limits).is_err(), "limits belong to --find-max");
        assert!(Cli::try_parse_from(["accord-bench", "voice", "--embedded", "--peers", "1"]).is_err());
        assert_eq!(VoiceArgs::embedded(1, 3, 1).frames(), 50);
    }

    #[test]
    fn a_server_pid_needs_a_url() {
        for scenario in ["idle", "chat", "burst", "slow", "post", "history", "ramp", "voice"] {
            let url = ["accord-bench", scenario, "--url", "http://127.0.0.1:1", "--server-pid", "1"];
            assert!(Cli::try_parse_from(url).is_ok(), "{scenario} with --url");
            let embedded = ["accord-bench", scenario, "--embedded", "--server-pid", "1"];
            assert!(Cli::try_parse_from(embedded).is_err(), "{scenario} with --embedded");
            let cluster = ["accord-bench", scenario, "--cluster", "single", "--server-pid", "1"];
            assert!(Cli::try_parse_from(cluster).is_err(), "{scenario} with --cluster");
        }
    }
}
