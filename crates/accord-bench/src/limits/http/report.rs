//! What a `limits http` run measured, per source, as text and JSON.

use std::fmt::Write;
use std::time::Duration;

use serde_json::{Value, json};

use super::server::{THREADS, WORKERS};
use crate::args::HttpLimitsArgs;
use crate::cpu::cores;
use crate::history::read::Reads;
use crate::report::Report;

/// One source's pass: its readers' reads.
#[derive(Debug, Clone, Default)]
pub struct Pass {
    /// `static`, `sqlite` or `sqlite-inline`.
    pub source: &'static str,
    /// What the source is, in a few words.
    pub what: String,
    /// Percent of reads that asked for the newest page.
    pub newest_pct: u32,
    pub reads: Reads,
}

impl Pass {
    pub fn reads_per_sec(&self) -> f64 {
        self.reads.reads_per_sec()
    }

    /// The server's threads' CPU over the pass, in cores.
    pub fn server_cores(&self) -> Option<f64> {
        self.reads.server_cpu_ns.map(|ns| cores(ns, self.reads.elapsed))
    }

    /// This whole process's (server, clients and bench).
    pub fn process_cores(&self) -> Option<f64> {
        self.reads.process_cpu_ns.map(|ns| cores(ns, self.reads.elapsed))
    }

    /// The server's CPU time per page answered, microseconds.
    pub fn server_cpu_us_per_page(&self) -> Option<f64> {
        let ns = self.reads.server_cpu_ns?;
        (self.reads.reads > 0).then(|| ns as f64 / self.reads.reads as f64 / 1000.0)
    }

    fn to_json(&self, sample_every: u64) -> Value {
        let round = |x: f64| (x * 100.0).round() / 100.0;
        let mut fields = json!({
            "source": self.source,
            "what": self.what,
            "newest_pct": self.newest_pct,
            "server_cores": self.server_cores().map(round),
            "process_cores": self.process_cores().map(round),
            "server_cpu_us_per_page": self.server_cpu_us_per_page().map(round),
        });
        if let Some(fields) = fields.as_object_mut() {
            fields.extend(self.reads.to_json(sample_every));
        }
        fields
    }

    fn to_text(&self, sample_every: u64) -> String {
        let cpu = |c: Option<f64>| c.map_or_else(|| "-".into(), |c| format!("{c:.2} cores"));
        let per_page = self.server_cpu_us_per_page().map_or_else(|| "-".into(), |us| format!("{us:.1} µs"));
        format!(
            "  {}: {}, {}% newest pages\n\
             {}\n    \
             CPU:        server {} (its threads), process {}; {per_page} of server CPU per page",
            self.source,
            self.what,
            self.newest_pct,
            self.reads.to_text(sample_every, "    "),
            cpu(self.server_cores()),
            cpu(self.process_cores()),
        )
    }
}

#[derive(Debug, Clone, Default)]
pub struct HttpLimitsReport {
    /// Messages seeded (and the ids the readers pick from).
    pub messages: u64,
    pub readers: u32,
    /// Messages per page asked for.
    pub page: u32,
    pub sample_every: u64,
    /// Seconds of reads per source.
    pub seconds: u64,
    pub sqlite_version: String,
    /// `journal_mode` and `synchronous` as the pool's connections report them (2 is FULL).
    pub pragmas: String,
    /// Where the database was (removed after the run).
    pub dir: String,
    /// Seeding the `sqlite` source's table.
    pub seed: Duration,
    pub passes: Vec<Pass>,
}

impl HttpLimitsReport {
    pub fn new(args: &HttpLimitsArgs) -> Self {
        Self {
            messages: args.messages,
            readers: args.read.readers,
            page: args.read.page,
            sample_every: args.read.sample_every,
            seconds: args.read.seconds,
            ..Self::default()
        }
    }

    /// The pass of `source`, if it ran.
    pub fn pass(&self, source: &str) -> Option<&Pass> {
        self.passes.iter().find(|pass| pass.source == source)
    }

    fn server() -> String {
        format!("axum, HTTP/1.1, {WORKERS} worker threads; no token check, rate limit or logging")
    }
}

impl Report for HttpLimitsReport {
    fn to_json(&self) -> Value {
        json!({
            "scenario": "limits-http",
            "server": Self::server(),
            "messages": self.messages,
            "readers": self.readers,
            "page": self.page,
            "seconds": self.seconds,
            "sample_every": self.sample_every,
            "sqlite_version": self.sqlite_version,
            "pragmas": self.pragmas,
            "dir": self.dir,
            "seed_s": (self.seed.as_secs_f64() * 100.0).round() / 100.0,
            "server_cpu_scope": format!("the server's threads and its SQLite connections', named {THREADS}*"),
            "passes": self.passes.iter().map(|pass| pass.to_json(self.sample_every)).collect::<Vec<_>>(),
        })
    }

    fn to_text(&self) -> String {
        let mut text = format!(
            "limits http: bare server ({}), {} readers with one request in flight, {} messages per page, \
             {} messages, {} s per source\n  \
             SQLite {} in {} ({}), seeded in {:.2} s\n",
            Self::server(),
            self.readers,
            self.page,
            self.messages,
            self.seconds,
            self.sqlite_version,
            self.dir,
            self.pragmas,
            self.seed.as_secs_f64(),
        );
        for pass in &self.passes {
            let _ = writeln!(text, "{}", pass.to_text(self.sample_every));
        }
        text.trim_end().to_owned()
    }
}
