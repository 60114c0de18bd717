//! The PostgreSQL backend of the Accord storage API, for cluster mode: several Accord
//! processes share one database.
//!
//! [`PostgresStore`] implements every trait of `accord-store`. Every write runs in one
//! transaction that also appends the write's events to the `outbox` table, so a change and its
//! events commit together or not at all. Unlike SQLite, PostgreSQL runs writers concurrently,
//! so every read-modify-write is made safe by the database itself: unique indexes with
//! `ON CONFLICT`, conditional `UPDATE`s re-checked after a row lock, or `SELECT ... FOR UPDATE`.
//! Outbox positions are handed out under an advisory lock so that they follow commit order
//! (see `events`).
//!
//! # Layout
//!
//! - `lib.rs`: connecting (pool, fail-fast timeouts, migrations).
//! - one module per storage area: `accounts`, `guilds`, `channels`, `roles`, `members`,
//!   `invites`, `emojis`, `messages` (with `message_index`), `reactions`, `read_states`, `search`, `threads`,
//!   `private_channels`, `relationships`, `settings`, `moderation` (bans, audit log reads),
//!   `security` (emailed tokens, session revocation, two-factor, account deletion),
//!   `outbox`, `health`.
//! - helpers: `error` (sqlx errors to [`StoreError`]), `events` (outbox rows, and the audit log
//!   entries some of them carry, written inside a transaction), `codec` (ids, bit sets and id
//!   lists to and from SQL values).
//! - [`testing`]: throwaway databases for tests of this and other crates.
//! - `migrations/`: the schema, embedded into the binary.

mod accounts;
mod channels;
mod codec;
mod emojis;
mod error;
mod events;
mod guilds;
mod health;
mod invites;
mod members;
mod message_index;
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
pub mod testing;
mod threads;

use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

use accord_store::{StoreError, StoreResult};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{SqlSafeStr, Transaction};

/// How many connections one process keeps at most. Several processes share the server's
/// `max_connections` (100 by default), so this stays modest.
const MAX_CONNECTIONS: u32 = 16;

/// How long a call waits for a connection (including connecting) before failing with
/// `Unavailable`: when PostgreSQL is down, requests fail fast instead of piling up.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

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
type WriteTx = Transaction<'static, sqlx::Postgres>;

/// The PostgreSQL store. Cheap to clone: clones share the pool.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    /// Connections to the database; every storage call borrows one.
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`) and
    /// brings its schema up to date. Processes starting together are safe: sqlx's migrator
    /// holds a per-database advisory lock while it checks and applies migrations.
    pub async fn connect(url: &str) -> StoreResult<PostgresStore> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Internal(format!("invalid PostgreSQL URL: {e}")))?;
        Self::connect_with(options).await
    }

    /// Like [`connect`](Self::connect), with options already parsed.
    pub async fn connect_with(options: PgConnectOptions) -> StoreResult<PostgresStore> {
        // Named without the password, which the URL may hold.
        let target = format!("{}:{}/{}", options.get_host(), options.get_port(), options.get_database().unwrap_or(""));
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|e| in_context(&format!("connecting to {target}"), error::db(e)))?;
        if let Err(e) = migrator().run(&pool).await {
            let cause = match e {
                sqlx::migrate::MigrateError::Execute(e) => error::db(e),
                other => StoreError::Internal(other.to_string()),
            };
            // Closing releases the migrator's session-level lock if it failed while holding it.
            pool.close().await;
            return Err(in_context(&format!("migrating {target}"), cause));
        }
        tracing::debug!(%target, "postgres store connected");
        Ok(PostgresStore { pool })
    }

    /// Closes every connection, waiting for in-flight calls. Later calls fail with `Unavailable`.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a write transaction (READ COMMITTED: each statement sees the latest commits, and
    /// an UPDATE that waited for a row lock re-checks its WHERE clause on the new row version).
    async fn write(&self) -> StoreResult<WriteTx> {
        self.pool.begin().await.map_err(error::db)
    }
}

/// Prefixes an error's message with what was being done, keeping its kind.
fn in_context(context: &str, error: StoreError) -> StoreError {
    match error {
        StoreError::Unavailable(m) => StoreError::Unavailable(format!("{context}: {m}")),
        StoreError::Internal(m) => StoreError::Internal(format!("{context}: {m}")),
        conflict @ StoreError::Conflict(_) => conflict,
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
