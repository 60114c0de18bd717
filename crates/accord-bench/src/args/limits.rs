//! The `limits` scenarios' command line: the same work as Accord's, done by bare programs in
//! this process, to show what the machine allows at best. `limits http` reads with `history`'s
//! readers ([`ReadArgs`]).

use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use super::{Cli, ReadArgs, Scenario};

/// Which bare program to run.
#[derive(Debug, Clone, Subcommand)]
pub enum LimitsKind {
    /// A bare tokio-tungstenite server on two threads of its own writes M pre-serialised
    /// MESSAGE_CREATE frames to N connections held by clients in this process: delivered
    /// frames/s, latency, the server's CPU, memory per idle connection.
    Ws(WsLimitsArgs),
    /// A bare SQLite insert loop with Accord's durability settings (WAL, synchronous = FULL),
    /// one transaction per batch, for each batch size: rows/s and commit latency.
    Sqlite(SqliteLimitsArgs),
    /// A bare axum server on two threads of its own answers `history`'s page reads, first with
    /// one pre-serialised page (the newest, which every read of that pass asks for), then from
    /// a SQLite table of pre-rendered messages through sqlx, then from the same table through
    /// rusqlite on the request's own thread: reads/s, latency, bytes/s, the server's CPU per page.
    Http(HttpLimitsArgs),
}

#[derive(Debug, Clone, Args)]
pub struct WsLimitsArgs {
    /// Connections; both ends live in this process, which may hold at most 20,000 open files.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=5_000))]
    pub connections: u32,
    /// Messages written to every connection (after one probe message sent alone).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub messages: u32,
    /// Messages per second to broadcast; 0 broadcasts them back to back.
    #[arg(long, default_value_t = 0)]
    pub rate: u32,
    /// Size of each text frame's JSON payload, in bytes (a MESSAGE_CREATE dispatch of a short
    /// message in a guild is about 700).
    #[arg(long, default_value_t = 700, value_parser = clap::value_parser!(u32).range(600..=16_384))]
    pub frame_bytes: u32,
    /// Connections opened at once while connecting.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub connect_concurrency: u32,
    /// How long every connection may wait for its last frame after the last broadcast, in seconds.
    #[arg(long, default_value_t = 10)]
    pub drain: u64,
    /// The whole run ends within this many seconds.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
}

/// Deliveries (connections × messages) a run may record latencies for, to bound its memory.
pub const MAX_DELIVERIES: u64 = 10_000_000;

impl WsLimitsArgs {
    /// Parameters for a small run (tests and examples).
    pub fn small(connections: u32, messages: u32) -> Self {
        let cli = Cli::parse_from([
            "accord-bench",
            "limits",
            "ws",
            "--connections",
            &connections.to_string(),
            "--messages",
            &messages.to_string(),
        ]);
        let Scenario::Limits(LimitsKind::Ws(args)) = cli.scenario else { unreachable!("parsed as limits ws") };
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
pub struct SqliteLimitsArgs {
    /// Rows per transaction, one pass each on a fresh database.
    #[arg(long, value_delimiter = ',', default_value = "1,10,100,1000", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub batch_sizes: Vec<u32>,
    /// Transactions per batch size (so batch size 1 inserts this many rows and batch size
    /// 1000 a thousand times more), unless `--seconds` ends the pass first.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub transactions: u64,
    /// Seconds each batch size's pass may last at most.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub seconds: u64,
    /// Bytes of each row's `content`.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=4_000))]
    pub content_bytes: u32,
}

impl SqliteLimitsArgs {
    /// Parameters for a small run (tests and examples).
    pub fn small(transactions: u64, batch_sizes: &[u32]) -> Self {
        let sizes = batch_sizes.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        let cli = Cli::parse_from([
            "accord-bench",
            "limits",
            "sqlite",
            "--transactions",
            &transactions.to_string(),
            "--batch-sizes",
            &sizes,
        ]);
        let Scenario::Limits(LimitsKind::Sqlite(args)) = cli.scenario else { unreachable!("parsed as limits sqlite") };
        args
    }

    pub fn seconds(&self) -> Duration {
        Duration::from_secs(self.seconds)
    }
}

#[derive(Debug, Clone, Args)]
pub struct HttpLimitsArgs {
    /// Messages in the `sqlite` source's table (about 640 bytes of JSON each, so at most
    /// 1.3 GB of database), and ids the readers pick `before` from.
    #[arg(long, default_value_t = 50_000, value_parser = clap::value_parser!(u64).range(1..=2_000_000))]
    pub messages: u64,
    /// The readers, as `history` has them; each source is read for `--seconds`.
    #[command(flatten)]
    pub read: ReadArgs,
    /// The whole run, seeding and every source included, ends within this many seconds; it
    /// must leave 20 s beyond the three sources' reads.
    #[arg(long, default_value_t = 300)]
    pub timeout: u64,
}

impl HttpLimitsArgs {
    /// Parameters for a small run (tests and examples).
    pub fn small(messages: u64, seconds: u64) -> Self {
        let cli = Cli::parse_from([
            "accord-bench",
            "limits",
            "http",
            "--messages",
            &messages.to_string(),
            "--seconds",
            &seconds.to_string(),
        ]);
        let Scenario::Limits(LimitsKind::Http(args)) = cli.scenario else { unreachable!("parsed as limits http") };
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
    fn limits_default_to_1000_connections_and_four_batch_sizes() {
        let ws = WsLimitsArgs::small(1000, 200);
        assert_eq!((ws.connections, ws.messages, ws.frame_bytes, ws.rate), (1000, 200, 700, 0));
        let cli = Cli::try_parse_from(["accord-bench", "limits", "sqlite"]).expect("parses");
        let Scenario::Limits(LimitsKind::Sqlite(sqlite)) = cli.scenario else { panic!("not limits sqlite") };
        assert_eq!((sqlite.batch_sizes, sqlite.transactions, sqlite.seconds), (vec![1, 10, 100, 1000], 2000, 5));
        assert_eq!(SqliteLimitsArgs::small(50, &[1, 10]).batch_sizes, vec![1, 10]);
        assert!(Cli::try_parse_from(["accord-bench", "limits", "ws", "--connections", "5001"]).is_err());
        assert!(Cli::try_parse_from(["accord-bench", "limits"]).is_err(), "a kind is required");
        let http = HttpLimitsArgs::small(50_000, 30);
        assert_eq!((http.messages, http.read.readers, http.read.page, http.read.newest_pct), (50_000, 32, 50, 10));
        assert!(Cli::try_parse_from(["accord-bench", "limits", "http", "--messages", "2000001"]).is_err());
    }
}
