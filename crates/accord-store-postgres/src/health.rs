//! [`HealthStore`] on PostgreSQL: a trivial query, and the durability settings Accord
//! requires (a commit returns only once its WAL is flushed to disk).

use accord_store::{HealthStore, StoreError, StoreResult};

use crate::PostgresStore;
use crate::error::db;

/// `synchronous_commit` values that wait for the local WAL flush before a commit returns.
/// `remote_write` and `remote_apply` add a wait for a standby on top of it; only `off` acknowledges
/// commits that a crash can still lose.
const DURABLE_COMMIT: &[&str] = &["on", "local", "remote_write", "remote_apply"];

#[async_trait::async_trait]
impl HealthStore for PostgresStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(db).map(drop)
    }

    /// Both settings are read on one session; every session of the pool is opened with the same
    /// options, and per-role or per-database overrides apply to all of them alike.
    async fn check_durability(&self) -> StoreResult<String> {
        let (synchronous_commit, fsync): (String, String) =
            sqlx::query_as("SELECT current_setting('synchronous_commit'), current_setting('fsync')")
                .fetch_one(&self.pool)
                .await
                .map_err(db)?;
        let settings = format!("synchronous_commit={synchronous_commit} fsync={fsync}");
        if !DURABLE_COMMIT.contains(&synchronous_commit.as_str()) || fsync != "on" {
            return Err(StoreError::Internal(format!("not durable: {settings} (want synchronous_commit=on fsync=on)")));
        }
        // Managed PostgreSQL is reached over the network: say whether the link is encrypted.
        let tls: Option<bool> = sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        let tls = if tls == Some(true) { "on" } else { "off" };
        Ok(format!("{settings} tls={tls}"))
    }
}
