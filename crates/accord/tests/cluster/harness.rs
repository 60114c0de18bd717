//! A cluster of real `accord` processes on the PostgreSQL, NATS and Redis the environment
//! names (`ACCORD_TEST_POSTGRES_URL`, `ACCORD_TEST_NATS_URL`, `ACCORD_TEST_REDIS_URL`): its own
//! database, its own cluster name (NATS subjects, Redis keys), a shared signing secret, and
//! any number of processes, each running the services it is given.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use accord_client::Client;
use accord_client::gateway::GatewayClient;
use accord_store_postgres::testing::TestDatabase;
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_accord");
/// Cheap hashing so the debug binary registers users quickly; generous auth limits.
const FAST_CONFIG: &str = "[auth]\nargon2_memory_kib = 64\nargon2_iterations = 1\n[edge]\nauth_attempts_per_minute = 100000\napi_requests_per_minute = 1000000\nmessages_per_10_seconds = 1000000\n";

pub struct Cluster {
    dir: TempDir,
    /// Dropped (with the database) after the processes, which are dropped first by the test.
    _database: Option<TestDatabase>,
    env: Vec<(&'static str, String)>,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Servers to use instead of the environment's (a test that kills them owns them).
#[derive(Default)]
pub struct Own {
    pub database: Option<String>,
    pub nats: Option<String>,
    pub redis: Option<String>,
}

impl Cluster {
    /// A new cluster, or `None` (the test is skipped) when the services are not configured.
    pub async fn new() -> Option<Self> {
        Self::with(Own::default()).await
    }

    /// A new cluster on `own` servers where given, the environment's otherwise.
    pub async fn with(own: Own) -> Option<Self> {
        let (Some(nats), Some(redis)) =
            (own.nats.or(var("ACCORD_TEST_NATS_URL")), own.redis.or(var("ACCORD_TEST_REDIS_URL")))
        else {
            assert!(var("ACCORD_TEST_REQUIRE_SERVICES").is_none_or(|v| v != "1"), "cluster tests need NATS and Redis");
            eprintln!("skipped: ACCORD_TEST_NATS_URL / ACCORD_TEST_REDIS_URL are not set");
            return None;
        };
        let (database, database_url) = match own.database {
            Some(url) => (None, url),
            None => {
                let database = TestDatabase::from_env().await?;
                let url = database.url.clone();
                (Some(database), url)
            }
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let secret = dir.path().join("secret.key");
        let hex: String = (0..32).map(|_| format!("{:02x}", rand_byte())).collect();
        std::fs::write(&secret, hex).expect("secret written");
        let config = dir.path().join("accord.toml");
        std::fs::write(&config, FAST_CONFIG).expect("config written");
        let env = vec![
            ("ACCORD_DATABASE", database_url),
            ("ACCORD_BUS", nats),
            ("ACCORD_CACHE", redis),
            ("ACCORD_CLUSTER_NAME", format!("c{:012x}", rand_u64() & 0xffff_ffff_ffff)),
            ("ACCORD_SECRET_FILE", secret.display().to_string()),
            ("ACCORD_CONFIG", config.display().to_string()),
            ("ACCORD_WORKER_ID", "auto".into()),
            ("ACCORD_LOG", "warn".into()),
        ];
        Some(Self { dir, _database: database, env })
    }

    /// Starts a process running `services` (comma-separated) and waits until it is ready.
    pub async fn start(&self, name: &str, services: &str) -> Node {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let data_dir = self.dir.path().join(name);
        std::fs::create_dir_all(&data_dir).unwrap();
        let child = Command::new(BIN)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--services", services, "--data-dir"])
            .arg(&data_dir)
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::null())
            .spawn()
            .expect("binary starts");
        let node = Node { child, port, name: name.to_owned(), _data: data_dir };
        node.wait_ready().await;
        node
    }
}

/// One `accord serve` process, killed when dropped.
pub struct Node {
    child: Child,
    pub port: u16,
    name: String,
    _data: PathBuf,
}

impl Node {
    async fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let http = Client::new("");
        while Instant::now() < deadline {
            if let Ok(answer) = http.get(&format!("http://127.0.0.1:{}/ready", self.port)).await
                && answer.status == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{} did not become ready on port {}", self.name, self.port);
    }

    pub fn api(&self) -> Client {
        Client::new(format!("http://127.0.0.1:{}/api/v10", self.port))
    }

    /// A gateway connection through this process that has read Hello.
    pub async fn connect(&self) -> GatewayClient {
        let url = format!("ws://127.0.0.1:{}/gateway/?v=10&encoding=json", self.port);
        GatewayClient::connect(&url).await.expect("gateway connects")
    }

    /// SIGKILL: no shutdown, no goodbye to anyone.
    pub fn kill_9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(Instant::now())
}

fn rand_byte() -> u8 {
    rand_u64().to_le_bytes()[3]
}
