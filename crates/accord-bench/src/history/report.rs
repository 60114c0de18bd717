//! What `post` and `history` measured, as text and JSON.

use std::time::Duration;

use serde_json::{Value, json};

use super::post::Written;
use super::read::Reads;
use super::verify::Verified;
use crate::args::{HistoryArgs, WriteArgs};
use crate::cpu::cores;
use crate::report::Report;
use crate::stats::{per_second, percentile};
use crate::target::Target;

fn ms(samples: &[u64], p: f64) -> Option<f64> {
    percentile(samples, p).map(|us| (us as f64 / 10.0).round() / 100.0)
}

fn ms_text(samples: &[u64], p: f64) -> String {
    ms(samples, p).map_or_else(|| "-".into(), |v| format!("{v} ms"))
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn cores_text(cores: Option<f64>, scope: &str) -> String {
    cores.map_or_else(|| format!("not measured ({scope})"), |c| format!("{c:.2} cores ({scope})"))
}

/// What a read phase measured, the same in `history` and `limits http`.
impl Reads {
    pub fn reads_per_sec(&self) -> f64 {
        per_second(self.reads, self.elapsed)
    }

    pub fn bytes_per_page(&self) -> u64 {
        self.bytes.checked_div(self.reads).unwrap_or(0)
    }

    /// The reads' JSON fields; a report adds its own around them.
    pub fn to_json(&self, sample_every: u64) -> serde_json::Map<String, Value> {
        let fields = json!({
            "reads": self.reads,
            "errors": self.errors,
            "first_error": self.first_error,
            "read_s": round(self.elapsed.as_secs_f64()),
            "reads_per_s": round(self.reads_per_sec()),
            "bytes_per_s": per_second(self.bytes, self.elapsed).round(),
            "bytes_per_page": self.bytes_per_page(),
            "latency_ms": {
                "p50": ms(&self.latencies_us, 50.0),
                "p99": ms(&self.latencies_us, 99.0),
                "max": ms(&self.latencies_us, 100.0),
                "samples": self.latencies_us.len(),
            },
            "sampled_pages": {
                "every": sample_every, "checked": self.sampled, "invalid": self.invalid,
                "first_invalid": self.first_invalid,
            },
        });
        match fields {
            Value::Object(fields) => fields,
            _ => unreachable!("json! of an object literal is an object"),
        }
    }

    /// The reads, latency and checked lines, each after `indent`.
    pub fn to_text(&self, sample_every: u64, indent: &str) -> String {
        let error = self.first_error.as_ref().map_or_else(String::new, |e| format!(" (first: {e})"));
        let invalid = self.first_invalid.as_ref().map_or_else(String::new, |e| format!(" (first: {e})"));
        let mb_per_sec = per_second(self.bytes, self.elapsed) / 1e6;
        format!(
            "{indent}reads:      {} pages, {} errors{error} in {:.2} s = {:.0} reads/s, {mb_per_sec:.1} MB/s ({} bytes per page)\n\
             {indent}latency:    p50 {}, p99 {}, max {}\n\
             {indent}checked:    {} sampled pages (every {sample_every}th of a reader), {} invalid{invalid}",
            self.reads,
            self.errors,
            self.elapsed.as_secs_f64(),
            self.reads_per_sec(),
            self.bytes_per_page(),
            ms_text(&self.latencies_us, 50.0),
            ms_text(&self.latencies_us, 99.0),
            ms_text(&self.latencies_us, 100.0),
            self.sampled,
            self.invalid,
        )
    }
}

fn clients_text(cores: Option<f64>) -> String {
    cores.map_or_else(String::new, |c| format!("; clients and bench {c:.2} cores"))
}

/// A `post` run, or the seeding of a `history` run.
#[derive(Debug, Clone, Default)]
pub struct PostReport {
    /// `embedded` or the target URL.
    pub target: String,
    pub writers: u32,
    pub concurrency: u32,
    pub content_bytes: u32,
    /// Messages asked for.
    pub messages: u64,
    /// Registering the users, making the guild, joining it.
    pub setup: Duration,
    pub written: Written,
    /// Whose CPU time the server's is.
    pub cpu_scope: String,
    /// The history check, when one was made.
    pub verified: Option<Verified>,
}

impl PostReport {
    pub fn new(
        target: &Target,
        write: &WriteArgs,
        messages: u64,
        setup: Duration,
        written: Written,
        verified: Option<Verified>,
    ) -> Self {
        Self {
            target: target.name.clone(),
            writers: write.writers,
            concurrency: write.concurrency,
            content_bytes: write.content_bytes,
            messages,
            setup,
            written,
            cpu_scope: target.cpu_scope.describe(),
            verified,
        }
    }

    pub fn messages_per_sec(&self) -> f64 {
        per_second(self.written.accepted, self.written.elapsed)
    }

    pub fn server_cores(&self) -> Option<f64> {
        self.written.server_cpu_ns.map(|ns| cores(ns, self.written.elapsed))
    }

    pub fn clients_cores(&self) -> Option<f64> {
        self.written.clients_cpu_ns.map(|ns| cores(ns, self.written.elapsed))
    }
}

impl Report for PostReport {
    fn to_json(&self) -> Value {
        let w = &self.written;
        json!({
            "scenario": "post",
            "target": self.target,
            "writers": self.writers,
            "concurrency": self.concurrency,
            "content_bytes": self.content_bytes,
            "messages": self.messages,
            "setup_s": round(self.setup.as_secs_f64()),
            "accepted": w.accepted,
            "failed": w.failed,
            "first_failure": w.first_failure,
            "post_s": round(w.elapsed.as_secs_f64()),
            "messages_per_s": round(self.messages_per_sec()),
            "latency_ms": {
                "p50": ms(&w.latencies_us, 50.0),
                "p99": ms(&w.latencies_us, 99.0),
                "max": ms(&w.latencies_us, 100.0),
                "samples": w.latencies_us.len(),
            },
            "server_cores": self.server_cores().map(round),
            "clients_cores": self.clients_cores().map(round),
            "cpu_scope": self.cpu_scope,
            "verified": self.verified.as_ref().map(|v| json!({
                "method": v.method, "ok": v.ok, "checked": v.checked, "detail": v.detail,
            })),
        })
    }

    fn to_text(&self) -> String {
        let w = &self.written;
        let failure = w.first_failure.as_ref().map_or_else(String::new, |f| format!(" (first: {f})"));
        let verified = self.verified.as_ref().map_or_else(
            || "not checked through REST (the sampled reads compare pages with the acks)".into(),
            |v| format!("{} ({}): {}", if v.ok { "ok" } else { "FAILED" }, v.method, v.detail),
        );
        format!(
            "post: {} writers, {} requests in flight, {}-byte messages, against {}\n  \
             setup:      {} users registered, guild made and joined in {:.2} s\n  \
             POST:       {} accepted, {} failed{failure} of {} asked in {:.2} s = {:.0} messages/s\n  \
             latency:    p50 {}, p99 {}, max {}\n  \
             server CPU: {}{}\n  \
             history:    {verified}",
            self.writers,
            self.concurrency,
            self.content_bytes,
            self.target,
            self.writers + 1,
            self.setup.as_secs_f64(),
            w.accepted,
            w.failed,
            self.messages,
            w.elapsed.as_secs_f64(),
            self.messages_per_sec(),
            ms_text(&w.latencies_us, 50.0),
            ms_text(&w.latencies_us, 99.0),
            ms_text(&w.latencies_us, 100.0),
            cores_text(self.server_cores(), &self.cpu_scope),
            clients_text(self.clients_cores()),
        )
    }
}

/// A `history` run: its seeding, then its reads.
#[derive(Debug, Clone, Default)]
pub struct HistoryReport {
    pub seed: PostReport,
    pub readers: u32,
    pub page: u32,
    pub newest_pct: u32,
    pub sample_every: u64,
    pub reads: Reads,
}

impl HistoryReport {
    pub fn new(args: &HistoryArgs, seed: PostReport, reads: Reads) -> Self {
        Self {
            seed,
            readers: args.read.readers,
            page: args.read.page,
            newest_pct: args.read.newest_pct,
            sample_every: args.read.sample_every,
            reads,
        }
    }

    pub fn reads_per_sec(&self) -> f64 {
        self.reads.reads_per_sec()
    }

    pub fn server_cores(&self) -> Option<f64> {
        self.reads.server_cpu_ns.map(|ns| cores(ns, self.reads.elapsed))
    }

    pub fn clients_cores(&self) -> Option<f64> {
        self.reads.clients_cpu_ns.map(|ns| cores(ns, self.reads.elapsed))
    }
}

impl Report for HistoryReport {
    fn to_json(&self) -> Value {
        let mut seed = self.seed.to_json();
        if let Some(seed) = seed.as_object_mut() {
            seed.remove("scenario");
        }
        let mut fields = json!({
            "scenario": "history",
            "seed": seed,
            "readers": self.readers,
            "page": self.page,
            "newest_pct": self.newest_pct,
            "server_cores": self.server_cores().map(round),
            "clients_cores": self.clients_cores().map(round),
            "cpu_scope": self.seed.cpu_scope,
        });
        if let Some(fields) = fields.as_object_mut() {
            fields.extend(self.reads.to_json(self.sample_every));
        }
        fields
    }

    fn to_text(&self) -> String {
        format!(
            "history (S6): {} readers, {} messages per page, {}% newest pages, over {} seeded messages\n\
             seeding {}\n\
             {}\n  \
             server CPU: {}{}",
            self.readers,
            self.page,
            self.newest_pct,
            self.seed.written.accepted,
            self.seed.to_text(),
            self.reads.to_text(self.sample_every, "  "),
            cores_text(self.server_cores(), &self.seed.cpu_scope),
            clients_text(self.clients_cores()),
        )
    }
}
