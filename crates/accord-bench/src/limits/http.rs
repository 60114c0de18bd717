//! `limits http`: Accord's history reads without Accord. A bare axum server on two threads of
//! its own answers `history`'s read phase (the same readers, [`crate::history::read`]) from two
//! sources, one after the other, each for `--seconds` with readers of its own:
//!
//! - `static`: one page serialised before the run, answered as a clone of the same bytes; the
//!   readers ask only for the newest page, which it is. What HTTP alone allows.
//! - `sqlite`: `--messages` messages, each pre-rendered as Accord's JSON, in a SQLite table in
//!   a temporary directory, with the embedded store's settings; each request runs one
//!   statement that joins the page's rows into one JSON array, on sqlx (Accord's driver).
//!   What HTTP plus SQLite through sqlx allow.
//! - `sqlite-inline`: the same table and statements through rusqlite, run on the thread that
//!   handles the request ([`inline`]). What HTTP plus SQLite allow without a thread hand-off.
//!
//! Accord's `history` reads/s over the `sqlite` source's is how close Accord comes to the
//! machine's best. The server's CPU (its threads and its SQLite connections') is read apart
//! from the clients'. Everything runs under `--timeout`.
//!
//! Parts: [`server`], [`pages`] (the messages and their table), [`report`].

pub mod inline;
pub mod pages;
pub mod report;
pub mod server;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use axum::body::Bytes;

pub use report::{HttpLimitsReport, Pass};

use crate::args::{HttpLimitsArgs, ReadArgs};
use crate::history::read::{Channel, Reads, read_at};
use crate::setup::by;
use server::{Server, Source};

/// Time kept from `--timeout` beyond the passes' reads, for seeding and stopping the servers.
const MARGIN: Duration = Duration::from_secs(20);
/// How long a server may take to stop.
const STOP: Duration = Duration::from_secs(10);
/// The readers' token: the bare server checks none, but the readers send one as to Accord.
const TOKEN: &str = "limits-http";

/// Runs the `static` pass, seeds the database, runs the `sqlite` and `sqlite-inline` passes.
pub async fn run(args: &HttpLimitsArgs) -> anyhow::Result<HttpLimitsReport> {
    ensure!(
        args.timeout() >= args.read.seconds() * 3 + MARGIN,
        "--timeout {} leaves no time for three passes of {} s",
        args.timeout,
        args.read.seconds
    );
    let deadline = tokio::time::Instant::now() + args.timeout();
    let ids: Vec<u64> = (0..args.messages).map(pages::id).collect();
    let mut report = HttpLimitsReport::new(args);

    let newest = ReadArgs { newest_pct: 100, ..args.read.clone() };
    let page = Bytes::from(pages::newest_page(args.messages, args.read.page));
    let source = Source::Static { page, limit: args.read.page };
    let reads = pass(source, ids.clone(), &newest, deadline).await.context("the static source")?;
    report.passes.push(Pass {
        source: "static",
        what: "one page serialised before the run, the same bytes for every request".into(),
        newest_pct: newest.newest_pct,
        reads,
    });

    let dir = tempfile::tempdir().context("temporary directory")?;
    report.dir = dir.path().display().to_string();
    let path = dir.path().join("limits-http.db");
    let pool = by(deadline, "opening the database", pages::open(&path)).await??;
    let sqlite_reads = async {
        report.sqlite_version = sqlx::query_scalar("SELECT sqlite_version()").fetch_one(&pool).await?;
        // Read back rather than assumed: what the connections really run with.
        let journal: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&pool).await?;
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&pool).await?;
        report.pragmas = format!("journal_mode={journal} synchronous={synchronous}");
        let seeding = Instant::now();
        by(deadline, "seeding", pages::seed(&pool, args.messages)).await?.context("seeding")?;
        report.seed = seeding.elapsed();
        let connections = pages::Connections::open(&path).await?;
        pass(Source::Sqlite(Arc::new(connections)), ids.clone(), &args.read, deadline)
            .await
            .context("the sqlite source")
    }
    .await;
    pool.close().await;
    report.passes.push(Pass {
        source: "sqlite",
        what: format!(
            "one statement per request through sqlx on {} connections taken in turn, pre-rendered messages joined",
            pages::CONNECTIONS
        ),
        newest_pct: args.read.newest_pct,
        reads: sqlite_reads?,
    });
    let source = Source::SqliteInline(Arc::new(path));
    let reads = pass(source, ids, &args.read, deadline).await.context("the sqlite-inline source")?;
    report.passes.push(Pass {
        source: "sqlite-inline",
        what: "the same statements through rusqlite, on each server thread's own connection, no hand-off".into(),
        newest_pct: args.read.newest_pct,
        reads,
    });
    Ok(report)
}

/// Starts a server on `source`, reads it as `history` reads Accord, stops it.
async fn pass(source: Source, ids: Vec<u64>, read: &ReadArgs, deadline: tokio::time::Instant) -> anyhow::Result<Reads> {
    let server = Server::start(source)?;
    let channel = Channel { url: server.messages_url(pages::CHANNEL), tokens: vec![TOKEN.into()], ids };
    let reads = read_at(channel, read, deadline, server::cpu_ns).await;
    server.stop(STOP).await?;
    let mut reads = reads?;
    // The server runs on threads of its own: the rest of the process is the clients and bench.
    reads.clients_cpu_ns =
        reads.process_cpu_ns.zip(reads.server_cpu_ns).map(|(all, server)| all.saturating_sub(server));
    Ok(reads)
}
