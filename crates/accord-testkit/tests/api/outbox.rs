//! The transactional outbox: an event committed with its change is published even when the
//! process died between commit and publish.

use accord_core::Snowflake;
use accord_store::guilds::NewGuild;
use accord_store::{EventDraft, GuildRecord, GuildStore, MemberRecord, RoleRecord};
use accord_store_sqlite::SqliteStore;
use accord_testkit::TestServer;

fn id(n: u64) -> Snowflake {
    Snowflake::new(n).unwrap()
}

#[tokio::test]
async fn events_committed_before_a_crash_are_published_after_restart() {
    // Arrange: a data directory whose database holds a committed change and its event, as a
    // process leaves it when it dies right after commit, before its relay ran.
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("accord.db")).await.unwrap();
    let guild = GuildRecord {
        id: id(1 << 40),
        name: "Left behind".into(),
        icon: None,
        description: None,
        owner_id: id(7),
        verification_level: 0,
        default_message_notifications: 0,
        explicit_content_filter: 0,
        afk_channel_id: None,
        afk_timeout: 300,
        system_channel_id: None,
        preferred_locale: "en-US".into(),
    };
    let everyone = RoleRecord {
        id: guild.id,
        guild_id: guild.id,
        name: "@everyone".into(),
        color: 0,
        hoist: false,
        position: 0,
        permissions: 0,
        managed: false,
        mentionable: false,
    };
    let owner = MemberRecord {
        guild_id: guild.id,
        user_id: id(7),
        nick: None,
        roles: vec![],
        joined_ms: 0,
        deaf: false,
        mute: false,
        flags: 0,
        communication_disabled_until_ms: None,
    };
    let event = EventDraft {
        id: id((1 << 40) + 1),
        name: "GUILD_UPDATE".into(),
        guild_id: Some(guild.id),
        channel_id: None,
        user_ids: vec![],
        data: r#"{"marker":"committed-before-crash"}"#.into(),
    };
    let new = NewGuild { guild, roles: vec![everyone], channels: vec![], owner };
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
