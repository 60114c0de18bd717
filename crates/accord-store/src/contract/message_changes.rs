//! Contract cases for the rest of [`MessageStore`](crate::MessageStore): attachments and embeds
//! round-trip, edit history, bulk deletion and pins with their limit.

use super::fixtures::{create_guild, event, id, message, numbers, pending_names};
use crate::{AttachmentRecord, MessageRecord, MessageVersion, PinOutcome, Store};

pub async fn attachments_and_embeds_round_trip(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    let file = AttachmentRecord {
        id: id(5001),
        filename: "cat.png".to_owned(),
        size: 1234,
        content_type: "image/png".to_owned(),
        width: Some(640),
        height: Some(480),
        description: Some("a cat".to_owned()),
    };
    let plain = AttachmentRecord { id: id(5002), content_type: "text/plain; charset=utf-8".to_owned(), ..file.clone() };
    let rich = MessageRecord {
        attachments: vec![file, AttachmentRecord { width: None, height: None, description: None, ..plain }],
        embeds: r#"[{"title":"t","description":"ünïcode"}]"#.to_owned(),
        ..message(1001, 101, 1)
    };

    store.create_message(&rich, &[]).await.expect("create");

    assert_eq!(store.message(id(101), id(1001)).await.expect("read"), Some(rich));
}

pub async fn edits_keep_the_versions_they_replace(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    let original = message(1001, 101, 1);
    store.create_message(&original, &[]).await.expect("create");
    let first = MessageRecord { content: "first edit".to_owned(), edited_ms: Some(2_000), ..original.clone() };
    let flags_only = MessageRecord { flags: 4, edited_ms: Some(2_500), ..first.clone() };
    let second = MessageRecord { embeds: "[{}]".to_owned(), edited_ms: Some(3_000), ..flags_only.clone() };

    for edit in [&first, &flags_only, &second] {
        store.update_message(edit, &[]).await.expect("edit");
    }

    let versions = store.message_versions(id(101), id(1001)).await.expect("versions");
    let expected = [
        MessageVersion {
            version: 1,
            content: original.content.clone(),
            embeds: "[]".to_owned(),
            written_ms: original.id.timestamp_ms(),
            replaced_ms: 2_000,
        },
        MessageVersion {
            version: 2,
            content: "first edit".to_owned(),
            embeds: "[]".to_owned(),
            written_ms: 2_500,
            replaced_ms: 3_000,
        },
    ];
    assert_eq!(versions, expected, "an edit that changes neither content nor embeds keeps no version");
    assert_eq!(store.message_versions(id(101), id(1002)).await.expect("none"), []);
    assert!(store.delete_message(id(101), id(1001), &[]).await.expect("delete"));
    assert_eq!(store.message_versions(id(101), id(1001)).await.expect("gone with it"), []);
}

pub async fn bulk_deletion_removes_the_listed_messages_of_the_channel(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    for n in 1001..=1005 {
        store.create_message(&message(n, 101, 1), &[]).await.expect("create");
    }

    let ids = [id(1001), id(1003), id(1003), id(9999)];
    let deleted = store.delete_messages(id(101), &ids, &[event(900, "MESSAGE_DELETE_BULK")]).await.expect("delete");
    let none = store.delete_messages(id(101), &[id(1001)], &[event(901, "MESSAGE_DELETE_BULK")]).await;

    assert_eq!(deleted, 2);
    assert_eq!(none.expect("again"), 0);
    let left = store.messages(id(101), crate::Page::Latest { limit: 10 }).await.expect("page");
    assert_eq!(numbers(left.into_iter().map(|m| m.id)), [1005, 1004, 1002]);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "MESSAGE_DELETE_BULK"]);
}

pub async fn pins_are_listed_newest_first_up_to_the_limit(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    for n in 1001..=1004 {
        store.create_message(&message(n, 101, 1), &[]).await.expect("create");
    }
    let pin = |n: u64, at: u64| store.set_pinned(id(101), id(n), Some(at), 3, &[]);

    assert_eq!(pin(1002, 10).await.expect("pin"), PinOutcome::Changed);
    assert_eq!(pin(1001, 20).await.expect("pin"), PinOutcome::Changed);
    assert_eq!(pin(1001, 30).await.expect("again"), PinOutcome::Unchanged);
    assert_eq!(pin(1003, 40).await.expect("pin"), PinOutcome::Changed);
    assert_eq!(pin(1004, 50).await.expect("over the limit"), PinOutcome::Full);
    assert_eq!(pin(9999, 60).await.expect("missing"), PinOutcome::Missing);

    let pinned = store.pinned_messages(id(101)).await.expect("pins");
    assert_eq!(numbers(pinned.iter().map(|m| m.id)), [1003, 1001, 1002]);
    assert_eq!(pinned[1].pinned_ms, Some(20));
    let unpin = store.set_pinned(id(101), id(1001), None, 3, &[event(900, "CHANNEL_PINS_UPDATE")]).await;
    assert_eq!(unpin.expect("unpin"), PinOutcome::Changed);
    assert_eq!(store.message(id(101), id(1001)).await.expect("read").expect("kept").pinned_ms, None);
    assert_eq!(pin(1004, 70).await.expect("room again"), PinOutcome::Changed);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "CHANNEL_PINS_UPDATE"]);
}

pub async fn concurrent_pins_never_pass_the_limit(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    for n in 1001..=1006 {
        store.create_message(&message(n, 101, 1), &[]).await.expect("create");
    }

    let pins = (1001..=1006).map(|n| store.set_pinned(id(101), id(n), Some(n), 2, &[]));
    let outcomes = futures::future::join_all(pins).await;

    let changed = outcomes.into_iter().filter(|o| *o.as_ref().expect("pin") == PinOutcome::Changed).count();
    assert_eq!(changed, 2);
    assert_eq!(store.pinned_messages(id(101)).await.expect("pins").len(), 2);
}
