//! SQLite-specific behaviour: the durability pragmas and data surviving a reopen.

use accord_core::Snowflake;
use accord_store::contract::fixtures::{create_guild, id, message};
use accord_store::{HealthStore, MessageStore, Page};
use accord_store_sqlite::SqliteStore;

#[tokio::test]
async fn the_store_runs_in_wal_mode_with_full_synchronous() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("accord.db")).await.expect("open");

    let settings = store.check_durability().await.expect("durable");

    assert_eq!(settings, "journal_mode=wal synchronous=2");
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
