//! The transactional outbox: an event committed with its change is published even when the
//! process died between commit and publish.

use accord_store::EventDraft;
use accord_store::contract::fixtures;
use accord_testkit::{TestData, TestServer};

#[tokio::test]
async fn events_committed_before_a_crash_are_published_after_restart() {
    // Arrange: a database that holds a committed change and its event, as a
    // process leaves it when it dies right after commit, before its relay ran.
    let data = TestData::new().await;
    let store = data.store().await;
    let new = fixtures::new_guild(1 << 40, 7);
    let event = EventDraft {
        data: r#"{"marker":"committed-before-crash"}"#.into(),
        ..fixtures::event((1 << 40) + 2, "GUILD_UPDATE")
    };
    store.create_guild(&new, &[event]).await.unwrap();
    drop(store);

    // Act: a server starts on that data.
    let mut server = TestServer::spawn_in(data, |_| {}).await;
    let mut events = server.events_from_start();

    // Assert: the relay publishes the left-behind event, exactly once.
    let seen = events.expect("GUILD_UPDATE").await;
    assert_eq!(seen.data["marker"], "committed-before-crash");
    let again = events.drain(std::time::Duration::from_millis(600)).await;
    assert!(!again.contains(&"GUILD_UPDATE".to_owned()), "published twice: {again:?}");
}
