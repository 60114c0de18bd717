//! The `sqlite-inline` source: the `sqlite` source's table and statements, run through
//! rusqlite on the server's own runtime threads, one connection per thread opened at its first
//! request, each statement where its request is handled. It tells how much of a page's cost is
//! SQLite's own work and how much the hand-off to a connection's thread (sqlx runs each
//! SQLite connection on a thread of its own, so every statement is two thread switches).

use std::cell::RefCell;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::server::{BEFORE, NEWEST};

thread_local! {
    /// This thread's connection; it closes with the thread, when the server's runtime stops.
    static CONNECTION: RefCell<Option<Connection>> = const { RefCell::new(None) };
}

/// Up to `limit` messages of `channel` before `before` (or the newest), newest first, as
/// one JSON array, read on this thread's connection to the database at `path`.
pub fn page(path: &Path, channel: i64, before: Option<i64>, limit: u32) -> rusqlite::Result<String> {
    CONNECTION.with_borrow_mut(|slot| {
        let connection = match slot {
            Some(connection) => connection,
            None => slot.insert(open(path)?),
        };
        match before {
            Some(before) => connection.prepare_cached(BEFORE)?.query_row((channel, before, limit), |row| row.get(0)),
            None => connection.prepare_cached(NEWEST)?.query_row((channel, limit), |row| row.get(0)),
        }
    })
}

/// A connection with the `sqlite` source's settings (the database is already in WAL mode,
/// which it keeps).
fn open(path: &Path) -> rusqlite::Result<Connection> {
    let connection = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    connection.busy_timeout(Duration::from_secs(5))?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", true)?;
    Ok(connection)
}
