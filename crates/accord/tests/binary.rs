//! Tests of the real `accord` binary as an operator runs it: configuration precedence,
//! `--help`, restart on the same data directory, and durability of acknowledged messages
//! across `kill -9`.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use accord_client::Client;
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_accord");

/// Cheap hashing so the debug binary starts sessions quickly.
/// Cheap hashing; room for the messages the durability test sends in one go.
const FAST_CONFIG: &str = "[auth]\nargon2_memory_kib = 64\nargon2_iterations = 1\n[edge]\nmessages_per_10_seconds = 1000\napi_requests_per_minute = 1000\n";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running `accord serve`, killed when dropped.
struct Process {
    child: Child,
    port: u16,
}

impl Process {
    async fn start(data_dir: &Path, port: u16) -> Self {
        let config = data_dir.join("accord.toml");
        std::fs::write(&config, FAST_CONFIG).unwrap();
        let child = Command::new(BIN)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
            .arg(data_dir)
            .arg("--config")
            .arg(&config)
            .env("ACCORD_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("binary starts");
        let process = Self { child, port };
        process.wait_ready().await;
        process
    }

    async fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let http = reqwest_like_client();
        while Instant::now() < deadline {
            if let Ok(answer) = http.get(&format!("http://127.0.0.1:{}/ready", self.port)).await
                && answer.status == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("accord did not become ready on port {}", self.port);
    }

    fn api(&self) -> Client {
        Client::new(format!("http://127.0.0.1:{}/api/v10", self.port))
    }

    /// SIGKILL: no shutdown, no flush.
    fn kill_9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client with no API root, for absolute URLs.
fn reqwest_like_client() -> Client {
    Client::new("")
}

#[tokio::test]
async fn acknowledged_messages_survive_kill_9_and_restart_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let first = Process::start(dir.path(), port).await;
    let register = first
        .api()
        .post("/auth/register", json!({ "username": "durable", "password": "correct horse battery staple" }))
        .await
        .unwrap();
    assert_eq!(register.status, 201, "{}", register.text);
    let api = first.api().authorized(format!("Bearer {}", register.body["token"].as_str().unwrap()));
    let guild = api.post("/guilds", json!({ "name": "Durable" })).await.unwrap();
    let channels = api.get(&format!("/guilds/{}/channels", guild.id())).await.unwrap();
    let channel = channels.body[0]["id"].as_str().unwrap().to_owned();
    let mut acked = Vec::new();
    for n in 0..25 {
        let sent =
            api.post(&format!("/channels/{channel}/messages"), json!({ "content": format!("m{n}") })).await.unwrap();
        assert_eq!(sent.status, 200, "{}", sent.text);
        acked.push(sent.id());
    }
    first.kill_9();

    let second = Process::start(dir.path(), port).await;
    let api = second.api().authorized(format!("Bearer {}", register.body["token"].as_str().unwrap()));
    let history = api.get(&format!("/channels/{channel}/messages?limit=100")).await.unwrap();
    assert_eq!(history.status, 200, "the old token still works after restart: {}", history.text);
    let mut seen: Vec<String> =
        history.body.as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_owned()).collect();
    seen.reverse();
    assert_eq!(seen, acked, "every acknowledged message, once, in order");
    let guild_again = api.get(&format!("/guilds/{}", guild.id())).await.unwrap();
    assert_eq!(guild_again.body["name"], "Durable");
}

fn effective_config(args: &[&str], env: &[(&str, &str)], cwd: &Path) -> String {
    let output =
        Command::new(BIN).arg("config").args(args).envs(env.iter().copied()).current_dir(cwd).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn flags_beat_environment_which_beats_the_file_which_beats_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let defaults = effective_config(&[], &[], dir.path());
    assert!(defaults.contains("listen = \"127.0.0.1:8080\""), "{defaults}");
    assert!(defaults.contains("data_dir = \"data\""), "{defaults}");
    std::fs::write(dir.path().join("accord.toml"), "listen = \"127.0.0.1:7001\"\ndata_dir = \"from-file\"\n").unwrap();
    let file = effective_config(&[], &[], dir.path());
    assert!(file.contains("listen = \"127.0.0.1:7001\"") && file.contains("data_dir = \"from-file\""), "{file}");
    let env = effective_config(&[], &[("ACCORD_LISTEN", "127.0.0.1:7002")], dir.path());
    assert!(env.contains("listen = \"127.0.0.1:7002\"") && env.contains("data_dir = \"from-file\""), "{env}");
    let flag = effective_config(&["--listen", "127.0.0.1:7003"], &[("ACCORD_LISTEN", "127.0.0.1:7002")], dir.path());
    assert!(flag.contains("listen = \"127.0.0.1:7003\""), "{flag}");
}

#[test]
fn unknown_config_keys_stop_the_server_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("accord.toml"), "lisen = \"127.0.0.1:7001\"\n").unwrap();
    let output = Command::new(BIN).arg("config").current_dir(dir.path()).output().unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("unknown field"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn help_documents_every_command_and_flag() {
    let output = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    for needle in [
        "serve",
        "config",
        "--listen",
        "--data-dir",
        "--config",
        "--worker-id",
        "--log-format",
        "--blobs",
        "ACCORD_BLOBS",
        "ACCORD_LISTEN",
        "ACCORD_DATA_DIR",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}:\n{help}");
    }
}

#[test]
fn voice_flags_set_the_voice_config_and_empty_ones_leave_it() {
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("ACCORD_VOICE_UDP", "127.0.0.1:7400"),
        ("ACCORD_VOICE_PUBLIC_IP", "192.0.2.7"),
        ("ACCORD_VOICE_ENDPOINT", ""),
        ("ACCORD_VOICE_TURN_SECRET", ""),
    ];
    let config = effective_config(&[], &env, dir.path());
    assert!(config.contains("udp = \"127.0.0.1:7400\""), "{config}");
    assert!(config.contains("public_ip = \"192.0.2.7\""), "{config}");
    assert!(!config.contains("turn_secret"), "an empty secret is no secret: {config}");
    let flag = effective_config(&["--voice-udp", "127.0.0.1:7401"], &env, dir.path());
    assert!(flag.contains("udp = \"127.0.0.1:7401\""), "{flag}");
    let bad = Command::new(BIN)
        .arg("config")
        .env("ACCORD_VOICE_UDP", "not an address")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!bad.status.success(), "a malformed address is refused");
}
