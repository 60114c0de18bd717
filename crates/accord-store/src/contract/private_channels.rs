//! Contract cases for [`PrivateChannelStore`](crate::PrivateChannelStore): one DM per pair,
//! group DMs and their people, the open flags that list them, and events only for changes.

use accord_core::Snowflake;

use super::fixtures::{dm, event, group_dm, id, message, numbers, pending_names};
use crate::{EventDraft, MessageRecord, OpenedDm, Page, PrivateChannelRecord, RecipientChange, Store};

/// The channel ids of a list, for compact assertions.
fn channel_ids(records: &[PrivateChannelRecord]) -> Vec<u64> {
    numbers(records.iter().map(|r| r.channel.id))
}

/// Events of a recipient change, built from the group afterwards: its owner and size go into
/// the event's data, so the cases see what the store handed the builder.
fn after(event_id: u64, name: &'static str) -> impl Fn(&PrivateChannelRecord) -> Vec<EventDraft> + Send + Sync {
    move |group| {
        let owner = group.owner_id.map_or(0, Snowflake::get);
        let data = format!(r#"{{"owner":{owner},"people":{}}}"#, group.recipients.len());
        vec![EventDraft { data, ..event(event_id, name) }]
    }
}

/// Builds an event that must never be written: for calls expected to change nothing.
fn none(_: &PrivateChannelRecord) -> Vec<EventDraft> {
    vec![event(999, "NOPE")]
}

/// The name and data of each pending event, in commit order.
async fn pending(store: &dyn Store) -> Vec<(String, String)> {
    let events = store.pending_events(100).await.expect("pending");
    events.into_iter().map(|e| (e.event.name, e.event.data)).collect()
}

pub async fn a_pair_has_one_dm_whichever_side_opens_it(store: &dyn Store) {
    let first = dm(1001, 1, 2);

    let opened = store.open_dm(&first, &[event(900, "CHANNEL_CREATE")]).await.expect("open");
    let again = store.open_dm(&dm(1002, 2, 1), &[event(901, "NOPE")]).await.expect("open again");

    assert_eq!(opened, OpenedDm::Created(first.clone()));
    assert_eq!(again, OpenedDm::Existing(first.clone()));
    assert_eq!(store.private_channel(id(1001)).await.expect("read"), Some(first.clone()));
    assert_eq!(store.channel(id(1001)).await.expect("read"), Some(first.channel));
    assert_eq!(store.channel(id(1002)).await.expect("read"), None, "the second open wrote nothing");
    let other = store.open_dm(&dm(1003, 1, 3), &[]).await.expect("another pair");
    assert!(matches!(other, OpenedDm::Created(_)), "{other:?}");
    assert_eq!(pending_names(store).await, ["CHANNEL_CREATE"]);
}

pub async fn concurrent_opens_of_one_pair_create_one_dm(store: &dyn Store) {
    let (left, right) = (dm(1001, 1, 2), dm(1002, 2, 1));
    let (left_events, right_events) = ([event(900, "CHANNEL_CREATE")], [event(901, "CHANNEL_CREATE")]);

    let (a, b) = tokio::join!(store.open_dm(&left, &left_events), store.open_dm(&right, &right_events));

    let (created, existing) = match (a.expect("left"), b.expect("right")) {
        (OpenedDm::Created(c), OpenedDm::Existing(e)) | (OpenedDm::Existing(e), OpenedDm::Created(c)) => (c, e),
        other => panic!("exactly one open creates the DM: {other:?}"),
    };
    assert_eq!(created, existing);
    assert_eq!(channel_ids(&store.private_channels_of(id(1)).await.expect("list")), [created.channel.id.get()]);
    assert_eq!(channel_ids(&store.private_channels_of(id(2)).await.expect("list")), [created.channel.id.get()]);
    let loser = if created.channel.id == id(1001) { 1002 } else { 1001 };
    assert_eq!(store.channel(id(loser)).await.expect("read"), None);
    assert_eq!(pending_names(store).await, ["CHANNEL_CREATE"]);
}

pub async fn private_channels_are_listed_newest_activity_first(store: &dyn Store) {
    let group = PrivateChannelRecord { icon: Some("a".repeat(32)), ..group_dm(1002, &[3, 1, 4]) };
    store.open_dm(&dm(1001, 1, 2), &[]).await.expect("dm");
    store.create_group_dm(&group, &[event(900, "CHANNEL_CREATE")]).await.expect("group");
    store.open_dm(&dm(1003, 5, 1), &[]).await.expect("dm");
    store.open_dm(&dm(1004, 2, 3), &[]).await.expect("someone else's dm");

    store.create_message(&message(2001, 1001, 2), &[]).await.expect("message");

    let listed = store.private_channels_of(id(1)).await.expect("list");
    assert_eq!(channel_ids(&listed), [1001, 1003, 1002], "by last message, else by creation");
    assert_eq!(listed[0].channel.last_message_id, Some(id(2001)));
    assert_eq!(listed[2], group, "recipients in join order, owner and icon");
    assert_eq!(store.private_channel(id(1002)).await.expect("read"), Some(group));
    assert_eq!(channel_ids(&store.private_channels_of(id(3)).await.expect("list")), [1004, 1002]);
    assert_eq!(channel_ids(&store.private_channels_of(id(6)).await.expect("list")), [0u64; 0]);
    assert_eq!(store.private_channel(id(9999)).await.expect("read"), None);
    assert_eq!(store.guild_channels(id(1)).await.expect("guild channels"), []);
    assert_eq!(pending_names(store).await, ["CHANNEL_CREATE"]);
}

pub async fn closing_a_dm_hides_it_until_a_new_message(store: &dyn Store) {
    store.open_dm(&dm(1001, 1, 2), &[]).await.expect("dm");
    store.create_group_dm(&group_dm(1002, &[1, 2, 3]), &[]).await.expect("group");
    let listed = || async { channel_ids(&store.private_channels_of(id(1)).await.expect("list")) };

    assert!(store.set_dm_open(id(1001), id(1), false, &[event(900, "CHANNEL_DELETE")]).await.expect("close"));
    assert!(!store.set_dm_open(id(1001), id(1), false, &[event(901, "NOPE")]).await.expect("close again"));
    assert!(!store.set_dm_open(id(1001), id(3), false, &[event(902, "NOPE")]).await.expect("not a recipient"));
    assert!(store.set_dm_open(id(1002), id(1), false, &[]).await.expect("close group"));
    assert_eq!(listed().await, [0u64; 0]);
    assert_eq!(channel_ids(&store.private_channels_of(id(2)).await.expect("list")), [1002, 1001]);

    let in_guild = MessageRecord { guild_id: Some(id(100)), ..message(2001, 1002, 2) };
    store.create_message(&in_guild, &[]).await.expect("a message claiming a guild");
    assert_eq!(listed().await, [0u64; 0], "only messages outside guilds reopen");
    store.create_message(&message(2002, 1001, 2), &[event(903, "MESSAGE_CREATE")]).await.expect("dm message");

    assert_eq!(listed().await, [1001]);
    assert!(!store.set_dm_open(id(1001), id(1), true, &[event(904, "NOPE")]).await.expect("already open"));
    assert!(store.set_dm_open(id(1002), id(1), true, &[event(905, "CHANNEL_CREATE")]).await.expect("reopen"));
    assert_eq!(listed().await, [1001, 1002]);
    assert_eq!(pending_names(store).await, ["CHANNEL_DELETE", "MESSAGE_CREATE", "CHANNEL_CREATE"]);
}

pub async fn updating_a_group_dm_replaces_its_name_and_icon(store: &dyn Store) {
    let group = group_dm(1002, &[1, 2]);
    store.create_group_dm(&group, &[]).await.expect("group");
    store.open_dm(&dm(1001, 1, 2), &[]).await.expect("dm");
    let mut renamed = PrivateChannelRecord { icon: Some("b".repeat(32)), ..group.clone() };
    renamed.channel.name = "friends".to_owned();

    assert!(store.update_group_dm(&renamed, &[event(900, "CHANNEL_UPDATE")]).await.expect("update"));

    assert_eq!(store.private_channel(id(1002)).await.expect("read"), Some(renamed.clone()));
    let cleared = PrivateChannelRecord { icon: None, ..group };
    assert!(store.update_group_dm(&cleared, &[event(901, "CHANNEL_UPDATE")]).await.expect("clear"));
    assert_eq!(store.private_channel(id(1002)).await.expect("read"), Some(cleared));
    assert!(!store.update_group_dm(&group_dm(1001, &[1, 2]), &[event(902, "NOPE")]).await.expect("a dm"));
    assert_eq!(store.private_channel(id(1001)).await.expect("read"), Some(dm(1001, 1, 2)));
    assert!(!store.update_group_dm(&group_dm(9999, &[1]), &[event(903, "NOPE")]).await.expect("unknown"));
    assert_eq!(pending_names(store).await, ["CHANNEL_UPDATE", "CHANNEL_UPDATE"]);
}

pub async fn adding_recipients_stops_at_the_limit(store: &dyn Store) {
    store.create_group_dm(&group_dm(1002, &[1, 2]), &[]).await.expect("group");
    store.open_dm(&dm(1001, 1, 2), &[]).await.expect("dm");

    let added = store.add_recipient(id(1002), id(3), 4, &after(900, "ADD")).await.expect("add");

    let RecipientChange::Changed(group) = added else { panic!("added: {added:?}") };
    assert_eq!(numbers(group.recipients.clone()), [1, 2, 3]);
    assert_eq!(store.private_channel(id(1002)).await.expect("read"), Some(group.clone()));
    let again = store.add_recipient(id(1002), id(2), 4, &none).await.expect("already in");
    assert_eq!(again, RecipientChange::Unchanged(group));
    assert_eq!(store.add_recipient(id(1001), id(3), 4, &none).await.expect("a dm"), RecipientChange::Unknown);
    assert_eq!(store.add_recipient(id(9999), id(3), 4, &none).await.expect("unknown"), RecipientChange::Unknown);

    let (add_4, add_5) = (after(901, "ADD"), after(902, "ADD"));
    let (a, b) =
        tokio::join!(store.add_recipient(id(1002), id(4), 4, &add_4), store.add_recipient(id(1002), id(5), 4, &add_5),);

    let outcomes = [a.expect("add 4"), b.expect("add 5")];
    let full = outcomes.iter().filter(|o| **o == RecipientChange::Full).count();
    assert_eq!(full, 1, "exactly one of two concurrent adds fits: {outcomes:?}");
    let stored = store.private_channel(id(1002)).await.expect("read").expect("exists");
    assert_eq!(stored.recipients.len(), 4);
    assert_eq!(numbers(stored.recipients[..3].iter().copied()), [1, 2, 3]);
    assert!(store.private_channels_of(id(3)).await.expect("list").contains(&stored), "open for the new recipient");
    let full = store.add_recipient(id(1002), id(6), 4, &none).await.expect("full");
    assert_eq!(full, RecipientChange::Full);
    let data: Vec<String> = pending(store).await.into_iter().map(|(_, data)| data).collect();
    assert_eq!(data, [r#"{"owner":1,"people":3}"#, r#"{"owner":1,"people":4}"#]);
}

pub async fn an_owner_leaving_passes_the_group_to_the_earliest_remaining_recipient(store: &dyn Store) {
    let group = PrivateChannelRecord { owner_id: Some(id(2)), ..group_dm(1002, &[1, 2, 3]) };
    store.create_group_dm(&group, &[]).await.expect("group");
    store.open_dm(&dm(1001, 1, 2), &[]).await.expect("dm");
    store.add_recipient(id(1002), id(4), 10, &after(900, "ADD")).await.expect("add");

    let removed = store.remove_recipient(id(1002), id(2), &after(901, "REMOVE")).await.expect("owner leaves");

    let expected = PrivateChannelRecord { owner_id: Some(id(1)), recipients: vec![id(1), id(3), id(4)], ..group };
    assert_eq!(removed, RecipientChange::Changed(expected.clone()));
    assert_eq!(store.private_channel(id(1002)).await.expect("read"), Some(expected.clone()));
    let removed = store.remove_recipient(id(1002), id(3), &after(902, "REMOVE")).await.expect("member leaves");
    let RecipientChange::Changed(kept) = removed else { panic!("{removed:?}") };
    assert_eq!(kept.owner_id, Some(id(1)), "the owner stays when someone else leaves");
    store.remove_recipient(id(1002), id(1), &after(903, "REMOVE")).await.expect("new owner leaves");
    let last = store.private_channel(id(1002)).await.expect("read").expect("exists");
    assert_eq!((last.owner_id, numbers(last.recipients.clone())), (Some(id(4)), vec![4]));

    let outsider = store.remove_recipient(id(1002), id(2), &none).await.expect("not in it");
    assert_eq!(outsider, RecipientChange::Unchanged(last));
    assert_eq!(store.remove_recipient(id(1001), id(1), &none).await.expect("a dm"), RecipientChange::Unknown);
    assert_eq!(store.private_channel(id(1001)).await.expect("read"), Some(dm(1001, 1, 2)));
    let events = pending(store).await;
    let expected_events = [
        ("ADD", r#"{"owner":2,"people":4}"#),
        ("REMOVE", r#"{"owner":1,"people":3}"#),
        ("REMOVE", r#"{"owner":1,"people":2}"#),
        ("REMOVE", r#"{"owner":4,"people":1}"#),
    ];
    assert_eq!(events, expected_events.map(|(n, d)| (n.to_owned(), d.to_owned())));
}

pub async fn the_last_recipient_leaving_deletes_the_group(store: &dyn Store) {
    store.create_group_dm(&group_dm(1002, &[1, 2]), &[]).await.expect("group");
    store.create_message(&message(2001, 1002, 1), &[]).await.expect("message");
    store.remove_recipient(id(1002), id(1), &after(900, "REMOVE")).await.expect("leave");

    let removed = store.remove_recipient(id(1002), id(2), &after(901, "REMOVE")).await.expect("last leaves");

    let RecipientChange::Changed(gone) = removed else { panic!("{removed:?}") };
    assert_eq!((gone.channel.id, gone.owner_id, gone.recipients.clone()), (id(1002), None, vec![]));
    assert_eq!(store.channel(id(1002)).await.expect("read"), None);
    assert_eq!(store.private_channel(id(1002)).await.expect("read"), None);
    assert_eq!(store.messages(id(1002), Page::Latest { limit: 10 }).await.expect("history"), []);
    assert_eq!(store.private_channels_of(id(2)).await.expect("list"), []);
    assert_eq!(store.remove_recipient(id(1002), id(2), &none).await.expect("again"), RecipientChange::Unknown);
    assert_eq!(pending_names(store).await, ["REMOVE", "REMOVE"]);
}
