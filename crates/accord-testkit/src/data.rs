//! Where a test server keeps its data: a temporary directory, and when the suite runs in
//! cluster mode (`ACCORD_TEST_BACKEND=cluster`) its own PostgreSQL database and its own
//! namespace on the shared NATS and Redis. A restart keeps it, like a disk.

use accord_server::{Backends, Config};
use accord_store::StoreHandle;
use accord_store_postgres::testing::TestDatabase;
use tempfile::TempDir;

/// Set to `cluster` to run every test server on PostgreSQL, NATS and Redis.
pub const BACKEND_VAR: &str = "ACCORD_TEST_BACKEND";

pub struct TestData {
    dir: TempDir,
    cluster: Option<Cluster>,
}

struct Cluster {
    /// Dropped (and the database with it) when the data goes.
    database: TestDatabase,
    /// Prefix of this server's NATS subjects and Redis keys.
    name: String,
    nats: String,
    redis: String,
}

fn required(var: &str) -> String {
    std::env::var(var).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| panic!("{BACKEND_VAR}=cluster needs {var}"))
}

impl TestData {
    /// Fresh, empty data for the backend the environment selects.
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let cluster = match std::env::var(BACKEND_VAR).as_deref() {
            Ok("cluster") => {
                let database =
                    TestDatabase::create(&required("ACCORD_TEST_POSTGRES_URL")).await.expect("test database");
                Some(Cluster {
                    name: format!("t{:016x}", rand_u64()),
                    database,
                    nats: required("ACCORD_TEST_NATS_URL"),
                    redis: required("ACCORD_TEST_REDIS_URL"),
                })
            }
            Ok("") | Ok("embedded") | Err(_) => None,
            Ok(other) => panic!("{BACKEND_VAR} must be embedded or cluster, not {other:?}"),
        };
        Self { dir, cluster }
    }

    /// Nothing: what a stopped server holds once its data was handed on.
    pub(crate) fn placeholder() -> Self {
        Self { dir: tempfile::tempdir().expect("temp dir"), cluster: None }
    }

    pub fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Whether servers on this data run on PostgreSQL, NATS and Redis.
    pub fn is_cluster(&self) -> bool {
        self.cluster.is_some()
    }

    /// Points `config` at this data.
    pub fn apply(&self, config: &mut Config) {
        config.data_dir = self.dir.path().to_path_buf();
        if let Some(cluster) = &self.cluster {
            config.database = Some(cluster.database.url.clone());
            config.bus.clone_from(&cluster.nats);
            config.cache.clone_from(&cluster.redis);
            config.cluster_name.clone_from(&cluster.name);
        }
    }

    /// The store a server on this data uses, opened directly (to arrange what a server finds).
    pub async fn store(&self) -> StoreHandle {
        let mut config = Config::default();
        self.apply(&mut config);
        Backends::open(&config).await.expect("backends open").store
    }
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}
