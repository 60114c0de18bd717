//! The server under test: one already running at a URL, or Accord started in this process; and
//! how its resident memory and CPU time are read.
//!
//! Parts: `embedded` (starting Accord in this process, on the bench's runtime or on threads
//! of its own), `sampler` (its memory over time).

mod cluster;
mod embedded;
mod pids;
mod sampler;

use std::time::Duration;

use anyhow::Context;
use tempfile::TempDir;
use tokio::sync::oneshot;

use crate::args::TargetArgs;
use crate::cpu;
use crate::udp::Drops;

pub use cluster::{Cluster, Layout};
pub use embedded::{Counter, Placement, SERVER_THREADS, SQLITE_THREADS, is_server_thread};
pub use pids::Pids;
pub use sampler::RssSampler;

/// Whose memory [`Target::rss_kib`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RssScope {
    /// This process, which runs the embedded server and the bench's clients together.
    ThisProcess,
    /// The server's own processes (`--server-pid`, or a cluster's).
    Server(Pids),
    /// Not measured (`--url` without `--server-pid`).
    None,
}

impl RssScope {
    pub fn describe(self) -> String {
        match self {
            Self::ThisProcess => "this process: embedded server and bench clients together".into(),
            Self::Server(pids) => pids.describe(),
            Self::None => "not measured (give --server-pid)".into(),
        }
    }

    /// Resident memory of the process in KiB, if there is one to measure.
    pub fn rss_kib(self) -> Option<u64> {
        match self {
            Self::ThisProcess => rss_kib("self"),
            Self::Server(pids) => pids.sum(rss_kib),
            Self::None => None,
        }
    }
}

/// Whose CPU time [`Target::server_cpu_ns`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CpuScope {
    /// The embedded server's own threads ([`Placement::OwnThreads`]), apart from the clients.
    ServerThreads,
    /// This process: the embedded server shares the bench's runtime with its clients.
    ThisProcess,
    /// The server's own processes (`--server-pid`, or a cluster's).
    Server(Pids),
    /// Not measured (`--url` without `--server-pid`).
    None,
}

impl CpuScope {
    pub fn describe(self) -> String {
        match self {
            Self::ServerThreads => {
                format!("the embedded server's own threads: {SERVER_THREADS}, and {SQLITE_THREADS} for its database")
            }
            Self::ThisProcess => "this process: embedded server and bench clients together".into(),
            Self::Server(pids) => pids.describe(),
            Self::None => "not measured (give --server-pid)".into(),
        }
    }
}

/// A server to benchmark.
pub struct Target {
    /// `embedded`, the cluster's layout, or the URL.
    pub name: String,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base_url: String,
    pub rss_scope: RssScope,
    pub cpu_scope: CpuScope,
    /// The embedded server's count of media packets its SFU forwarded.
    pub forwarded_packets: Option<Counter>,
    /// The embedded server's SFU address (its UDP socket).
    pub voice_udp: Option<std::net::SocketAddr>,
    /// Set for an embedded server: stops it when sent or dropped.
    stop: Option<oneshot::Sender<()>>,
    /// Set for an embedded server: what its serving ended with.
    done: Option<oneshot::Receiver<anyhow::Result<()>>>,
    /// Kept so the embedded server's data directory lives as long as it does.
    _data_dir: Option<TempDir>,
    /// Set for a cluster: its processes, stopped when it is dropped.
    _cluster: Option<Cluster>,
}

impl Target {
    /// The target `args` name, starting the embedded server (on the bench's runtime) if asked
    /// to; `server_pid` is the process whose memory a `--url` target reports.
    pub async fn from_args(args: &TargetArgs, server_pid: Option<u32>) -> anyhow::Result<Self> {
        Self::from_args_on(args, server_pid, Placement::Shared).await
    }

    /// As [`Self::from_args`], an embedded server placed as `placement` says.
    pub async fn from_args_on(
        args: &TargetArgs,
        server_pid: Option<u32>,
        placement: Placement,
    ) -> anyhow::Result<Self> {
        if let Some(layout) = args.cluster {
            let cluster = Cluster::start(layout, &crate::setup::run_tag()).await?;
            let pids = Pids::new(&cluster.pids);
            let target = Self::remote(layout.name().into(), &cluster.base_url, Some(pids));
            return Ok(Self { _cluster: Some(cluster), ..target });
        }
        match &args.url {
            Some(url) => Ok(Self::remote(url.clone(), url, server_pid.map(Pids::one))),
            None => Self::embedded_on(placement).await,
        }
    }

