//! Mail through a real SMTP server: PyPI's `aiosmtpd` on loopback, writing what it receives
//! to a maildir. Skipped (with a note) when `aiosmtpd` is not importable, unless
//! `ACCORD_TEST_REQUIRE_SERVICES=1`, which makes that a failure.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use accord_testkit::TestServer;
use serde_json::json;
use tokio::process::{Child, Command};

use super::{WAIT, email_of, login, outbox, token_in, user_with_email};

/// An SMTP sink on 127.0.0.1, stopped when dropped.
struct Sink {
    port: u16,
    maildir: tempfile::TempDir,
    /// The `python3 -m aiosmtpd` process (killed on drop).
    _child: Child,
}

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

impl Sink {
    /// Starts the sink, or says why it cannot (`None` when the test should skip).
    async fn start() -> Option<Sink> {
        let importable = Command::new(python()).args(["-c", "import aiosmtpd"]).status().await;
        if !importable.is_ok_and(|s| s.success()) {
            let why = "PyPI aiosmtpd is not importable (pip install aiosmtpd)";
            assert!(std::env::var("ACCORD_TEST_REQUIRE_SERVICES").as_deref() != Ok("1"), "{why}");
            eprintln!("skipping the SMTP test: {why}");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().unwrap().port();
        let maildir = tempfile::tempdir().expect("maildir");
        let listen = format!("127.0.0.1:{port}");
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l", &listen, "-c", "aiosmtpd.handlers.Mailbox"])
            // A maildir the handler makes itself (it does not fill in an existing empty directory).
            .arg(maildir.path().join("box"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("aiosmtpd starts");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while tokio::net::TcpStream::connect(&listen).await.is_err() {
            assert!(tokio::time::Instant::now() < deadline, "aiosmtpd did not listen on {listen}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Some(Sink { port, maildir, _child: child })
    }

    /// The messages received so far, as raw text.
    fn messages(&self) -> Vec<String> {
        let new = self.maildir.path().join("box").join("new");
        let files: Vec<PathBuf> =
            std::fs::read_dir(&new).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        files.iter().map(|p| std::fs::read_to_string(p).expect("a message")).collect()
    }

    /// Waits for a message to `to` and returns it.
    async fn message_to(&self, to: &str) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let found = self.messages().into_iter().find(|m| m.lines().any(|l| l == format!("To: {to}")));
            if let Some(message) = found {
                return message;
            }
            assert!(tokio::time::Instant::now() < deadline, "no mail to {to} in {}", self.maildir.path().display());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

#[tokio::test]
async fn with_smtp_configured_a_reset_mail_goes_through_it_and_its_token_works() {
    let Some(sink) = Sink::start().await else { return };
    let url = format!("smtp://127.0.0.1:{}", sink.port);
    let server = TestServer::spawn_with(|config| {
        config.mail.smtp_url = Some(url);
        config.mail.from = "Accord Test <noreply@accord.test>".into();
    })
    .await;
    let alice = user_with_email(&server, "alice").await;

    let requested =
        server.client().post("/auth/password-reset/request", json!({ "email": email_of("alice") })).await.unwrap();

    assert_eq!(requested.status, 204, "{}", requested.text);
    let message = sink.message_to(&email_of("alice")).await;
    let from = message.lines().find(|l| l.starts_with("From: ")).unwrap_or_default();
    assert!(from.contains("Accord Test") && from.contains("<noreply@accord.test>"), "{message}");
    assert!(message.lines().any(|l| l == "Subject: Reset your password"), "{message}");
    let (_, body) = message.split_once("\n\n").expect("headers, then the body");
    let token = token_in(body);
    let reset = json!({ "token": token, "password": "a brand new passphrase" });
    let answer = server.client().post("/auth/password-reset", reset).await.unwrap();
    assert_eq!(answer.status, 204, "{}", answer.text);
    assert_eq!(login(&server, "alice", "a brand new passphrase").await.status, 200);
    assert_eq!(alice.api.get("/users/@me").await.unwrap().status, 401, "the old session ended");
    assert!(!outbox(&server).exists(), "nothing went to the outbox file");
}
