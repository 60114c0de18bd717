//! TURN credentials from [`accord_voice::ice::ice_servers`] against a real coturn: a
//! `turnserver` on 127.0.0.1 with a shared secret must grant an Allocate to the issued username
//! and credential, and refuse a wrong or expired one. The client is a small STUN/TURN client
//! over UDP (RFC 8489 / RFC 8656 long-term credentials), so the test checks the exact answer
//! (401, a relayed address, the server's own MESSAGE-INTEGRITY) rather than a tool's exit code.
//!
//! The server is `turnserver` from `ACCORD_TEST_TURNSERVER_BIN`, else from `PATH` (Debian
//! package `coturn`). Without it the tests are skipped with a note on stderr, unless
//! `ACCORD_TEST_REQUIRE_SERVICES=1` makes that a failure.

use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use accord_core::Snowflake;
use accord_voice::VoiceConfig;
use accord_voice::ice::ice_servers;
use stun::{Allocation, allocate};

#[path = "turn/stun.rs"]
mod stun;

const SECRET: &str = "accord-test-turn-secret";
const REALM: &str = "accord.test";
/// Relay ports: below Linux's ephemeral range (32768-60999), so they rarely collide with ports
/// the system hands out; coturn skips any port in the range it cannot bind.
const RELAY_PORTS: (u16, u16) = (29_000, 29_999);

#[test]
fn issued_turn_credentials_allocate_a_relay_on_coturn() {
    let Some(turn) = Coturn::start(SECRET) else { return };
    let config = turn.voice_config();

    let servers = ice_servers(&config, Snowflake::new(175_928_847_299_117_063).unwrap(), now_unix_secs());

    let entry = servers.ice_servers.iter().find(|s| s.urls[0].starts_with("turn:")).expect("a TURN entry");
    let (username, credential) = (entry.username.as_deref().unwrap(), entry.credential.as_deref().unwrap());
    let outcome = allocate(turn_addr(&entry.urls[0]), username, credential);
    assert!(matches!(outcome, Allocation::Granted(relay) if relay.ip().is_loopback()), "{outcome:?}\n{}", turn.log());
}

#[test]
fn coturn_refuses_a_wrong_credential() {
    let Some(turn) = Coturn::start(SECRET) else { return };
    let servers = ice_servers(&turn.voice_config(), Snowflake::new(42).unwrap(), now_unix_secs());
    let entry = &servers.ice_servers[0];

    let outcome = allocate(turn.addr, entry.username.as_deref().unwrap(), "d3JvbmcgY3JlZGVudGlhbA==");

    assert!(matches!(outcome, Allocation::Refused(401 | 441)), "{outcome:?}");
}

#[test]
fn coturn_refuses_an_expired_credential() {
    let Some(turn) = Coturn::start(SECRET) else { return };
    let issued_a_week_ago = now_unix_secs() - 7 * 86_400;
    let servers = ice_servers(&turn.voice_config(), Snowflake::new(42).unwrap(), issued_a_week_ago);
    let entry = &servers.ice_servers[0];

    let outcome = allocate(turn.addr, entry.username.as_deref().unwrap(), entry.credential.as_deref().unwrap());

    assert!(matches!(outcome, Allocation::Refused(401)), "{outcome:?}");
}

fn now_unix_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("a clock after 1970").as_secs()
}

/// The `host:port` of a `turn:host:port?transport=udp` URL.
fn turn_addr(url: &str) -> SocketAddr {
    let rest = url.strip_prefix("turn:").expect("a turn: URL");
    rest.split('?').next().unwrap_or(rest).parse().expect("an IP address and port")
}

fn required() -> bool {
    std::env::var("ACCORD_TEST_REQUIRE_SERVICES").as_deref() == Ok("1")
}

/// A coturn `turnserver` on 127.0.0.1, killed when dropped.
pub struct Coturn {
    pub addr: SocketAddr,
    /// The shared secret it was started with (`static-auth-secret`).
    pub secret: String,
    /// The running server; killed and reaped on drop so no test leaves one behind.
    child: Child,
    /// Holds the log, user database and pid file until the server is gone.
    dir: tempfile::TempDir,
}

impl Coturn {
    /// Starts a server whose TURN REST API secret is `secret` and waits until it answers STUN.
    /// `None` (with a note) when `turnserver` is not installed and services are not required.
    pub fn start(secret: &str) -> Option<Self> {
        let bin = std::env::var("ACCORD_TEST_TURNSERVER_BIN").unwrap_or_else(|_| "turnserver".into());
        let dir = tempfile::tempdir().expect("a temporary directory");
        let port = UdpSocket::bind("127.0.0.1:0").and_then(|s| s.local_addr()).expect("a free UDP port").port();
        let path = |name: &str| dir.path().join(name).display().to_string();
        let spawned = Command::new(&bin)
            .args(["-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1"])
            .arg(format!("--listening-port={port}"))
            .arg(format!("--min-port={}", RELAY_PORTS.0))
            .arg(format!("--max-port={}", RELAY_PORTS.1))
            .args(["--use-auth-secret", &format!("--static-auth-secret={secret}"), &format!("--realm={REALM}")])
            .args(["--no-tls", "--no-dtls", "--no-tcp", "--no-cli", "--allow-loopback-peers", "--fingerprint"])
            .args([format!("--userdb={}", path("turndb")), format!("--log-file={}", path("turn.log"))])
            .args(["--simple-log".into(), format!("--pidfile={}", path("turn.pid"))])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match spawned {
            Ok(child) => child,
            Err(e) => {
                let why = format!("cannot run `{bin}` ({e}); install the Debian package coturn");
                assert!(!required(), "{why}, and ACCORD_TEST_REQUIRE_SERVICES=1");
                eprintln!("skipped: {why}");
                return None;
            }
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let mut turn = Self { addr, secret: secret.to_owned(), child, dir };
        turn.wait_until_serving();
        Some(turn)
    }

    /// A voice configuration that hands out this server, with its secret.
    pub fn voice_config(&self) -> VoiceConfig {
        VoiceConfig {
            stun_urls: Vec::new(),
            turn_urls: vec![format!("turn:{}?transport=udp", self.addr)],
            turn_secret: Some(self.secret.clone()),
            turn_credential_ttl_secs: 3600,
            ..VoiceConfig::default()
        }
    }

    /// The server's log so far, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("turn.log")
    }

    /// Sends STUN Binding requests until one is answered (or the server exits, or 15 s pass).
    fn wait_until_serving(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while !stun::answers_binding(self.addr, Duration::from_millis(200)) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("turnserver exited with {status} before serving:\n{}", self.log());
            }
            assert!(Instant::now() < deadline, "turnserver did not answer STUN within 15 s:\n{}", self.log());
        }
    }
}

impl Drop for Coturn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
