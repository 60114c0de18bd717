//! The `accord` binary: parses arguments, loads configuration, sets up logging and calls
//! [`accord_server::run`]; `migrate-store`'s glue is in `migrate`. Everything else is in the
//! library crates.

mod migrate;

/// mimalloc rather than glibc's malloc: the server allocates on one thread and frees on another
/// all the time (rows from SQLite's threads, frames across the runtime), which glibc handles
/// slowly.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::net::SocketAddr;
use std::path::PathBuf;

use accord_server::Config;
use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

/// Accord: a self-hostable real-time communication platform (guilds, channels, roles,
/// messages) speaking Discord's API v10, in one binary.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (the default when no command is given).
    Serve(ServeArgs),
    /// Print the effective configuration (defaults, file, environment and flags applied) as TOML.
    Config(ServeArgs),
    /// Copy an embedded installation's SQLite database into an empty PostgreSQL database.
    MigrateStore(migrate::MigrateStoreArgs),
}

/// Settings for a server process. Flags beat environment variables, which beat the config
/// file, which beats the built-in defaults.
#[derive(Debug, Clone, clap::Args)]
struct ServeArgs {
    /// Configuration file [default: ./accord.toml if it exists]. Unknown keys are an error.
    #[arg(long, env = "ACCORD_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "ACCORD_LISTEN", global = true)]
    listen: Option<SocketAddr>,
    /// Directory holding the database and signing key [default: ./data].
    #[arg(long, env = "ACCORD_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// Snowflake worker id, unique per process in a cluster: 0-1023, or auto to lease one [default: 0].
    #[arg(long, env = "ACCORD_WORKER_ID", global = true)]
    worker_id: Option<accord_server::WorkerId>,
    /// Services to run: all, or a comma-separated list of edge, auth, users, guilds, chat, media, presence, voice, gateway [default: all].
    #[arg(long, env = "ACCORD_SERVICES", value_delimiter = ',', global = true)]
    services: Option<Vec<String>>,
    /// The host:port other processes of a cluster reach this one at [default: the listen address].
    #[arg(long, env = "ACCORD_ADVERTISE", global = true)]
    advertise: Option<String>,
    /// The URL clients reach Accord at, for attachment and avatar URLs [default: http://localhost:<listen port>].
    #[arg(long, env = "ACCORD_PUBLIC_URL", global = true)]
    public_url: Option<String>,
    /// Storage: sqlite://<file> or postgres://user@host:5432/db [default: SQLite in the data directory].
    #[arg(long, env = "ACCORD_DATABASE", global = true)]
    database: Option<String>,
    /// Event bus: memory (one process) or nats://host:4222 [default: memory].
    #[arg(long, env = "ACCORD_BUS", global = true)]
    bus: Option<String>,
    /// Presence, rate limits and caches: memory (one process) or redis://host:6379/0 [default: memory].
    #[arg(long, env = "ACCORD_CACHE", global = true)]
    cache: Option<String>,
    /// Attachments: a directory (file:///dir or a path) or s3://bucket[/prefix] [default: <data-dir>/blobs].
    #[arg(long, env = "ACCORD_BLOBS", global = true)]
    blobs: Option<String>,
    /// Prefix of this installation's NATS subjects and Redis keys [default: accord].
    #[arg(long, env = "ACCORD_CLUSTER_NAME", global = true)]
    cluster_name: Option<String>,
    /// File holding the hex token-signing secret shared by a cluster [default: <data-dir>/secret.key].
    #[arg(long, env = "ACCORD_SECRET_FILE", global = true)]
    secret_file: Option<PathBuf>,
    /// The SFU's UDP address [default: the listen address and port, over UDP].
    #[arg(long, env = "ACCORD_VOICE_UDP", global = true, value_parser = optional::<SocketAddr>)]
    voice_udp: Option<Blankable<SocketAddr>>,
    /// The IP address clients send media to [default: the voice UDP address].
    #[arg(long, env = "ACCORD_VOICE_PUBLIC_IP", global = true, value_parser = optional::<std::net::IpAddr>)]
    voice_public_ip: Option<Blankable<std::net::IpAddr>>,
    /// The host:port clients open this node's /voice/ws at [default: the public URL's host].
    #[arg(long, env = "ACCORD_VOICE_ENDPOINT", global = true, value_parser = optional::<String>)]
    voice_endpoint: Option<Blankable<String>>,
    /// STUN servers handed to clients, comma-separated (stun:host:port).
    #[arg(long, env = "ACCORD_VOICE_STUN_URLS", value_delimiter = ',', global = true)]
    voice_stun_urls: Option<Vec<String>>,
    /// TURN servers handed to clients, comma-separated (turn:host:port?transport=udp).
    #[arg(long, env = "ACCORD_VOICE_TURN_URLS", value_delimiter = ',', global = true)]
    voice_turn_urls: Option<Vec<String>>,
    /// The secret shared with the TURN server (coturn's static-auth-secret).
    #[arg(long, env = "ACCORD_VOICE_TURN_SECRET", global = true, value_parser = optional::<String>, hide_env_values = true)]
    voice_turn_secret: Option<Blankable<String>>,
    /// Log format: human-readable text or one JSON object per line.
    #[arg(long, env = "ACCORD_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    log_format: LogFormat,
}

