//! The worker processes that hold sessions for the idle and burst scenarios: started with a
//! file of tokens each, they report on one JSON line when their sessions are open, wait for a
//! go-ahead line on standard input, hold, and report on a last line.

use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;

use anyhow::{Context, anyhow, ensure};
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout};

use super::{Held, Opened};
use crate::setup::by;

/// What every worker is told.
pub struct Orders {
    /// The executable to run workers with; `None` runs this one.
    pub exe: Option<PathBuf>,
    pub gateway: String,
    /// Sessions identifying per second, over all workers.
    pub ramp: u32,
    /// Seconds to hold after the go-ahead.
    pub hold: u64,
    /// The intents every session identifies with.
    pub intents: u64,
}

struct Worker {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
}

impl Worker {
    async fn line<T: serde::de::DeserializeOwned>(&mut self, what: &str) -> anyhow::Result<T> {
        let line = self.lines.next_line().await?.with_context(|| format!("a worker ended before {what}"))?;
        serde_json::from_str(&line).with_context(|| format!("a worker's {what}: {line}"))
    }
}

/// Running workers, with the directory of their token files.
pub struct Workers {
    workers: Vec<Worker>,
    _files: TempDir,
}

impl Workers {
    /// Starts one worker per `per_worker` tokens, each given its share of the ramp.
    pub fn start(orders: &Orders, tokens: &[String], per_worker: usize) -> anyhow::Result<Workers> {
        let files = tempfile::tempdir().context("a directory for the workers' tokens")?;
        let chunks: Vec<&[String]> = tokens.chunks(per_worker.max(1)).collect();
        let ramp_each = (orders.ramp / chunks.len().max(1) as u32).max(1);
        let mut workers = Vec::with_capacity(chunks.len());
        for (i, chunk) in chunks.iter().enumerate() {
            let path = files.path().join(format!("tokens-{i}"));
            let mut file = std::fs::File::create(&path)?;
            writeln!(file, "{}", chunk.join("\n"))?;
            workers.push(spawn(orders, &path, ramp_each)?);
        }
        Ok(Workers { workers, _files: files })
    }

    /// Every worker's report that its sessions are open.
    pub async fn opened(&mut self, deadline: tokio::time::Instant) -> anyhow::Result<Vec<Opened>> {
        let mut opened = Vec::with_capacity(self.workers.len());
        for worker in &mut self.workers {
            opened.push(by(deadline, "opening the sessions", worker.line::<Opened>("opening")).await??);
        }
        Ok(opened)
    }

    /// Tells every worker to start holding.
    pub async fn go(&mut self) -> anyhow::Result<()> {
        for worker in &mut self.workers {
            let stdin = worker.child.stdin.as_mut().context("a worker without stdin")?;
            stdin.write_all(b"go\n").await?;
        }
        Ok(())
    }

    /// Every worker's report of its hold; then waits for each to exit.
    pub async fn held(mut self, deadline: tokio::time::Instant) -> anyhow::Result<Vec<Held>> {
        let mut held = Vec::with_capacity(self.workers.len());
        for worker in &mut self.workers {
            held.push(by(deadline, "holding the sessions", worker.line::<Held>("hold")).await??);
        }
        for mut worker in self.workers {
            let status = worker.child.wait().await?;
            ensure!(status.success(), "a worker failed: {status}");
        }
        Ok(held)
    }
}

fn spawn(orders: &Orders, tokens: &std::path::Path, ramp: u32) -> anyhow::Result<Worker> {
    let exe = match &orders.exe {
        Some(exe) => exe.clone(),
        None => std::env::current_exe().context("the bench's own executable")?,
    };
    let mut child = tokio::process::Command::new(exe)
        .arg("idle-worker")
        .args(["--gateway", &orders.gateway, "--ramp", &ramp.to_string(), "--hold", &orders.hold.to_string()])
        .args(["--intents", &orders.intents.to_string(), "--tokens"])
        .arg(tokens)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("starting a worker")?;
    let stdout = child.stdout.take().ok_or_else(|| anyhow!("a worker without stdout"))?;
    Ok(Worker { child, lines: BufReader::new(stdout).lines() })
}
