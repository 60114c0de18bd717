//! Contract cases for [`ChannelStore`](crate::ChannelStore): ordering, overwrites, deletion.

use super::fixtures::{channel, create_guild, event, id, invite, message, numbers, overwrite, pending_names};
use crate::{ChannelRecord, Store};

pub async fn guild_channels_are_ordered_by_position_then_id(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    for (channel_id, position) in [(105, 1), (104, 0), (103, 2), (102, 1)] {
        store.create_channel(&channel(channel_id, 100, position), &[]).await.expect("create");
    }

    let channels = store.guild_channels(id(100)).await.expect("channels");

    // 101 is the guild's first channel, at position 0.
    assert_eq!(numbers(channels.into_iter().map(|c| c.id)), [101, 104, 102, 105, 103]);
}

pub async fn a_channel_without_a_guild_is_readable(store: &dyn Store) {
    let dm = ChannelRecord { guild_id: None, kind: 1, name: String::new(), ..channel(200, 1, 0) };

    store.create_channel(&dm, &[event(900, "CHANNEL_CREATE")]).await.expect("create");

    assert_eq!(store.channel(id(200)).await.expect("read"), Some(dm));
    assert_eq!(store.channel(id(201)).await.expect("missing"), None);
    assert_eq!(pending_names(store).await, ["CHANNEL_CREATE"]);
}

pub async fn updating_a_channel_replaces_overwrites_and_keeps_last_message_id(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    let original = ChannelRecord {
        overwrites: vec![overwrite(100, 0, 0, 1024), overwrite(1, 1, 1024, 0)],
        ..channel(110, 100, 1)
    };
    store.create_channel(&original, &[]).await.expect("create");
    assert_eq!(store.channel(id(110)).await.expect("read"), Some(original.clone()));
    store.create_message(&message(500, 110, 1), &[]).await.expect("message");

    let updated = ChannelRecord {
        name: "renamed".to_owned(),
        position: 3,
        topic: Some("topic".to_owned()),
        nsfw: true,
        rate_limit_per_user: 10,
        last_message_id: None,
        overwrites: vec![overwrite(1, 1, 0, 2048), overwrite(u64::from(u32::MAX) + 7, 0, u64::MAX, 0)],
        ..original
    };
    store.update_channel(&updated, &[event(901, "CHANNEL_UPDATE")]).await.expect("update");

    let stored = store.channel(id(110)).await.expect("read").expect("exists");
    assert_eq!(stored, ChannelRecord { last_message_id: Some(id(500)), ..updated });
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "CHANNEL_UPDATE"]);
}

pub async fn deleting_a_channel_removes_its_messages_and_invites(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.create_channel(&channel(110, 100, 1), &[]).await.expect("create");
    store.create_message(&message(500, 110, 1), &[]).await.expect("message");
    store.create_invite(&invite("abc", 100, 110, 1), &[]).await.expect("invite");
    store.create_invite(&invite("keep", 100, 101, 1), &[]).await.expect("other invite");

    assert!(store.delete_channel(id(110), &[event(902, "CHANNEL_DELETE")]).await.expect("delete"));

    assert_eq!(store.channel(id(110)).await.expect("read"), None);
    assert_eq!(store.message(id(110), id(500)).await.expect("message"), None);
    assert_eq!(store.invite("abc").await.expect("invite"), None);
    assert!(store.invite("keep").await.expect("other invite").is_some());
    assert_eq!(numbers(store.guild_channels(id(100)).await.expect("channels").into_iter().map(|c| c.id)), [101]);
    assert!(!store.delete_channel(id(110), &[event(903, "CHANNEL_DELETE")]).await.expect("delete again"));
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "CHANNEL_DELETE"]);
}

pub async fn deleting_a_category_orphans_its_children(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    let category = ChannelRecord { kind: 4, ..channel(110, 100, 1) };
    let child = ChannelRecord { parent_id: Some(id(110)), ..channel(111, 100, 2) };
    store.create_channel(&category, &[]).await.expect("category");
    store.create_channel(&child, &[]).await.expect("child");

    assert!(store.delete_channel(id(110), &[]).await.expect("delete"));

    assert_eq!(store.channel(id(111)).await.expect("read"), Some(ChannelRecord { parent_id: None, ..child }));
}