/// A flag's value, where an empty one means "not set".
/// A flag's value where empty means "not set" (a variable exported as nothing). A type of its
/// own, because clap reads `Option<Option<T>>` as a flag whose value may be left out.
#[derive(Debug, Clone)]
struct Blankable<T>(Option<T>);

fn optional<T: std::str::FromStr>(value: &str) -> Result<Blankable<T>, String>
where
    T::Err: std::fmt::Display,
{
    if value.is_empty() {
        Ok(Blankable(None))
    } else {
        value.parse().map(|v| Blankable(Some(v))).map_err(|e: T::Err| e.to_string())
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

impl ServeArgs {
    fn config(&self) -> anyhow::Result<Config> {
        let mut config = Config::load(self.config.as_deref())?;
        if let Some(listen) = self.listen {
            config.listen = listen;
        }
        if let Some(dir) = &self.data_dir {
            config.data_dir = dir.clone();
        }
        let overrides = [
            (&self.bus, &mut config.bus),
            (&self.cache, &mut config.cache),
            (&self.cluster_name, &mut config.cluster_name),
        ];
        for (flag, field) in overrides {
            if let Some(value) = flag {
                field.clone_from(value);
            }
        }
        if self.database.is_some() {
            config.database.clone_from(&self.database);
        }
        if self.blobs.is_some() {
            config.blobs.clone_from(&self.blobs);
        }
        if self.secret_file.is_some() {
            config.secret_file.clone_from(&self.secret_file);
        }
        if let Some(id) = self.worker_id {
            config.worker_id = id;
        }
        if let Some(services) = &self.services {
            config.services.clone_from(services);
            config.service_set().map_err(anyhow::Error::msg)?;
        }
        if self.advertise.is_some() {
            config.advertise.clone_from(&self.advertise);
        }
        if self.public_url.is_some() {
            config.public_url.clone_from(&self.public_url);
        }
        self.apply_voice(&mut config.voice);
        Ok(config)
    }

    /// Voice flags; an empty value (a variable set to nothing) leaves the setting as it was.
    fn apply_voice(&self, voice: &mut accord_voice::VoiceConfig) {
        if let Some(Blankable(Some(udp))) = self.voice_udp {
            voice.udp = Some(udp);
        }
        if let Some(Blankable(Some(ip))) = self.voice_public_ip {
            voice.public_ip = Some(ip);
        }
        if let Some(Blankable(Some(endpoint))) = &self.voice_endpoint {
            voice.endpoint = Some(endpoint.clone());
        }
        if let Some(Blankable(Some(secret))) = &self.voice_turn_secret {
            voice.turn_secret = Some(secret.clone());
        }
        let lists = [(&self.voice_stun_urls, &mut voice.stun_urls), (&self.voice_turn_urls, &mut voice.turn_urls)];
        for (flag, field) in lists {
            if let Some(urls) = flag {
                *field = urls.iter().filter(|u| !u.is_empty()).cloned().collect();
            }
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ACCORD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutting down");
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    accord_server::backends::install_tls_provider();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Config(args)) => {
            let config = args.config()?;
            println!("{}", describe(&config)?);
            Ok(())
        }
        Some(Command::Serve(args)) => serve(args).await,
        Some(Command::MigrateStore(args)) => migrate::run(args).await,
        None => serve(cli.serve).await,
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    init_logging(args.log_format);
    let config = args.config()?;
    let listener =
        tokio::net::TcpListener::bind(config.listen).await.with_context(|| format!("binding {}", config.listen))?;
    accord_server::run(listener, config, shutdown_signal()).await
}

fn describe(config: &Config) -> anyhow::Result<String> {
    toml::to_string(config).context("rendering the configuration")
}
