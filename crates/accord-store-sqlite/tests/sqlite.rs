//! SQLite-specific behaviour: the durability pragmas, the build's planner setting, data
//! surviving a reopen, and the reads run on the caller's thread.

use accord_core::Snowflake;
use accord_store::contract::fixtures::{create_guild, event, id, message};
use accord_store::{HealthStore, MessageStore, OutboxStore, Page, StoreError};
use accord_store_sqlite::SqliteStore;

#[tokio::test]
async fn the_store_runs_in_wal_mode_with_full_synchronous() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("accord.db")).await.expect("open");

    let settings = store.check_durability().await.expect("durable");

    assert_eq!(settings, "journal_mode=wal synchronous=2");
}

/// Without the planner stability guarantee, SQLite compiles a statement again each time a new
/// value is bound to a parameter its plan read (every `LIMIT $n`): `.cargo/config.toml` builds
/// the bundled SQLite with it on.
#[tokio::test]
async fn sqlite_is_built_with_the_query_planner_stability_guarantee() {
    use sqlx::{ConnectOptions, Connection};
    let mut connection =
        sqlx::sqlite::SqliteConnectOptions::new().in_memory(true).connect().await.expect("an in-memory database");

    let used: i64 = sqlx::query_scalar("SELECT sqlite_compileoption_used('ENABLE_QPSG')")
        .fetch_one(&mut connection)
        .await
        .expect("compile options read");

    assert_eq!(used, 1);
    connection.close().await.expect("closed");
}

#[tokio::test]
async fn data_survives_reopening_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("accord.db");
    {
        let store = SqliteStore::open(&path).await.expect("open");
        create_guild(&store, 100, 1).await;
        store.create_message(&message(1001, 101, 1), &[]).await.expect("message");
        store.close().await;
    }

    let reopened = SqliteStore::open(&path).await.expect("reopen");

    let history = reopened.messages(id(101), Page::Latest { limit: 10 }).await.expect("history");
    assert_eq!(history.iter().map(|m| m.id).collect::<Vec<Snowflake>>(), [id(1001)]);
    assert_eq!(reopened.check_durability().await.expect("durable"), "journal_mode=wal synchronous=2");
}

#[tokio::test]
async fn concurrent_messages_commit_together_and_one_bad_message_fails_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("accord.db")).await.expect("open");
    create_guild(&store, 100, 1).await;

    // Sent at once, they queue for the writer and share transactions; channel 999 does not
    // exist, so that one message breaks a shared statement and must fail on its own.
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..300u64 {
        let store = store.clone();
        let channel = if i == 150 { 999 } else { 101 };
        let events = [event(5000 + i, "MESSAGE_CREATE")];
        sends.spawn(async move { (i, store.create_message(&message(2000 + i, channel, 1), &events).await) });
    }
    let mut failed = Vec::new();
    while let Some(sent) = sends.join_next().await {
        let (i, result) = sent.expect("a send task");
        if result.is_err() {
            failed.push(i);
        }
    }

    assert_eq!(failed, [150]);
    let history = store.messages(id(101), Page::Latest { limit: 100 }).await.expect("history");
    assert_eq!(history.len(), 100);
    let mut stored = 0;
    let mut before = None;
    for _ in 0..10 {
        let page = match before {
            None => Page::Latest { limit: 100 },
            Some(id) => Page::Before { id, limit: 100 },
        };
        let messages = store.messages(id(101), page).await.expect("a page");
        stored += messages.len();
        match messages.last() {
            Some(oldest) => before = Some(oldest.id),
            None => break,
        }
    }
    assert_eq!(stored, 299, "every accepted message is stored once");
    let outbox = store.pending_events(1000).await.expect("outbox");
    let mut event_ids: Vec<u64> =
        outbox.iter().filter(|e| e.event.name == "MESSAGE_CREATE").map(|e| e.event.id.get()).collect();
    event_ids.sort_unstable();
    assert_eq!(
        event_ids,
        (5000..5300).filter(|&i| i != 5150).collect::<Vec<_>>(),
        "each accepted message's event, once"
    );
}

/// A read on the caller's thread keeps its connection for the next one; it must not keep the
/// snapshot it read from.
#[tokio::test]
async fn a_kept_read_connection_sees_every_later_commit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("accord.db")).await.expect("open");
    create_guild(&store, 100, 1).await;

    for n in 0..3 {
        store.create_message(&message(1001 + n, 101, 1), &[]).await.expect("message");
        let history = store.messages(id(101), Page::Latest { limit: 10 }).await.expect("history");
        assert_eq!(history.len() as u64, n + 1, "the page after message {n}");
        assert!(store.message(id(101), id(1001 + n)).await.expect("message read").is_some());
    }
}

#[tokio::test]
async fn reads_after_closing_fail_as_unavailable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("accord.db")).await.expect("open");
    create_guild(&store, 100, 1).await;
    store.messages(id(101), Page::Latest { limit: 10 }).await.expect("a read while open");

    store.close().await;

    let read = store.messages(id(101), Page::Latest { limit: 10 }).await;
    assert!(matches!(read, Err(StoreError::Unavailable(_))), "{read:?}");
}
