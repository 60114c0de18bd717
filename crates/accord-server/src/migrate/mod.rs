//! `accord migrate-store`: copies a whole embedded installation (its SQLite database) into an
//! empty PostgreSQL database, row for row, so it can run in cluster mode.
//!
//! The copy works at the SQL level, table by table from an explicit list ([`TABLES`]), since
//! the storage traits answer questions rather than list everything. It:
//!
//! 1. opens the source read-only (it must exist; nothing is created) and checks its tables
//!    and columns against [`TABLES`] (see `schema`), so nothing unknown is left behind;
//! 2. connects to the target through `PostgresStore::connect`, which creates or upgrades its
//!    schema, and checks that schema the same way;
//! 3. reads the source inside one transaction, so it copies a single consistent snapshot;
//! 4. in one PostgreSQL transaction: locks the tables against writers, refuses if any holds a
//!    row, copies each table in dependency order in batches (see `copy`), continues the
//!    outbox's position sequence after the copied events, checks that every table holds as
//!    many rows as were read, and commits.
//!
//! One transaction for everything, rather than one per table: a migration that fails or is
//! interrupted leaves the target exactly as empty as it was, so it can simply be run again
//! (a half-copied target would be refused as non-empty and need cleaning by hand), and the
//! deferred check of `channels.parent_id` and the table locks cover the whole copy.
//! PostgreSQL keeps no undo log, so a large transaction costs no more than many small ones.
//!
//! Parts: `tables` (what is copied, with each column's type), `schema` (checking both
//! databases against it), `copy` (moving one table's rows).

mod copy;
mod schema;
mod tables;

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail, ensure};
use sqlx::postgres::PgConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection};

pub use tables::{Column, Kind, TABLES, Table, is_bookkeeping};

/// Rows read and written per table, in copy order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    pub tables: Vec<TableReport>,
}

/// Rows of one table read from the source and written to the target (always equal in a
/// report: a difference fails the migration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableReport {
    pub table: &'static str,
    pub read: u64,
    pub written: u64,
}

/// One line per table, then the totals.
impl fmt::Display for MigrationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{:<20} {:>12} {:>12}", "table", "read", "written")?;
        for t in &self.tables {
            writeln!(f, "{:<20} {:>12} {:>12}", t.table, t.read, t.written)?;
        }
        let read: u64 = self.tables.iter().map(|t| t.read).sum();
        let written: u64 = self.tables.iter().map(|t| t.written).sum();
        write!(f, "{:<20} {read:>12} {written:>12}", "total")
    }
}

/// Copies the SQLite installation at `from` (`sqlite://<file>`) into the empty PostgreSQL
/// database at `to` (`postgres://...`). `progress` is called with a table's name and its
/// running count of copied rows after each batch. The source is only read; on any error the
/// target is left as it was.
pub async fn migrate_store(
    from: &str,
    to: &str,
    mut progress: impl FnMut(&str, u64),
) -> anyhow::Result<MigrationReport> {
    let path = sqlite_path(from)?;
    // Not echoed: the URL may hold a password.
    ensure!(to.starts_with("postgres://") || to.starts_with("postgresql://"), "--to must be postgres://...");
    let mut source = open_source(&path).await?;
    schema::check_source(&mut source).await?;
    let mut target = open_target(to).await?;
    schema::check_target(&mut target).await?;

    // Both transactions end without a commit on error: the source's is read-only anyway, and
    // the target's rolls back every copied row.
    let mut reading = source.begin().await.context("starting the source's read transaction")?;
    let mut writing = target.begin().await.context("starting the target's transaction")?;
    lock_and_check_empty(&mut writing).await?;
    let mut report = MigrationReport { tables: Vec::with_capacity(TABLES.len()) };
    for table in TABLES {
        let copied = copy::copy_table(&mut reading, &mut writing, table, &mut progress).await?;
        if let Some(column) = table.identity {
            copy::continue_identity(&mut reading, &mut writing, table, column).await?;
        }
        report.tables.push(TableReport { table: table.name, read: copied.read, written: copied.written });
    }
    check_counts(&mut writing, &report).await?;
    writing.commit().await.context("committing the copy")?;
    let _ = reading.rollback().await;
    Ok(report)
}

/// The file of a `sqlite://<file>` URL.
fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    match url.strip_prefix("sqlite://") {
        Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
        _ => bail!("--from must be sqlite://<file>, not {url:?}"),
    }
}

/// Opens the source read-only: it must exist (nothing is created) and stays untouched.
async fn open_source(path: &Path) -> anyhow::Result<SqliteConnection> {
    ensure!(path.is_file(), "the source database {} does not exist", path.display());
    SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .with_context(|| format!("opening {} read-only", path.display()))
}

/// Brings the target's schema up to date through the store itself, then opens the one
/// connection the copy runs on.
async fn open_target(url: &str) -> anyhow::Result<PgConnection> {
    let store = accord_store_postgres::PostgresStore::connect(url).await.context("preparing the target's schema")?;
    store.close().await;
    PgConnection::connect(url).await.context("connecting to the target")
}

/// Locks every table against writers (readers may go on) until the copy commits, so nothing
/// slips in between the check and the copy, then refuses unless all of them are empty:
/// merging two installations is not a migration.
async fn lock_and_check_empty(target: &mut PgConnection) -> anyhow::Result<()> {
    let names: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
    sqlx::query(AssertSqlSafe(format!("LOCK TABLE {} IN EXCLUSIVE MODE", names.join(", "))))
        .execute(&mut *target)
        .await
        .context("locking the target's tables")?;
    let mut holding = Vec::new();
    for name in names {
        let any: bool = sqlx::query_scalar(AssertSqlSafe(format!("SELECT EXISTS (SELECT 1 FROM {name})")))
            .fetch_one(&mut *target)
            .await
            .with_context(|| format!("checking whether the target's {name} is empty"))?;
        if any {
            holding.push(name);
        }
    }
    ensure!(
        holding.is_empty(),
        "the target database already holds data (in {}); migrate-store only copies into an empty database, \
         it never merges. Nothing was changed.",
        holding.join(", ")
    );
    Ok(())
}

/// Every table holds exactly the rows that were read: no constraint or trigger dropped any.
async fn check_counts(target: &mut PgConnection, report: &MigrationReport) -> anyhow::Result<()> {
    for t in &report.tables {
        let count: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT count(*) FROM {}", t.table)))
            .fetch_one(&mut *target)
            .await
            .with_context(|| format!("counting the target's {}", t.table))?;
        ensure!(
            u64::try_from(count) == Ok(t.read) && t.written == t.read,
            "{}: read {} rows, wrote {}, but the target holds {count}",
            t.table,
            t.read,
            t.written
        );
    }
    Ok(())
}
