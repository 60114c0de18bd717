//! The server under test: one already running at a URL, or Accord started in this process; and
//! how its resident memory is read.

use std::time::Duration;

use accord_server::{Config, Server};
use anyhow::Context;
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::args::TargetArgs;

/// Whose memory [`Target::rss_kib`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RssScope {
    /// This process, which runs the embedded server and the bench's clients together.
    ThisProcess,
    /// The server's own process (`--server-pid`).
    Server(u32),
    /// Not measured (`--url` without `--server-pid`).
    None,
}

impl RssScope {
    pub fn describe(self) -> String {
        match self {
            Self::ThisProcess => "this process: embedded server and bench clients together".into(),
            Self::Server(pid) => format!("server process {pid}"),
            Self::None => "not measured (give --server-pid)".into(),
        }
    }
}

/// A server to benchmark.
pub struct Target {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base_url: String,
    pub rss_scope: RssScope,
    /// Set for an embedded server: stops it when sent or dropped.
    stop: Option<oneshot::Sender<()>>,
    /// The embedded server's serving task.
    task: Option<JoinHandle<anyhow::Result<()>>>,
    /// Kept so the embedded server's data directory lives as long as it does.
    _data_dir: Option<TempDir>,
}

impl Target {
    /// The target `args` name, starting the embedded server if asked to; `server_pid` is the
    /// process whose memory a `--url` target reports.
    pub async fn from_args(args: &TargetArgs, server_pid: Option<u32>) -> anyhow::Result<Self> {
        match &args.url {
            Some(url) => Ok(Self {
                base_url: url.trim_end_matches('/').to_owned(),
                rss_scope: server_pid.map_or(RssScope::None, RssScope::Server),
                stop: None,
                task: None,
                _data_dir: None,
            }),
            None => Self::embedded().await,
        }
    }

    /// Starts Accord on 127.0.0.1:0 in this process, with settings that keep setup cheap: a low
    /// Argon2 cost and no limit on registrations. Everything else is the default configuration.
    pub async fn embedded() -> anyhow::Result<Self> {
        let data_dir = tempfile::tempdir().context("temporary data directory")?;
        let mut config = Config { data_dir: data_dir.path().to_path_buf(), ..Config::default() };
        config.auth.argon2_memory_kib = 64;
        config.auth.argon2_iterations = 1;
        config.edge.auth_attempts_per_minute = 1_000_000;
        config.edge.api_requests_per_minute = 100_000_000;
        config.edge.messages_per_10_seconds = 100_000_000;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.context("binding 127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let server = Server::build(&config).await?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.serve(listener, async move {
            let _ = stopped.await;
        }));
        Ok(Self {
            base_url: format!("http://{addr}"),
            rss_scope: RssScope::ThisProcess,
            stop: Some(stop),
            task: Some(task),
            _data_dir: Some(data_dir),
        })
    }

    /// `http://HOST/api/v10`
    pub fn api_root(&self) -> String {
        format!("{}/api/v10", self.base_url)
    }

    /// `ws://HOST/gateway/?v=10&encoding=json` plus the compression suffix, as bot libraries build it.
    pub fn gateway_url(&self, compress_query: &str) -> String {
        let host = self.base_url.trim_start_matches("http://").trim_start_matches("https://");
        format!("ws://{host}/gateway/?v=10&encoding=json{compress_query}")
    }

    /// Resident memory of the measured process in KiB, if there is one to measure.
    pub fn rss_kib(&self) -> Option<u64> {
        match self.rss_scope {
            RssScope::ThisProcess => rss_kib("self"),
            RssScope::Server(pid) => rss_kib(&pid.to_string()),
            RssScope::None => None,
        }
    }

    /// Stops an embedded server (closing its gateway connections), waiting at most `wait`.
    pub async fn stop(mut self, wait: Duration) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let served = tokio::time::timeout(wait, task).await.context("the embedded server did not stop")?;
            served.context("the embedded server task")??;
        }
        Ok(())
    }
}

/// `VmRSS` of `/proc/<pid>/status` in KiB (`pid` may be `self`).
pub fn rss_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_a_resident_size() {
        assert!(rss_kib("self").is_some_and(|kib| kib > 0));
    }
}
