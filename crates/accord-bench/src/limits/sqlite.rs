//! `limits sqlite`: Accord's message writes without Accord. A bare insert loop through sqlx on
//! one connection, with the embedded store's durability settings (WAL, `synchronous = FULL`,
//! `BEGIN IMMEDIATE`), into a copy of Accord's `messages` table (its columns, primary key and
//! author index; none of the store's other writes: outbox, search index) in a temporary
//! directory under the default temp dir, where an embedded server keeps its data. For each
//! batch size, on a fresh database, one transaction per batch of rows; rows are counted back
//! with `SELECT COUNT(*)`.
//!
//! Each pass is bounded by `--transactions` and `--seconds`.
//!
//! Parts: [`report`].

pub mod report;

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};

pub use report::{Pass, SqliteLimitsReport};

use crate::args::SqliteLimitsArgs;

/// Accord's `messages` table (migrations 0001 and 0002 of `accord-store-sqlite`) with its
/// primary key and its author index; the partial indexes hold no plain message and are left out.
const SCHEMA: &str = "
CREATE TABLE messages (
    channel_id       INTEGER NOT NULL,
    id               INTEGER NOT NULL,
    guild_id         INTEGER,
    author_id        INTEGER NOT NULL,
    content          TEXT    NOT NULL,
    nonce            TEXT,
    enforced_nonce   INTEGER NOT NULL,
    tts              INTEGER NOT NULL,
    kind             INTEGER NOT NULL,
    flags            INTEGER NOT NULL,
    edited_ms        INTEGER,
    pinned           INTEGER NOT NULL,
    mention_everyone INTEGER NOT NULL,
    mention_user_ids TEXT    NOT NULL,
    mention_role_ids TEXT    NOT NULL,
    ref_message_id   INTEGER,
    ref_channel_id   INTEGER,
    ref_guild_id     INTEGER,
    pinned_ms        INTEGER,
    attachments      TEXT    NOT NULL DEFAULT '[]',
    embeds           TEXT    NOT NULL DEFAULT '[]',
    has_bits         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel_id, id)
) WITHOUT ROWID;
CREATE INDEX messages_author ON messages (author_id, id);
";

/// One message, as the store writes a plain one.
const INSERT: &str = "INSERT INTO messages (channel_id, id, guild_id, author_id, content, nonce, enforced_nonce, tts, \
    kind, flags, pinned, mention_everyone, mention_user_ids, mention_role_ids, attachments, embeds, has_bits) \
    VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, '[]', '[]', '[]', '[]', 0)";

/// Ids shaped like snowflakes of 2025, counting up as a channel's messages do.
const FIRST_ID: i64 = 1_300_000_000_000_000_000;
const CHANNEL: i64 = 1_299_999_999_999_999_001;
const GUILD: i64 = 1_299_999_999_999_999_000;
/// Authors the rows rotate through, as a busy channel's do.
const AUTHORS: i64 = 16;

/// Runs one pass per batch size, each on a fresh database in one temporary directory.
pub async fn run(args: &SqliteLimitsArgs) -> anyhow::Result<SqliteLimitsReport> {
    let dir = tempfile::tempdir().context("temporary directory")?;
    let mut report = SqliteLimitsReport { dir: dir.path().display().to_string(), ..Default::default() };
    for &batch in &args.batch_sizes {
        let path = dir.path().join(format!("limits-{batch}.db"));
        let mut conn = connect(&path).await?;
        if report.sqlite_version.is_empty() {
            report.sqlite_version = sqlx::query_scalar("SELECT sqlite_version()").fetch_one(&mut conn).await?;
            // Read back rather than assumed: what the connection really runs with.
            let journal: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut conn).await?;
            let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&mut conn).await?;
            report.pragmas = format!("journal_mode={journal} synchronous={synchronous}");
        }
        let pass = insert_pass(&mut conn, batch, args).await.with_context(|| format!("batch size {batch}"))?;
        conn.close().await?;
        report.passes.push(pass);
    }
    Ok(report)
}

/// The embedded store's connection settings (`accord-store-sqlite` `SqliteStore::open`); also
/// `limits http`'s.
pub fn options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
}

/// A connection with the embedded store's settings, and the table.
async fn connect(path: &Path) -> anyhow::Result<SqliteConnection> {
    let mut conn = options(path).connect().await.with_context(|| format!("opening {}", path.display()))?;
    sqlx::raw_sql(SCHEMA).execute(&mut conn).await.context("creating the table")?;
    Ok(conn)
}

/// Inserts `--transactions` batches of `batch` rows (or as many as `--seconds` allows), one
/// transaction each, timing each transaction and its commit; then counts the rows back.
async fn insert_pass(conn: &mut SqliteConnection, batch: u32, args: &SqliteLimitsArgs) -> anyhow::Result<Pass> {
    let content = "lorem ipsum dolor sit amet ".repeat(args.content_bytes as usize / 27 + 1);
    let content = &content[..args.content_bytes as usize];
    let mut pass = Pass { batch, ..Pass::default() };
    let start = Instant::now();
    let stop_at = start + args.seconds();
    let mut row: i64 = 0;
    for _ in 0..args.transactions {
        if Instant::now() >= stop_at {
            break;
        }
        let began = Instant::now();
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        for _ in 0..batch {
            sqlx::query(INSERT)
                .bind(CHANNEL)
                .bind(FIRST_ID + row)
                .bind(GUILD)
                .bind(GUILD + 100 + row % AUTHORS)
                .bind(content)
                .bind(row.to_string())
                .execute(&mut *tx)
                .await?;
            row += 1;
        }
        let committing = Instant::now();
        tx.commit().await?;
        pass.commit_us.push(micros(committing.elapsed()));
        pass.transaction_us.push(micros(began.elapsed()));
    }
    pass.elapsed = start.elapsed();
    pass.rows = u64::try_from(row)?;
    let counted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages").fetch_one(&mut *conn).await?;
    pass.counted = u64::try_from(counted)?;
    pass.transaction_us.sort_unstable();
    pass.commit_us.sort_unstable();
    Ok(pass)
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}
