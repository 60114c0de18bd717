//! The transactional outbox: an event committed with its change is published even when the
//! process died between commit and publish.

use accord_store::contract::fixtures;
use accord_store::{EventDraft, GuildStore};
use accord_store_sqlite::SqliteStore;
use accord_testkit::TestServer;

#[tokio::test]
async fn events_committed_before_a_crash_are_published_after_restart() {
    // Arrange: a data directory whose database holds a committed change and its event, as a
    // process leaves it when it dies right after commit, before its relay ran.
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("accord.db")).await.unwrap();
    let new = fixtures::new_guild(1 << 40, 7);
    let event = EventDraft {
        data: r#"{"marker":"committed-before-crash"}"#.into(),
        ..fixtures::event((1 << 40) + 2, "GUILD_UPDATE")
    };
    store.create_guild(&new, &[event]).await.unwrap();
    store.close().await;

    // Act: a server starts on that directory.
    let mut server = TestServer::spawn_in(dir, |_| {}).await;
    let mut events = server.events_from_start();

    // Assert: the relay publishes the left-behind event, exactly once.
    let seen = events.expect("GUILD_UPDATE").await;
    assert_eq!(seen.data["marker"], "committed-before-crash");
    let again = events.drain(std::time::Duration::from_millis(600)).await;
    assert!(!again.contains(&"GUILD_UPDATE".to_owned()), "published twice: {again:?}");
}
