//! The SQLite backend of the Accord storage API, for embedded (single-node) mode.
//!
//! [`SqliteStore`] implements every trait of `accord-store` over one database file in WAL
//! mode with `synchronous = FULL`. Every write runs in a `BEGIN IMMEDIATE` transaction that
//! also appends the write's events to the `outbox` table, so a change and its events commit
//! together or not at all.
//!
//! # Layout
//!
//! - `lib.rs`: opening the database (connection settings, pool, migrations).
//! - one module per storage area: `accounts`, `guilds`, `channels`, `roles`, `members`,
//!   `invites`, `emojis`, `messages` (with `message_index`), `reactions`, `read_states`, `search`, `threads`,
//!   `private_channels`, `relationships`, `settings`, `moderation` (bans, audit log reads),
//!   `security` (emailed tokens, session revocation, two-factor, account deletion),
//!   `outbox`, `health`, `standing` (a guild, its roles and one membership in one statement);
//!   `group_commit` writes new messages in batches, one fsync each, with
//!   `message_batch`'s statements.
//! - `inline`: reads outside transactions, on the caller's thread through rusqlite.
//! - helpers: `error` (sqlx and rusqlite errors to [`StoreError`]), `events` (outbox rows, and the audit log
//!   entries some of them carry, written inside a transaction), `codec` (ids, bit sets and JSON
//!   lists to and from SQL values, and rows of either driver read as one).
//! - `migrations/`: the schema, embedded into the binary.

mod accounts;
mod channels;
mod codec;
mod emojis;
mod error;
mod events;
mod group_commit;
mod guilds;
mod health;
mod inline;
mod invites;
mod members;
mod message_batch;
mod message_index;
mod message_page;
mod messages;
mod moderation;
mod outbox;
mod private_channels;
mod reactions;
mod read_states;
mod relationships;
mod roles;
mod search;
mod security;
mod settings;
mod standing;
mod threads;

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use accord_store::{StoreError, StoreResult};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{SqlSafeStr, Transaction};

/// How many connections the pool keeps at most: it serves transactions only (reads outside
/// them run inline), and SQLite serialises the writing ones anyway; the rest serve reads that
/// need one snapshot for several statements.
const MAX_CONNECTIONS: u32 = 4;

/// How long a connection waits for another writer's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The schema migrations, embedded at compile time.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "initial", include_str!("../migrations/0001_initial.sql")),
    (2, "messaging", include_str!("../migrations/0002_messaging.sql")),
    (3, "threads", include_str!("../migrations/0003_threads.sql")),
    (4, "emojis", include_str!("../migrations/0004_emojis.sql")),
    (5, "people", include_str!("../migrations/0005_people.sql")),
    (6, "moderation", include_str!("../migrations/0006_moderation.sql")),
    (7, "security", include_str!("../migrations/0007_security.sql")),
    (8, "temporary_members", include_str!("../migrations/0008_temporary_members.sql")),
];

/// A write transaction on the store's database.
type WriteTx = Transaction<'static, sqlx::Sqlite>;

/// The SQLite store. Cheap to clone: clones share the pool.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// Connections to the one database file; every storage call borrows one.
    pool: SqlitePool,
    /// New messages go through one writer that commits them in groups.
    message_writer: group_commit::MessageWriter,
    /// Reads that need no transaction, run on the caller's thread.
    inline: Arc<inline::InlineReads>,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> StoreResult<SqliteStore> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        // No ping before each use: the database is a file in this process, so an idle
        // connection cannot have been lost, and each ping is a round trip to the connection's
        // thread — a third of the hand-offs of a one-statement read.
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Unavailable(format!("opening {}: {e}", path.display())))?;
        migrator().run(&pool).await.map_err(|e| StoreError::Internal(format!("migrating {}: {e}", path.display())))?;
        tracing::debug!(path = %path.display(), "sqlite store open");
        let inline = inline::InlineReads::new(path, BUSY_TIMEOUT);
        let message_writer = group_commit::MessageWriter::start(pool.clone());
        Ok(SqliteStore { pool, message_writer, inline: Arc::new(inline) })
    }

    /// Opens `accord.db` inside `dir`.
    pub async fn open_in(dir: &Path) -> StoreResult<SqliteStore> {
        Self::open(&dir.join("accord.db")).await
    }

    /// Closes every connection, waiting for in-flight calls; the last one checkpoints the WAL.
    /// Later calls fail with `Unavailable`.
    pub async fn close(&self) {
        self.inline.close();
        self.pool.close().await;
    }

    /// Starts a write transaction. `BEGIN IMMEDIATE` takes the write lock up front, so
    /// concurrent writers queue on the busy timeout instead of failing when a read
    /// transaction tries to become a write one.
    async fn write(&self) -> StoreResult<WriteTx> {
        self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(error::db)
    }
}

/// The embedded migrations as a [`Migrator`].
fn migrator() -> Migrator {
    let migrations = MIGRATIONS
        .iter()
        .map(|&(version, description, sql)| {
            Migration::new(version, Cow::Borrowed(description), MigrationType::Simple, sql.into_sql_str(), false)
        })
        .collect();
    Migrator::with_migrations(migrations)
}
