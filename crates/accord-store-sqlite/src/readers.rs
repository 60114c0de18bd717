//! Connections kept for one-statement reads, outside sqlx's pool. The pool pings a connection
//! each time it is given back, and every ping is a round trip to the thread the connection runs
//! on: a read through the pool costs two hand-offs between threads where one would do. The
//! profiles of history reads and sends put those hand-offs above SQLite's own work, so reads
//! that need no transaction borrow one of these instead.
//!
//! A borrowed connection runs one statement and is given back; sqlx resets each statement when
//! its execution ends (or is dropped), so a connection never keeps an old snapshot between uses.

use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard};

/// A fixed set of read connections to the store's database; `None` once closed.
#[derive(Debug)]
pub(crate) struct Readers {
    connections: Box<[Mutex<Option<SqliteConnection>>]>,
    /// Which connection a caller waits for when none is free, in turn.
    next: AtomicUsize,
}

/// A borrowed read connection.
pub(crate) type Reader<'a> = MappedMutexGuard<'a, SqliteConnection>;

impl Readers {
    /// Opens `count` connections with the store's options.
    pub(crate) async fn open(options: &SqliteConnectOptions, count: usize) -> sqlx::Result<Readers> {
        let mut connections = Vec::with_capacity(count);
        for _ in 0..count {
            connections.push(Mutex::new(Some(options.connect().await?)));
        }
        Ok(Readers { connections: connections.into_boxed_slice(), next: AtomicUsize::new(0) })
    }

    /// A free connection, or the next one in turn once it is free; `PoolClosed` after `close`.
    pub(crate) async fn get(&self) -> sqlx::Result<Reader<'_>> {
        let free = self.connections.iter().find_map(|connection| connection.try_lock().ok());
        let guard = match free {
            Some(guard) => guard,
            None => {
                let turn = self.next.fetch_add(1, Ordering::Relaxed) % self.connections.len();
                self.connections[turn].lock().await
            }
        };
        MutexGuard::try_map(guard, Option::as_mut).map_err(|_| sqlx::Error::PoolClosed)
    }

    /// Closes every connection, waiting for those in use to be given back.
    pub(crate) async fn close(&self) {
        for connection in &self.connections {
            if let Some(connection) = connection.lock().await.take() {
                let _ = connection.close().await;
            }
        }
    }
}
