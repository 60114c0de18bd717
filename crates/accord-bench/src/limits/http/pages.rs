//! The messages `limits http` serves: snowflake-like ids, each message pre-rendered once as
//! the JSON object Accord's REST API answers for a plain message (about 640 bytes, so a page
//! of 50 is about as large as Accord's), and the SQLite table the `sqlite` source reads them
//! from, with the embedded store's connection settings.

use std::path::Path;
use std::time::{Duration, SystemTime};

use anyhow::Context;
use serde_json::json;
use sqlx::ConnectOptions;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqlitePoolOptions};
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{Mutex, MutexGuard};

use super::server::THREADS;

/// The one channel's id, as the route names it.
pub const CHANNEL: u64 = 1_299_999_999_999_999_001;
/// Ids shaped like snowflakes of late 2024, one millisecond apart (a snowflake's time is its
/// bits above the 22nd), counting up as a channel's messages do.
const FIRST_ID: u64 = 1_300_000_000_000_000_000;
/// Discord's epoch, 2015-01-01, in Unix milliseconds: a snowflake's time counts from it.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;
/// Authors the messages rotate through, as a busy channel's do.
const AUTHORS: u64 = 16;
/// Bytes of each message's content, as `history`'s writers send by default.
const CONTENT_BYTES: usize = 100;
/// Rows inserted per transaction while seeding: few commits, so seeding takes little of the run.
const SEED_BATCH: u64 = 10_000;
/// Connections the handler's statements share: as many as Accord's store reads on.
pub const CONNECTIONS: u32 = 3;

/// The table the `sqlite` source reads: each message's id and its pre-rendered JSON.
const SCHEMA: &str = "CREATE TABLE pages (
    channel_id INTEGER NOT NULL,
    id         INTEGER NOT NULL,
    body       TEXT    NOT NULL,
    PRIMARY KEY (channel_id, id)
) WITHOUT ROWID";

const INSERT: &str = "INSERT INTO pages (channel_id, id, body) VALUES (?, ?, ?)";

/// Message `index`'s id (`index` counts from 0, the oldest).
pub fn id(index: u64) -> u64 {
    FIRST_ID + (index << 22)
}

/// Message `index` as Accord's REST API renders a plain message of a guild channel.
pub fn body(index: u64) -> String {
    let id = id(index);
    let author = AUTHORS * 100 + index % AUTHORS;
    let unix_ms = (id >> 22) + DISCORD_EPOCH_MS;
    let time = humantime::format_rfc3339_micros(SystemTime::UNIX_EPOCH + Duration::from_millis(unix_ms));
    let content = "lorem ipsum dolor sit amet ".repeat(CONTENT_BYTES / 27 + 1);
    json!({
        "id": id.to_string(),
        "channel_id": CHANNEL.to_string(),
        "author": {
            "id": (FIRST_ID - author).to_string(),
            "username": format!("hist-w{}-limits", index % AUTHORS),
            "discriminator": "0",
            "global_name": null,
            "avatar": null,
            "bot": false,
            "system": false,
            "banner": null,
            "accent_color": null,
            "public_flags": 0,
            "avatar_decoration_data": null,
        },
        "content": &content[..CONTENT_BYTES],
        "timestamp": time.to_string().replace('Z', "+00:00"),
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "nonce": (1_000_000_000 + index).to_string(),
        "pinned": false,
        "type": 0,
        "flags": 0,
        "components": [],
    })
    .to_string()
}

/// The newest `page` of `messages` messages as one JSON array, newest first: what the `static`
/// source answers, byte for byte what the `sqlite` source answers for the newest page.
pub fn newest_page(messages: u64, page: u32) -> String {
    let bodies: Vec<String> = (messages.saturating_sub(u64::from(page))..messages).rev().map(body).collect();
    format!("[{}]", bodies.join(","))
}

/// SQLite connections the `sqlite` source's handler takes in turn, outside sqlx's pool (which
/// pings each connection given back, a second hand-off to its thread): one hand-off per page,
/// as Accord's store reads.
pub struct Connections {
    held: Box<[Mutex<SqliteConnection>]>,
    next: AtomicUsize,
}

impl Connections {
    /// [`CONNECTIONS`] connections to the database at `path`, named as [`open`] names them.
    pub async fn open(path: &Path) -> anyhow::Result<Self> {
        let mut held = Vec::new();
        for _ in 0..CONNECTIONS {
            held.push(Mutex::new(
                options(path).connect().await.with_context(|| format!("opening {}", path.display()))?,
            ));
        }
        Ok(Self { held: held.into_boxed_slice(), next: AtomicUsize::new(0) })
    }

    /// The next connection in turn, once it is free.
    pub async fn next(&self) -> MutexGuard<'_, SqliteConnection> {
        self.held[self.next.fetch_add(1, Ordering::Relaxed) % self.held.len()].lock().await
    }
}

/// The embedded store's settings, the connections' threads named after the server's (so their
/// CPU time counts as the server's).
fn options(path: &Path) -> SqliteConnectOptions {
    crate::limits::sqlite::options(path).thread_name(|id| format!("{THREADS}-db{id}"))
}

/// Opens a pool on a new database at `path` with the embedded store's settings, its
/// connections' threads named after the server's (so their CPU time counts as the server's),
/// and creates the table.
pub async fn open(path: &Path) -> anyhow::Result<SqlitePool> {
    let pool = SqlitePoolOptions::new()
        .max_connections(CONNECTIONS)
        .test_before_acquire(false)
        .connect_with(options(path))
        .await
        .with_context(|| format!("opening {}", path.display()))?;
    sqlx::query(SCHEMA).execute(&pool).await.context("creating the table")?;
    Ok(pool)
}

/// Inserts `messages` messages, [`SEED_BATCH`] per transaction.
pub async fn seed(pool: &SqlitePool, messages: u64) -> anyhow::Result<()> {
    let channel = i64::try_from(CHANNEL)?;
    // Bounded by `messages`: each batch inserts the next rows up to it.
    for start in (0..messages).step_by(SEED_BATCH as usize) {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        for index in start..messages.min(start + SEED_BATCH) {
            sqlx::query(INSERT)
                .bind(channel)
                .bind(i64::try_from(id(index))?)
                .bind(body(index))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_about_as_large_as_accords_and_ids_count_up() {
        let bytes = body(7).len();
        assert!((600..=680).contains(&bytes), "{bytes} bytes");
        assert!(id(0) < id(1) && id(1) - id(0) == 1 << 22);
        let message: serde_json::Value = serde_json::from_str(&body(7)).expect("JSON");
        assert_eq!(message["id"], id(7).to_string());
        assert!(message["timestamp"].as_str().is_some_and(|t| t.starts_with("2024-") && t.ends_with("+00:00")));
        let page: Vec<serde_json::Value> = serde_json::from_str(&newest_page(3, 50)).expect("JSON");
        let ids: Vec<&str> = page.iter().filter_map(|m| m["id"].as_str()).collect();
        assert_eq!(ids, [id(2).to_string(), id(1).to_string(), id(0).to_string()]);
    }

    #[tokio::test]
    async fn sqlite_builds_the_newest_page_byte_for_byte_as_the_static_source_holds_it() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let pool = open(&dir.path().join("pages.db")).await.expect("opens");
        seed(&pool, 60).await.expect("seeds");

        let page: String = sqlx::query_scalar(crate::limits::http::server::NEWEST)
            .bind(i64::try_from(CHANNEL).expect("fits"))
            .bind(50)
            .fetch_one(&pool)
            .await
            .expect("reads");

        assert_eq!(page, newest_page(60, 50));
        pool.close().await;
    }
}
