//! Outgoing mail (email verification, password reset). With `[mail] smtp_url` set, messages
//! go through that SMTP server (`lettre`); by default each is appended as one JSON line
//! (`{"to", "subject", "body"}`) to `<data_dir>/mail/outbox.jsonl`, which a self-hoster reads
//! until they configure SMTP.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

/// How long one SMTP exchange may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

/// Mail settings (`[mail]` in `accord.toml`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// The SMTP server mail goes through: `smtp://host:port` (plain), `smtp://host:587?tls=required`
    /// (STARTTLS), `smtps://host:465` (TLS), with `user:password@` before the host to log in.
    /// Unset (the default): mail is appended to `<data_dir>/mail/outbox.jsonl` instead.
    pub smtp_url: Option<String>,
    /// The sender of every message (default `Accord <accord@localhost>`).
    pub from: String,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self { smtp_url: None, from: "Accord <accord@localhost>".into() }
    }
}

/// One message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    /// Plain text.
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address {0:?}")]
    Address(String),
    #[error("mail not sent: {0}")]
    Delivery(String),
}

/// Where mail goes.
#[derive(Clone)]
pub enum Mailer {
    /// Appended to a local JSON-lines file.
    Outbox(Arc<OutboxFile>),
    /// Sent through an SMTP server.
    Smtp(Arc<SmtpMailer>),
}

impl Mailer {
    /// The mailer `config` asks for; `data_dir` holds the outbox file.
    pub fn from_config(config: &MailConfig, data_dir: &Path) -> Result<Self, String> {
        let from: Mailbox = config.from.parse().map_err(|e| format!("mail.from {:?}: {e}", config.from))?;
        match &config.smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("mail.smtp_url: {e}"))?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build();
                Ok(Mailer::Smtp(Arc::new(SmtpMailer { transport, from })))
            }
            None => Ok(Mailer::Outbox(Arc::new(OutboxFile::new(data_dir.join("mail").join("outbox.jsonl"))))),
        }
    }

    /// Sends (or files) one message.
    pub async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        match self {
            Mailer::Outbox(file) => file.append(mail).await,
            Mailer::Smtp(smtp) => smtp.send(mail).await,
        }
    }
}

/// The embedded default: one JSON object per line.
pub struct OutboxFile {
    path: PathBuf,
    /// Serialises this process's appends, so lines never interleave.
    lock: Mutex<()>,
}

impl OutboxFile {
    pub fn new(path: PathBuf) -> Self {
        Self { path, lock: Mutex::new(()) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn append(&self, mail: &Mail) -> Result<(), MailError> {
        let mut line = serde_json::to_string(mail).expect("mail serialises");
        line.push('\n');
        let failed = |e: std::io::Error| MailError::Delivery(format!("{}: {e}", self.path.display()));
        let _guard = self.lock.lock().await;
        if let Some(dir) = self.path.parent() {
            tokio::fs::create_dir_all(dir).await.map_err(failed)?;
        }
        let mut file =
            tokio::fs::OpenOptions::new().create(true).append(true).open(&self.path).await.map_err(failed)?;
        // One write of the whole line: appends of other processes land before or after it.
        file.write_all(line.as_bytes()).await.map_err(failed)?;
        file.flush().await.map_err(failed)
    }
}

/// SMTP through `lettre`.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let to: Mailbox = mail.to.parse().map_err(|_| MailError::Address(mail.to.clone()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| MailError::Delivery(e.to_string()))?;
        self.transport.send(message).await.map(drop).map_err(|e| MailError::Delivery(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_default_outbox_gets_one_json_line_per_message() {
        let dir = std::env::temp_dir().join(format!("accord-mail-{}", rand::random::<u64>()));
        let mailer = Mailer::from_config(&MailConfig::default(), &dir).unwrap();
        let mail = |n: u32| Mail { to: format!("u{n}@example.com"), subject: "Hi".into(), body: "line\nbreak".into() };

        mailer.send(&mail(1)).await.unwrap();
        mailer.send(&mail(2)).await.unwrap();

        let text = std::fs::read_to_string(dir.join("mail/outbox.jsonl")).unwrap();
        let lines: Vec<Mail> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines, [mail(1), mail(2)]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn bad_settings_are_refused_at_start() {
        let dir = Path::new("/nonexistent");
        let bad_from = MailConfig { from: "not an address".into(), ..MailConfig::default() };
        assert!(Mailer::from_config(&bad_from, dir).is_err());
        let bad_url = MailConfig { smtp_url: Some("ftp://mail.example.com".into()), ..MailConfig::default() };
        assert!(Mailer::from_config(&bad_url, dir).is_err());
        let good = MailConfig { smtp_url: Some("smtp://127.0.0.1:2525".into()), ..MailConfig::default() };
        assert!(matches!(Mailer::from_config(&good, dir), Ok(Mailer::Smtp(_))));
    }
}
