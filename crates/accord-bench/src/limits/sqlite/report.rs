//! What a `limits sqlite` run measured, as a text table and JSON.

use std::fmt::Write;
use std::time::Duration;

use serde_json::{Value, json};

use crate::report::Report;
use crate::stats::{per_second, percentile};

/// One batch size's pass.
#[derive(Debug, Clone, Default)]
pub struct Pass {
    /// Rows per transaction.
    pub batch: u32,
    /// Rows inserted, and rows `SELECT COUNT(*)` found afterwards.
    pub rows: u64,
    pub counted: u64,
    pub elapsed: Duration,
    /// Each transaction from `BEGIN IMMEDIATE` to its commit returning, microseconds, sorted.
    pub transaction_us: Vec<u64>,
    /// Each `COMMIT` alone (where the fsyncs happen), microseconds, sorted.
    pub commit_us: Vec<u64>,
}

impl Pass {
    pub fn rows_per_sec(&self) -> f64 {
        per_second(self.rows, self.elapsed)
    }

    pub fn transactions(&self) -> u64 {
        self.commit_us.len() as u64
    }

    fn ms(samples: &[u64], p: f64) -> Option<f64> {
        percentile(samples, p).map(|us| (us as f64 / 10.0).round() / 100.0)
    }

    fn to_json(&self) -> Value {
        json!({
            "batch": self.batch,
            "transactions": self.transactions(),
            "rows": self.rows,
            "rows_counted": self.counted,
            "seconds": (self.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
            "rows_per_s": self.rows_per_sec().round(),
            "commit_ms": { "p50": Self::ms(&self.commit_us, 50.0), "p99": Self::ms(&self.commit_us, 99.0) },
            "transaction_ms": {
                "p50": Self::ms(&self.transaction_us, 50.0),
                "p99": Self::ms(&self.transaction_us, 99.0),
            },
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct SqliteLimitsReport {
    pub sqlite_version: String,
    /// `journal_mode` and `synchronous` as the connection reports them (2 is FULL).
    pub pragmas: String,
    /// Where the databases were (removed after the run).
    pub dir: String,
    pub passes: Vec<Pass>,
}

/// What every pass shares, said once in the text and the JSON.
const SETTINGS: &str = "sqlx, one connection, WAL, synchronous=FULL, BEGIN IMMEDIATE, one INSERT per row, \
    a fresh database per batch size";

impl Report for SqliteLimitsReport {
    fn to_json(&self) -> Value {
        json!({
            "scenario": "limits-sqlite",
            "sqlite_version": self.sqlite_version,
            "pragmas": self.pragmas,
            "dir": self.dir,
            "settings": SETTINGS,
            "passes": self.passes.iter().map(Pass::to_json).collect::<Vec<_>>(),
        })
    }

    fn to_text(&self) -> String {
        let ms = |v: Option<f64>| v.map_or_else(|| "-".into(), |v| format!("{v:.2}"));
        let mut text = format!(
            "limits sqlite: SQLite {} in {} ({SETTINGS}; {})\n  \
             {:>6} {:>8} {:>9} {:>9} {:>10} {:>11} {:>11} {:>9} {:>9}\n",
            self.sqlite_version,
            self.dir,
            self.pragmas,
            "batch",
            "txns",
            "rows",
            "counted",
            "rows/s",
            "commit p50",
            "commit p99",
            "txn p50",
            "txn p99",
        );
        for pass in &self.passes {
            let _ = writeln!(
                text,
                "  {:>6} {:>8} {:>9} {:>9} {:>10.0} {:>8} ms {:>8} ms {:>6} ms {:>6} ms",
                pass.batch,
                pass.transactions(),
                pass.rows,
                pass.counted,
                pass.rows_per_sec(),
                ms(Pass::ms(&pass.commit_us, 50.0)),
                ms(Pass::ms(&pass.commit_us, 99.0)),
                ms(Pass::ms(&pass.transaction_us, 50.0)),
                ms(Pass::ms(&pass.transaction_us, 99.0)),
            );
        }
        text.trim_end().to_owned()
    }
}
