//! The accord-store contract suite against SQLite: every case on a fresh database file in its
//! own temp dir, which lives as long as the test.

use accord_store_sqlite::SqliteStore;

accord_store::contract_tests!(async {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("accord.db")).await.expect("open store");
    (store, dir)
});