    /// A server in other processes, at `url`, whose processes are `pids` if known.
    fn remote(name: String, url: &str, pids: Option<Pids>) -> Self {
        Self {
            name,
            base_url: url.trim_end_matches('/').to_owned(),
            rss_scope: pids.map_or(RssScope::None, RssScope::Server),
            cpu_scope: pids.map_or(CpuScope::None, CpuScope::Server),
            forwarded_packets: None,
            voice_udp: None,
            stop: None,
            done: None,
            _data_dir: None,
            _cluster: None,
        }
    }

    /// Starts Accord on 127.0.0.1:0 in this process, on the bench's runtime, with settings that
    /// keep setup cheap (see `embedded::config`).
    pub async fn embedded() -> anyhow::Result<Self> {
        Self::embedded_on(Placement::Shared).await
    }

    /// Starts Accord on 127.0.0.1:0 in this process, placed as `placement` says.
    pub async fn embedded_on(placement: Placement) -> anyhow::Result<Self> {
        let data_dir = tempfile::tempdir().context("temporary data directory")?;
        let started = embedded::start(placement, data_dir.path().to_path_buf()).await?;
        Ok(Self {
            name: "embedded".into(),
            base_url: format!("http://{}", started.addr),
            rss_scope: RssScope::ThisProcess,
            cpu_scope: match placement {
                Placement::Shared => CpuScope::ThisProcess,
                Placement::OwnThreads => CpuScope::ServerThreads,
            },
            forwarded_packets: started.forwarded,
            voice_udp: started.voice_udp,
            stop: Some(started.stop),
            done: Some(started.done),
            _data_dir: Some(data_dir),
            _cluster: None,
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
        self.rss_scope.rss_kib()
    }

    /// Starts sampling the measured process's memory every `every`.
    pub fn sample_rss(&self, every: Duration) -> RssSampler {
        RssSampler::start(self.rss_scope, every)
    }

    /// CPU time of the measured server in nanoseconds, if there is one to measure.
    pub fn server_cpu_ns(&self) -> Option<u64> {
        match self.cpu_scope {
            CpuScope::ServerThreads => cpu::threads_cpu_ns_where(is_server_thread),
            CpuScope::ThisProcess => cpu::process_cpu_ns("self"),
            CpuScope::Server(pids) => pids.sum(cpu::process_cpu_ns),
            CpuScope::None => None,
        }
    }

    /// Time the measured server's threads spent runnable but waiting for a CPU, and this
    /// process's other threads (the clients), in nanoseconds.
    pub fn run_queue_wait_ns(&self) -> (Option<u64>, Option<u64>) {
        match self.cpu_scope {
            CpuScope::ServerThreads => (
                cpu::run_queue_wait_ns("self", is_server_thread),
                cpu::run_queue_wait_ns("self", |name| !is_server_thread(name)),
            ),
            CpuScope::ThisProcess => (cpu::run_queue_wait_ns("self", |_| true), None),
            CpuScope::Server(pids) => {
                (pids.sum(|pid| cpu::run_queue_wait_ns(pid, |_| true)), cpu::run_queue_wait_ns("self", |_| true))
            }
            CpuScope::None => (None, cpu::run_queue_wait_ns("self", |_| true)),
        }
    }

    /// Media packets the embedded server's SFU has forwarded so far.
    pub fn forwarded_packets(&self) -> Option<u64> {
        self.forwarded_packets.as_ref().map(|count| count())
    }

    /// UDP datagrams dropped so far at the server's sockets (the embedded SFU's, or those of
    /// `--server-pid`) and at the rest of this process's.
    pub fn udp_drops(&self) -> Drops {
        let pid = match self.cpu_scope {
            CpuScope::Server(pids) => pids.as_slice().first().copied(),
            _ => None,
        };
        Drops::read(pid, self.voice_udp.map(|a| a.port()))
    }

    /// Stops an embedded server (closing its gateway connections), waiting at most `wait`.
    pub async fn stop(mut self, wait: Duration) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(done) = self.done.take() {
            let served = tokio::time::timeout(wait, done).await.context("the embedded server did not stop")?;
            served.context("the embedded server ended without a result")??;
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
