//! Contract cases for [`MessageStore`](crate::MessageStore): creation, nonce deduplication
//! (also under concurrency), history pages with exact ids, edits and deletion.

use super::fixtures::{channel, create_guild, enforced, event, id, message, numbers, pending_names};
use crate::{CreatedMessage, MessageRecord, MessageReference, Page, Store};

/// A guild (100, owner 1) whose channel 101 holds messages 1001..=1010.
async fn history(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    for message_id in 1001..=1010 {
        store.create_message(&message(message_id, 101, 1), &[]).await.expect("create");
    }
}

async fn page(store: &dyn Store, page: Page) -> Vec<u64> {
    numbers(store.messages(id(101), page).await.expect("page").into_iter().map(|m| m.id))
}

pub async fn a_created_message_is_readable_and_sets_last_message_id(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.create_message(&message(1001, 101, 1), &[]).await.expect("first");
    let reply = MessageRecord {
        guild_id: Some(id(100)),
        nonce: Some("n-1".to_owned()),
        tts: true,
        kind: 19,
        flags: 1 << 63,
        mention_everyone: true,
        mention_user_ids: vec![id(3), id(2)],
        mention_role_ids: vec![id(100)],
        reference: Some(MessageReference { message_id: id(1001), channel_id: id(101), guild_id: Some(id(100)) }),
        content: "a \"quoted\" line,\nünïcødé 🎉 and \\ [1,2]".to_owned(),
        embeds: r#"[{"title":"t \"q\""}]"#.to_owned(),
        ..message(1002, 101, 1)
    };

    let created = store.create_message(&reply, &[event(900, "MESSAGE_CREATE")]).await.expect("create");

    assert_eq!(created, CreatedMessage::New(reply.clone()));
    assert_eq!(store.message(id(101), id(1002)).await.expect("read"), Some(reply.clone()));
    let first = store.message(id(101), id(1001)).await.expect("read").expect("first");
    assert_eq!(store.messages(id(101), Page::Latest { limit: 10 }).await.expect("page"), [reply, first], "a page");
    let channel = store.channel(id(101)).await.expect("read").expect("exists");
    assert_eq!(channel.last_message_id, Some(id(1002)));
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "MESSAGE_CREATE"]);
}

pub async fn a_message_is_only_found_in_its_channel(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.create_channel(&channel(102, 100, 1), &[]).await.expect("channel");
    store.create_message(&message(1001, 101, 1), &[]).await.expect("create");

    assert_eq!(store.message(id(102), id(1001)).await.expect("other channel"), None);
    assert_eq!(store.messages(id(102), Page::Latest { limit: 10 }).await.expect("other history"), vec![]);
    assert!(!store.delete_message(id(102), id(1001), &[]).await.expect("delete elsewhere"));
    assert!(store.message(id(101), id(1001)).await.expect("read").is_some());
}

pub async fn a_repeated_enforced_nonce_returns_the_original(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    let original = enforced(1001, 101, 1, "n-1");
    store.create_message(&original, &[event(900, "MESSAGE_CREATE")]).await.expect("create");

    let repeat = MessageRecord { content: "again".to_owned(), ..enforced(1002, 101, 1, "n-1") };
    let created = store.create_message(&repeat, &[event(901, "MESSAGE_CREATE")]).await.expect("repeat");

    assert_eq!(created, CreatedMessage::Existing(original));
    assert_eq!(store.message(id(101), id(1002)).await.expect("read"), None);
    assert_eq!(page(store, Page::Latest { limit: 10 }).await, [1001]);
    assert_eq!(store.channel(id(101)).await.expect("read").and_then(|c| c.last_message_id), Some(id(1001)));
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "MESSAGE_CREATE"]);

    let other_author = enforced(1003, 101, 2, "n-1");
    let created = store.create_message(&other_author, &[]).await.expect("other author");
    assert_eq!(created, CreatedMessage::New(other_author));
}

pub async fn concurrent_identical_creates_store_one_message(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    // Two requests with the same nonce get different ids; a retried identical record too.
    let cases = [
        (enforced(1001, 101, 1, "n-1"), enforced(1002, 101, 1, "n-1")),
        (enforced(1003, 101, 1, "n-2"), enforced(1003, 101, 1, "n-2")),
    ];

    for (first, second) in &cases {
        let events = [event(first.id.get() + 900, "MESSAGE_CREATE")];
        let (a, b) = tokio::join!(store.create_message(first, &events), store.create_message(second, &events));

        let outcomes = [a.expect("create a"), b.expect("create b")];
        let new: Vec<_> =
            outcomes.iter().filter_map(|o| if let CreatedMessage::New(m) = o { Some(m.id) } else { None }).collect();
        let existing: Vec<_> = outcomes
            .iter()
            .filter_map(|o| if let CreatedMessage::Existing(m) = o { Some(m.id) } else { None })
            .collect();
        assert_eq!(new.len(), 1, "{outcomes:?}");
        assert_eq!(new, existing, "both answers name the stored message");
    }

    assert_eq!(page(store, Page::Latest { limit: 10 }).await.len(), 2);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "MESSAGE_CREATE", "MESSAGE_CREATE"]);
}

