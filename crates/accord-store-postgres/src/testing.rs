//! Throwaway PostgreSQL databases for tests, of this crate and of others (the integration
//! tests run whole servers on one): [`TestDatabase`] creates a uniquely named database on a
//! server and drops it again when it goes out of scope.
//!
//! Tests find the server through the environment: [`TestDatabase::from_env`] reads
//! [`URL_VAR`]; when it is unset the test is skipped, unless [`REQUIRE_VAR`] is `1` (CI), in
//! which case it fails.
//!
//! Names carry their creation time (`accord_test_<unix seconds>_<random>`), so databases left
//! behind by killed test processes can be recognised and are dropped by the next
//! [`TestDatabase::create`] once they are [`STALE_AFTER`] old.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use accord_store::{StoreError, StoreResult};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{AssertSqlSafe, Connection};

use crate::error::db;

/// The environment variable holding the URL of a PostgreSQL server (and a database on it to
/// connect to, e.g. `postgres`) whose user may create and drop databases.
pub const URL_VAR: &str = "ACCORD_TEST_POSTGRES_URL";

/// The environment variable that, set to `1`, turns a missing [`URL_VAR`] into a failure.
pub const REQUIRE_VAR: &str = "ACCORD_TEST_REQUIRE_SERVICES";

/// The prefix of every test database's name.
const PREFIX: &str = "accord_test_";

/// Age after which a test database is taken as left behind and dropped.
pub const STALE_AFTER: Duration = Duration::from_secs(4 * 3600);

/// How long connecting to the server may take before a test gives up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A database created for one test (or one test server), dropped on drop.
#[derive(Debug)]
pub struct TestDatabase {
    /// The URL of the new database: the admin URL with the database name replaced.
    pub url: String,
    /// The database's name, for dropping it.
    name: String,
    /// Where to connect to drop it (a database can't be dropped from a session inside it).
    admin_url: String,
}

impl TestDatabase {
    /// Creates a fresh, empty database on the server of `admin_url`, after dropping stale
    /// test databases there.
    pub async fn create(admin_url: &str) -> StoreResult<TestDatabase> {
        let mut admin = connect(admin_url).await?;
        drop_stale(&mut admin).await;
        let name = format!("{PREFIX}{}_{:016x}", unix_seconds(), random());
        create_database(&mut admin, &name).await?;
        // The session is done either way; a failed goodbye does not matter.
        let _ = admin.close().await;
        Ok(TestDatabase { url: with_database(admin_url, &name), name, admin_url: admin_url.to_owned() })
    }

    /// A database on the server named by [`URL_VAR`], or `None` (with a note on stderr) when
    /// the variable is unset, so that the calling test can return early as skipped.
    ///
    /// # Panics
    ///
    /// When [`URL_VAR`] is unset but [`REQUIRE_VAR`] is `1`, or when the database cannot be
    /// created: a configured server that does not work is a failure, not a skip.
    pub async fn from_env() -> Option<TestDatabase> {
        let url = std::env::var(URL_VAR).ok().filter(|url| !url.is_empty());
        let Some(url) = url else {
            if std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1") {
                panic!("{URL_VAR} is not set, and {REQUIRE_VAR}=1 requires a PostgreSQL server");
            }
            eprintln!("skipped: {URL_VAR} is not set, so there is no PostgreSQL server to test against");
            return None;
        };
        match Self::create(&url).await {
            Ok(database) => Some(database),
            Err(e) => panic!("creating a test database through {URL_VAR}: {e}"),
        }
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Drops the database, terminating sessions still connected to it. `Drop` can't await, and
/// may run inside an async runtime that must not be blocked on itself, so the work runs on a
/// thread of its own with a small runtime; waiting for it keeps a test process from exiting
/// before the database is gone.
impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let dropper = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
            let runtime = runtime.map_err(|e| StoreError::Internal(e.to_string()))?;
            runtime.block_on(async {
                let mut admin = connect(&admin_url).await?;
                drop_database(&mut admin, &name).await?;
                let _ = admin.close().await;
                Ok::<_, StoreError>(())
            })
        });
        match dropper.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("warning: could not drop test database {}: {e}", self.name),
            Err(_) => eprintln!("warning: dropping test database {} panicked", self.name),
        }
    }
}

