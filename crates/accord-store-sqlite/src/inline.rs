//! Reads run on the caller's own thread, through rusqlite. sqlx runs each SQLite connection on
//! a thread of its own, so every statement through it is two switches between threads, and the
//! profiles of history reads and sends put those switches (the scheduler's, the futex wakes)
//! above SQLite's own work. A read outside a transaction instead takes the connection this
//! thread keeps for the store, runs its one statement and returns.
//!
//! It runs on a runtime thread without handing off, which is sound for what runs here: one
//! statement over an index, tens of microseconds; in WAL mode a reader never waits for the
//! writer. Every statement is reset when its rows are dropped, so a connection holds no
//! snapshot between reads, and is opened `query_only`, so nothing here can write.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use accord_store::{StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags, Params, Row};
use thread_local::ThreadLocal;

use crate::codec::{Columns, Value};
use crate::error::{corrupt, db, inline};

/// How many prepared statements each connection keeps: every inline read's, with room.
const STATEMENT_CACHE: usize = 64;

/// The store's inline read connections: one per thread that reads, opened at its first read.
#[derive(Debug)]
pub(crate) struct InlineReads {
    path: PathBuf,
    busy_timeout: Duration,
    /// `None` until the thread's first read, and again once closed.
    connections: ThreadLocal<Mutex<Option<Connection>>>,
    closed: AtomicBool,
}

impl InlineReads {
    /// Reads of the database at `path` (already created and in WAL mode).
    pub(crate) fn new(path: &Path, busy_timeout: Duration) -> InlineReads {
        InlineReads {
            path: path.to_owned(),
            busy_timeout,
            connections: ThreadLocal::new(),
            closed: AtomicBool::new(false),
        }
    }

    /// The first row of `sql` with `params`, as `map` reads it.
    pub(crate) fn optional<T>(
        &self,
        sql: &str,
        params: impl Params,
        map: impl FnOnce(&InlineRow<'_, '_>) -> sqlx::Result<T>,
    ) -> StoreResult<Option<T>> {
        self.with(|connection| {
            let mut statement = connection.prepare_cached(sql).map_err(inline)?;
            let names = column_names(&statement);
            let mut rows = statement.query(params).map_err(inline)?;
            match rows.next().map_err(inline)? {
                Some(row) => map(&InlineRow::new(row, &names)).map(Some).map_err(db),
                None => Ok(None),
            }
        })
    }

    /// Every row of `sql` with `params`, as `map` reads each.
    pub(crate) fn all<T>(
        &self,
        sql: &str,
        params: impl Params,
        mut map: impl FnMut(&InlineRow<'_, '_>) -> sqlx::Result<T>,
    ) -> StoreResult<Vec<T>> {
        self.with(|connection| {
            let mut statement = connection.prepare_cached(sql).map_err(inline)?;
            let names = column_names(&statement);
            let mut rows = statement.query(params).map_err(inline)?;
            let mut records = Vec::new();
            while let Some(row) = rows.next().map_err(inline)? {
                records.push(map(&InlineRow::new(row, &names)).map_err(db)?);
            }
            Ok(records)
        })
    }

    /// Closes every thread's connection; later reads fail with `Unavailable`.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        for slot in self.connections.iter() {
            slot.lock().unwrap_or_else(PoisonError::into_inner).take();
        }
    }

    /// Runs `read` on this thread's connection, opening it first if need be.
    fn with<T>(&self, read: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        // Only this thread takes its slot's lock, except `close`: it is never contended.
        let slot = self.connections.get_or(|| Mutex::new(None));
        let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
        // Checked under the lock, so `close` either sees this read through or it fails here.
        if self.closed.load(Ordering::Acquire) {
            return Err(StoreError::Unavailable("the store is closed".into()));
        }
        let connection = match &mut *slot {
            Some(connection) => connection,
            None => slot.insert(self.open().map_err(inline)?),
        };
        read(connection)
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let connection = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.busy_timeout(self.busy_timeout)?;
        connection.pragma_update(None, "query_only", true)?;
        connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(connection)
    }
}

/// The names of a statement's columns, asked of SQLite once per statement rather than once per
/// row and column: rusqlite finds a column by name by asking SQLite for each column's name in
/// turn until one matches, which made up 13 % of a history read's cycles (1,000 reads a page).
fn column_names(statement: &rusqlite::Statement<'_>) -> Vec<String> {
    statement.column_names().into_iter().map(str::to_owned).collect()
}

/// A row of an inline read, its columns found by name among the statement's [`column_names`].
/// Mappers mostly read columns in the statement's order, so the search starts after the column
/// read last, and the first name compared is nearly always the one.
pub(crate) struct InlineRow<'a, 'statement> {
    row: &'a Row<'statement>,
    names: &'a [String],
    /// Where the next search starts: after the column read last.
    next: Cell<usize>,
}

impl<'a, 'statement> InlineRow<'a, 'statement> {
    fn new(row: &'a Row<'statement>, names: &'a [String]) -> Self {
        InlineRow { row, names, next: Cell::new(0) }
    }

    fn index(&self, column: &str) -> Option<usize> {
        let count = self.names.len();
        let start = self.next.get().min(count);
        (start..count)
            .chain(0..start)
            .find(|&i| self.names[i] == column)
            // SQLite's names are case-insensitive.
            .or_else(|| self.names.iter().position(|name| name.eq_ignore_ascii_case(column)))
    }
}

impl Columns for InlineRow<'_, '_> {
    fn try_get<T: Value>(&self, column: &str) -> sqlx::Result<T> {
        let index = self.index(column).ok_or_else(|| corrupt(column, "no such column"))?;
        self.next.set(index + 1);
        self.row.get(index).map_err(|e| corrupt(column, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database with one row of three columns.
    fn reads() -> (tempfile::TempDir, InlineReads) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let setup = Connection::open(&path).unwrap();
        setup
            .execute_batch("CREATE TABLE t (a INTEGER, b TEXT, c INTEGER); INSERT INTO t VALUES (1, 'two', 3);")
            .unwrap();
        (dir, InlineReads::new(&path, Duration::from_secs(1)))
    }

    #[test]
    fn columns_are_found_in_any_order_and_any_case() {
        let (_dir, reads) = reads();
        let read = |row: &InlineRow<'_, '_>| {
            Ok((
                row.try_get::<i64>("c")?,
                row.try_get::<i64>("a")?,
                row.try_get::<String>("B")?,
                row.try_get::<i64>("c")?,
            ))
        };
        let row = reads.optional("SELECT * FROM t", [], read).unwrap();
        assert_eq!(row, Some((3, 1, "two".to_owned(), 3)));
    }

    #[test]
    fn a_missing_column_is_an_error_naming_it() {
        let (_dir, reads) = reads();
        let error = reads.optional("SELECT * FROM t", [], |row| row.try_get::<i64>("missing")).unwrap_err();
        assert!(matches!(error, StoreError::Internal(_)), "{error:?}");
        assert!(error.to_string().contains("missing: no such column"), "{error}");
    }
}
