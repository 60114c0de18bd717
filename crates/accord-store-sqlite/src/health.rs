//! [`HealthStore`] on SQLite: a trivial query, and the durability pragmas Accord requires.

use accord_store::{HealthStore, StoreError, StoreResult};

use crate::SqliteStore;
use crate::error::db;

#[async_trait::async_trait]
impl HealthStore for SqliteStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(db).map(drop)
    }

    /// Both pragmas are read on one connection; every connection is opened with the same settings.
    async fn check_durability(&self) -> StoreResult<String> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut *conn).await.map_err(db)?;
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&mut *conn).await.map_err(db)?;
        let settings = format!("journal_mode={journal_mode} synchronous={synchronous}");
        if !journal_mode.eq_ignore_ascii_case("wal") || synchronous != 2 {
            return Err(StoreError::Internal(format!("not durable: {settings} (want journal_mode=wal synchronous=2)")));
        }
        Ok(settings)
    }
}