pub async fn unenforced_nonces_may_repeat(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    let first = MessageRecord { nonce: Some("n-1".to_owned()), ..message(1001, 101, 1) };
    let second = MessageRecord { nonce: Some("n-1".to_owned()), ..message(1002, 101, 1) };
    let third = enforced(1003, 101, 1, "n-1");

    for m in [&first, &second, &third] {
        assert_eq!(store.create_message(m, &[]).await.expect("create"), CreatedMessage::New(m.clone()));
    }

    assert_eq!(page(store, Page::Latest { limit: 10 }).await, [1003, 1002, 1001]);
}

pub async fn the_latest_page_is_the_newest_messages(store: &dyn Store) {
    history(store).await;

    assert_eq!(page(store, Page::Latest { limit: 3 }).await, [1010, 1009, 1008]);
    assert_eq!(page(store, Page::Latest { limit: 100 }).await, (1001..=1010).rev().collect::<Vec<_>>());
}

pub async fn a_before_page_is_the_newest_older_messages(store: &dyn Store) {
    history(store).await;

    assert_eq!(page(store, Page::Before { id: id(1005), limit: 3 }).await, [1004, 1003, 1002]);
    assert_eq!(page(store, Page::Before { id: id(1003), limit: 5 }).await, [1002, 1001]);
    assert_eq!(page(store, Page::Before { id: id(1001), limit: 5 }).await, [0u64; 0]);
}

pub async fn an_after_page_is_the_oldest_newer_messages_newest_first(store: &dyn Store) {
    history(store).await;

    assert_eq!(page(store, Page::After { id: id(1005), limit: 3 }).await, [1008, 1007, 1006]);
    assert_eq!(page(store, Page::After { id: id(1008), limit: 5 }).await, [1010, 1009]);
    assert_eq!(page(store, Page::After { id: id(1000), limit: 2 }).await, [1002, 1001]);
    assert_eq!(page(store, Page::After { id: id(1010), limit: 5 }).await, [0u64; 0]);
}

/// The newer side gets `limit / 2` messages; the message itself and the older side the rest.
pub async fn an_around_page_holds_the_message_and_both_sides(store: &dyn Store) {
    history(store).await;

    assert_eq!(page(store, Page::Around { id: id(1005), limit: 5 }).await, [1007, 1006, 1005, 1004, 1003]);
    assert_eq!(page(store, Page::Around { id: id(1005), limit: 4 }).await, [1007, 1006, 1005, 1004]);
    assert_eq!(page(store, Page::Around { id: id(1005), limit: 1 }).await, [1005]);
    assert_eq!(page(store, Page::Around { id: id(1009), limit: 6 }).await, [1010, 1009, 1008, 1007]);
    assert_eq!(page(store, Page::Around { id: id(1001), limit: 4 }).await, [1003, 1002, 1001]);
}

pub async fn an_around_page_of_a_missing_message_holds_both_sides(store: &dyn Store) {
    history(store).await;
    assert!(store.delete_message(id(101), id(1005), &[]).await.expect("delete"));

    let around = page(store, Page::Around { id: id(1005), limit: 4 }).await;

    assert_eq!(around, [1007, 1006, 1004, 1003]);
}

pub async fn updating_a_message_replaces_its_editable_fields(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    let original = MessageRecord { nonce: Some("n".to_owned()), ..message(1001, 101, 1) };
    store.create_message(&original, &[]).await.expect("create");
    let edited = MessageRecord {
        content: "edited".to_owned(),
        flags: 4,
        edited_ms: Some(1_700_000_000_123),
        mention_everyone: true,
        mention_user_ids: vec![id(2)],
        mention_role_ids: vec![id(100), id(7)],
        ..original
    };

    store.update_message(&edited, &[event(900, "MESSAGE_UPDATE")]).await.expect("update");

    assert_eq!(store.message(id(101), id(1001)).await.expect("read"), Some(edited));
    store.update_message(&message(1002, 101, 1), &[event(901, "MESSAGE_UPDATE")]).await.expect("missing message");
    assert_eq!(store.message(id(101), id(1002)).await.expect("read"), None);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "MESSAGE_UPDATE"]);
}

pub async fn deleting_a_message_returns_whether_it_existed(store: &dyn Store) {
    history(store).await;

    assert!(store.delete_message(id(101), id(1004), &[event(900, "MESSAGE_DELETE")]).await.expect("delete"));
    assert!(!store.delete_message(id(101), id(1004), &[event(901, "MESSAGE_DELETE")]).await.expect("again"));

    assert_eq!(store.message(id(101), id(1004)).await.expect("read"), None);
    assert_eq!(page(store, Page::Before { id: id(1006), limit: 3 }).await, [1005, 1003, 1002]);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "MESSAGE_DELETE"]);
}
