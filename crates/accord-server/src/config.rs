//! Configuration: defaults, then `accord.toml`, then environment variables and flags (the
//! binary applies those last two through clap, flags winning). Unknown keys are an error.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use accord_auth::{AuthConfig, MailConfig};
use accord_edge::EdgeConfig;
use accord_edge::route::Service;
use accord_gateway::GatewayConfig;
use accord_voice::VoiceConfig;
use anyhow::Context;
use serde::Deserialize;

use crate::worker_id::WorkerId;

/// Everything one Accord process is configured with.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address the public HTTP port listens on (default `127.0.0.1:8080`).
    pub listen: SocketAddr,
    /// Directory for the database and the signing key (default `./data`).
    pub data_dir: PathBuf,
    /// Snowflake worker id, 0..=1023, or `auto` to lease a free one from the shared state;
    /// every process of a cluster needs its own (default 0).
    pub worker_id: WorkerId,
    /// The services this process runs: `all` (the default), or any of edge, auth, users,
    /// guilds, chat, media, presence, voice, gateway. A process with `edge` forwards what it does
    /// not run itself.
    pub services: Vec<String>,
    /// The `host:port` other processes of the cluster reach this one at (default: the
    /// address it listens on).
    pub advertise: Option<String>,
    /// The URL clients reach the installation at, the start of attachment, icon and avatar
    /// URLs (default: `http://localhost:<listen port>`).
    pub public_url: Option<String>,
    /// Storage: `sqlite://<file>` or `postgres://user@host:5432/db`
    /// (default: SQLite at `<data_dir>/accord.db`).
    pub database: Option<String>,
    /// Event bus and event log: `memory` (one process only; the default) or `nats://host:4222`
    /// (NATS with JetStream).
    pub bus: String,
    /// Presence, rate limits and shared caches: `memory` (one process only; the default) or
    /// `redis://host:6379/0`.
    pub cache: String,
    /// Attachment, avatar and emoji bytes: a directory (`file:///var/lib/accord/blobs` or a
    /// plain path) or an S3-compatible bucket `s3://bucket[/prefix]`, with the endpoint from
    /// `ACCORD_S3_ENDPOINT` (or `AWS_ENDPOINT_URL`) and credentials and region from the usual
    /// `AWS_*` variables (default `file://<data_dir>/blobs`).
    pub blobs: Option<String>,
    /// Names this installation on a shared NATS and Redis: the prefix of its subjects,
    /// streams, buckets and keys (default `accord`).
    pub cluster_name: String,
    /// A file holding the token-signing secret as hex (at least 32 bytes), shared by every
    /// process of a cluster (e.g. a mounted Kubernetes secret). Default:
    /// `<data_dir>/secret.key`, made on first start.
    pub secret_file: Option<PathBuf>,
    /// Authentication and sessions.
    pub auth: AuthConfig,
    /// Outgoing mail (email verification, password reset): SMTP, or a local outbox file.
    pub mail: MailConfig,
    /// The public port: body size and auth rate limits.
    pub edge: EdgeConfig,
    /// WebSocket sessions: heartbeats, resume window, queue bounds.
    pub gateway: GatewayConfig,
    /// Voice: the SFU's UDP port and public address, STUN and TURN servers.
    pub voice: VoiceConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            worker_id: WorkerId::default(),
            services: vec!["all".into()],
            advertise: None,
            public_url: None,
            database: None,
            bus: "memory".into(),
            cache: "memory".into(),
            blobs: None,
            cluster_name: "accord".into(),
            secret_file: None,
            auth: AuthConfig::default(),
            mail: MailConfig::default(),
            edge: EdgeConfig::default(),
            gateway: GatewayConfig::default(),
            voice: VoiceConfig::default(),
        }
    }
}

impl Config {
    /// The `public_url` as configured, or its default; without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://localhost:{}", self.listen.port()),
        }
    }

    /// The services to run, `all` expanded.
    pub fn service_set(&self) -> Result<BTreeSet<Service>, String> {
        let mut set = BTreeSet::new();
        for name in &self.services {
            match name.trim() {
                "all" => set.extend(Service::ALL),
                other => {
                    set.insert(other.parse::<Service>()?);
                }
            }
        }
        if set.is_empty() {
            return Err("services: name at least one service, or all".into());
        }
        Ok(set)
    }
}

/// The file read when none is named.
pub const DEFAULT_FILE: &str = "accord.toml";

impl Config {
    /// Defaults overlaid with `file`, or with `./accord.toml` when no file is named and it
    /// exists. A named file that is missing, unreadable or has unknown keys is an error.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let (path, required) = match file {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from(DEFAULT_FILE), false),
        };
        if !required && !path.exists() {
            return Ok(Self::default());
        }
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Parses TOML over the defaults.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let config: Self = toml::from_str(text)?;
        config.service_set().map_err(anyhow::Error::msg)?;
        let name_ok = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        anyhow::ensure!(
            !config.cluster_name.is_empty() && config.cluster_name.chars().all(name_ok),
            "cluster_name must be letters, digits, '-' and '_'"
        );
        accord_edge::client_address::TrustedProxies::parse(&config.edge.trusted_proxies).map_err(anyhow::Error::msg)?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_values_override_defaults() {
        let c = Config::parse("listen = \"0.0.0.0:9000\"\n[auth]\naccess_token_ttl_secs = 60\n").unwrap();
        assert_eq!(c.listen, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(c.auth.access_token_ttl_secs, 60);
        assert_eq!(c.data_dir, PathBuf::from("data"));
    }

    #[test]
    fn unknown_keys_are_errors() {
        assert!(Config::parse("listn = \"0.0.0.0:9000\"").is_err());
        assert!(Config::parse("[auth]\nttl = 3").is_err());
        assert!(Config::parse("worker_id = 5000").is_err());
        assert!(Config::parse("worker_id = \"auto\"").is_ok());
        assert!(Config::parse("services = [\"gateway\", \"edge\"]").is_ok());
        assert!(Config::parse("services = [\"gatewey\"]").is_err());
        assert!(Config::parse("services = []").is_err());
        assert!(Config::parse("[edge]\ntrusted_proxies = [\"10.0.0.0/33\"]").is_err());
        assert!(Config::parse("[edge]\ntrusted_proxies = [\"10.0.0.0/8\", \"::1\"]").is_ok());
        assert!(Config::parse("[mail]\nsmtp_url = \"smtp://127.0.0.1:2525\"\nfrom = \"a@b.c\"").is_ok());
        assert!(Config::parse("[mail]\nsmtp = \"smtp://127.0.0.1:2525\"").is_err());
    }

    #[test]
    fn a_named_missing_file_is_an_error() {
        assert!(Config::load(Some(Path::new("/nonexistent/accord.toml"))).is_err());
    }
}