async fn connect(url: &str) -> StoreResult<PgConnection> {
    let options = PgConnectOptions::from_str(url).map_err(|e| StoreError::Internal(format!("invalid URL: {e}")))?;
    match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options)).await {
        Ok(connected) => connected.map_err(db),
        Err(_) => Err(StoreError::Unavailable(format!("connecting took over {CONNECT_TIMEOUT:?}"))),
    }
}

/// Creates the database, retrying while the template database is briefly in use by another
/// session (PostgreSQL refuses to copy a template that has other connections).
async fn create_database(admin: &mut PgConnection, name: &str) -> StoreResult<()> {
    const SOURCE_IN_USE: &str = "55006";
    let mut attempts = 0;
    loop {
        let created = sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).execute(&mut *admin).await;
        match created {
            Ok(_) => return Ok(()),
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some(SOURCE_IN_USE) && attempts < 20 => {
                attempts += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => return Err(db(e)),
        }
    }
}

async fn drop_database(admin: &mut PgConnection, name: &str) -> StoreResult<()> {
    sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
        .execute(admin)
        .await
        .map_err(db)
        .map(drop)
}

/// Drops the test databases created more than [`STALE_AFTER`] ago. Best effort: another
/// process may be dropping the same ones, and a failure here must not fail the test.
async fn drop_stale(admin: &mut PgConnection) {
    let names: Vec<String> = match sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE $1")
        .bind(format!("{}%", PREFIX.replace('_', "\\_")))
        .fetch_all(&mut *admin)
        .await
    {
        Ok(names) => names,
        Err(e) => return eprintln!("warning: listing test databases: {e}"),
    };
    let now = unix_seconds();
    for name in names {
        let Some(created) = created_at(&name) else { continue };
        if now.saturating_sub(created) < STALE_AFTER.as_secs() {
            continue;
        }
        if let Err(e) = drop_database(admin, &name).await {
            eprintln!("warning: dropping stale test database {name}: {e}");
        }
    }
}

/// The creation time encoded in a test database's name.
fn created_at(name: &str) -> Option<u64> {
    let rest = name.strip_prefix(PREFIX)?;
    let (seconds, _random) = rest.split_once('_')?;
    seconds.parse().ok()
}

fn unix_seconds() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// 64 random bits for a unique name: std's randomly keyed hasher over a process-wide counter,
/// the process id and the time, so no random-number crate is needed.
fn random() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    hasher.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    hasher.finish()
}

/// `url` with its database (the path, and any `dbname` parameter) replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(base, query)| (base, Some(query)));
    let authority = base.find("://").map_or(0, |i| i + 3);
    let path = base[authority..].find('/').map_or(base.len(), |i| authority + i);
    let mut out = format!("{}/{name}", &base[..path]);
    let kept: Vec<&str> = query.into_iter().flat_map(|q| q.split('&')).filter(|p| !p.starts_with("dbname=")).collect();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_of_a_url_is_replaced() {
        let cases = [
            ("postgres://postgres@127.0.0.1:5432/postgres", "postgres://postgres@127.0.0.1:5432/t"),
            ("postgres://u:p@host/db?sslmode=disable", "postgres://u:p@host/t?sslmode=disable"),
            ("postgres://host:5432", "postgres://host:5432/t"),
            ("postgresql://host/db?dbname=x&application_name=a", "postgresql://host/t?application_name=a"),
        ];
        for (url, expected) in cases {
            assert_eq!(with_database(url, "t"), expected, "{url}");
        }
    }

    #[test]
    fn creation_times_are_read_back_from_names() {
        let name = format!("{PREFIX}1700000000_{:016x}", random());

        assert_eq!(created_at(&name), Some(1_700_000_000));
        assert_eq!(created_at("accord_test_x"), None);
        assert_eq!(created_at("postgres"), None);
    }
}
