//! Accord started as a cluster on this machine: `accord serve` processes on PostgreSQL, NATS
//! and Redis, reached through the edge, as `--cluster` asks. The servers are the ones
//! `scripts/services` starts and names (`eval "$(scripts/services)"`); each run gets a fresh
//! database and its own NATS subjects and Redis keys, all removed when it ends.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::ValueEnum;
use tempfile::TempDir;
use tokio::process::{Child, Command};

/// How the cluster's services are spread over processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Layout {
    /// One process running every service, on PostgreSQL, NATS and Redis.
    Single,
    /// The services (auth, users, guilds, chat, media, presence), a gateway and an edge, each
    /// its own process: a request crosses the edge, an event crosses NATS.
    Split,
}

impl Layout {
    /// (process name, its `--services`); the last is the one clients reach.
    fn processes(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::Single => &[("all", "all")],
            Self::Split => {
                &[("services", "auth,users,guilds,chat,media,presence"), ("gateway", "gateway"), ("edge", "edge")]
            }
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Single => "cluster, one process",
            Self::Split => "cluster: services, gateway and edge processes",
        }
    }
}

/// The settings the embedded target gets (see `embedded::config`), as the processes' file.
const CONFIG: &str = "[auth]\nargon2_memory_kib = 64\nargon2_iterations = 1\n\
                      [edge]\nauth_attempts_per_minute = 1000000\napi_requests_per_minute = 100000000\n\
                      messages_per_10_seconds = 100000000\n";

/// How long a process may take to answer `/ready`.
const READY_WITHIN: Duration = Duration::from_secs(60);

/// The running processes; dropping it kills them and drops the run's database.
pub struct Cluster {
    children: Vec<Child>,
    /// Process ids, in [`Layout::processes`] order.
    pub pids: Vec<u32>,
    /// The edge's (or the single process's) address.
    pub base_url: String,
    admin_url: String,
    database: String,
    _dir: TempDir,
}

impl Cluster {
    pub async fn start(layout: Layout, tag: &str) -> anyhow::Result<Self> {
        let var =
            |name: &str, default: &str| std::env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or(default.into());
        let admin_url = var("ACCORD_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres");
        let bus = var("ACCORD_TEST_NATS_URL", "nats://127.0.0.1:4322");
        let cache = var("ACCORD_TEST_REDIS_URL", "redis://127.0.0.1:6379/");
        let exe = accord_exe()?;
        let database = format!("accord_bench_{tag}");
        psql(&admin_url, &format!("CREATE DATABASE {database}")).await?;
        let dir = tempfile::tempdir().context("temporary directory")?;
        let mut cluster = Self {
            children: Vec::new(),
            pids: Vec::new(),
            base_url: String::new(),
            admin_url: admin_url.clone(),
            database: database.clone(),
            _dir: dir,
        };
        let secret = cluster._dir.path().join("secret.key");
        std::fs::write(&secret, hex_secret())?;
        let config = cluster._dir.path().join("accord.toml");
        std::fs::write(&config, CONFIG)?;
        let env = [
            ("ACCORD_DATABASE", database_url(&admin_url, &database)?),
            ("ACCORD_BUS", bus),
            ("ACCORD_CACHE", cache),
            ("ACCORD_CLUSTER_NAME", format!("b{tag}")),
            ("ACCORD_SECRET_FILE", secret.display().to_string()),
            ("ACCORD_CONFIG", config.display().to_string()),
            ("ACCORD_WORKER_ID", "auto".into()),
            ("ACCORD_LOG", "warn".into()),
        ];
        for &(name, services) in layout.processes() {
            let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
            let data_dir = cluster._dir.path().join(name);
            std::fs::create_dir_all(&data_dir)?;
            let child = Command::new(&exe)
                .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--services", services, "--data-dir"])
                .arg(&data_dir)
                .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
                .stdout(Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .with_context(|| format!("starting {}", exe.display()))?;
            cluster.pids.extend(child.id());
            cluster.children.push(child);
            cluster.base_url = format!("http://127.0.0.1:{port}");
            wait_ready(&cluster.base_url, name).await?;
        }
        Ok(cluster)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.start_kill();
        }
        // FORCE ends the connections of processes still exiting.
        let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.database);
        let dropped = std::process::Command::new("psql").args([self.admin_url.as_str(), "-qc", &drop]).status();
        if !dropped.is_ok_and(|status| status.success()) {
            eprintln!("warning: database {} not dropped", self.database);
        }
    }
}

/// The `accord` binary beside this one (`cargo build --release -p accord`), or one folder up
/// for a test binary (which cargo puts in `deps/`).
fn accord_exe() -> anyhow::Result<PathBuf> {
    let this = std::env::current_exe()?;
    let beside = this.with_file_name("accord");
    let above = this.parent().and_then(|deps| deps.parent()).map(|dir| dir.join("accord"));
    let found = std::iter::once(beside.clone()).chain(above).find(|exe| exe.is_file());
    found.with_context(|| format!("{} not found: build it with `cargo build --release -p accord`", beside.display()))
}

async fn psql(url: &str, sql: &str) -> anyhow::Result<()> {
    let status = Command::new("psql").args([url, "-qc", sql]).status().await.context("running psql")?;
    if !status.success() {
        bail!("psql {url}: `{sql}` failed");
    }
    Ok(())
}

/// `admin` with its database name replaced by `database`.
fn database_url(admin: &str, database: &str) -> anyhow::Result<String> {
    let (server, _) =
        admin.rsplit_once('/').filter(|(server, _)| server.contains("://")).context("a PostgreSQL URL")?;
    Ok(format!("{server}/{database}"))
}

/// A random token-signing secret, in hex, shared by the processes.
fn hex_secret() -> String {
    (0..32).map(|_| format!("{:02x}", rand::random::<u8>())).collect()
}

async fn wait_ready(base_url: &str, name: &str) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + READY_WITHIN;
    while tokio::time::Instant::now() < deadline {
        if let Ok(answer) = http.get(format!("{base_url}/ready")).send().await
            && answer.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the {name} process did not become ready at {base_url}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_run_database_replaces_the_admin_one() {
        assert_eq!(
            database_url("postgres://postgres@127.0.0.1:5432/postgres", "accord_bench_x").unwrap(),
            "postgres://postgres@127.0.0.1:5432/accord_bench_x"
        );
        assert!(database_url("not a url", "x").is_err());
    }

    #[test]
    fn the_split_layout_ends_with_the_edge() {
        assert_eq!(Layout::Split.processes().last().map(|p| p.0), Some("edge"));
        assert_eq!(Layout::Single.processes().len(), 1);
    }
}
