//! Contract cases for [`OutboxStore`](crate::OutboxStore): events commit with their writes,
//! in order, only when the write changed something, until they are marked published.

use super::fixtures::{create_guild, create_users, enforced, event, id, join, member, pending_names};
use crate::{EventDraft, Store};

pub async fn events_appear_in_commit_order(store: &dyn Store) {
    create_users(store, &[1, 2]).await;
    let detailed = EventDraft {
        guild_id: Some(id(100)),
        channel_id: Some(id(101)),
        user_ids: vec![id(2), id(1)],
        data: r#"{"content":"hi"}"#.to_owned(),
        ..event(903, "MESSAGE_CREATE")
    };
    let guild = super::fixtures::new_guild(100, 1);
    store.create_guild(&guild, &[event(900, "GUILD_CREATE"), event(901, "CHANNEL_CREATE")]).await.expect("guild");
    store.add_member(&member(100, 2), &[event(902, "GUILD_MEMBER_ADD")]).await.expect("join");
    store.create_message(&enforced(1001, 101, 2, "n"), std::slice::from_ref(&detailed)).await.expect("message");

    let pending = store.pending_events(100).await.expect("pending");

    let ids: Vec<u64> = pending.iter().map(|e| e.event.id.get()).collect();
    assert_eq!(ids, [900, 901, 902, 903]);
    assert!(pending.windows(2).all(|w| w[0].position < w[1].position), "positions increase: {pending:?}");
    assert_eq!(pending[3].event, detailed);
}

pub async fn writes_that_change_nothing_add_no_events(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    join(store, 100, 2).await;
    store.create_message(&enforced(1001, 101, 2, "n"), &[]).await.expect("message");

    store.add_member(&member(100, 2), &[event(901, "NOPE")]).await.expect("already a member");
    store.create_message(&enforced(1002, 101, 2, "n"), &[event(902, "NOPE")]).await.expect("repeated nonce");
    store.remove_member(id(100), id(3), &[event(903, "NOPE")]).await.expect("not a member");
    store.delete_message(id(101), id(1999), &[event(904, "NOPE")]).await.expect("unknown message");
    store.delete_channel(id(199), &[event(905, "NOPE")]).await.expect("unknown channel");
    store.delete_role(id(100), id(199), &[event(906, "NOPE")]).await.expect("unknown role");
    store.delete_invite("nope", &[event(907, "NOPE")]).await.expect("unknown invite");
    store.delete_guild(id(199), &[event(908, "NOPE")]).await.expect("unknown guild");

    assert_eq!(pending_names(store).await, ["GUILD_CREATE"]);
}

pub async fn marking_published_removes_events_up_to_the_position(store: &dyn Store) {
    create_users(store, &[1, 2, 3, 4]).await;
    store.create_guild(&super::fixtures::new_guild(100, 1), &[event(900, "A")]).await.expect("guild");
    for (user_id, event_id) in [(2, 901), (3, 902), (4, 903)] {
        store.add_member(&member(100, user_id), &[event(event_id, "B")]).await.expect("join");
    }

    let first_two = store.pending_events(2).await.expect("pending");
    assert_eq!(first_two.iter().map(|e| e.event.id.get()).collect::<Vec<_>>(), [900, 901]);
    store.mark_published(first_two[1].position).await.expect("mark");

    let rest = store.pending_events(10).await.expect("pending");
    assert_eq!(rest.iter().map(|e| e.event.id.get()).collect::<Vec<_>>(), [902, 903]);
    store.mark_published(rest[1].position).await.expect("mark");
    assert_eq!(store.pending_events(10).await.expect("pending"), vec![]);

    store.add_member(&member(100, 5), &[event(904, "C")]).await.expect("join");
    let later = store.pending_events(10).await.expect("pending");
    assert_eq!(later.len(), 1);
    assert!(later[0].position > rest[1].position, "positions keep increasing after publishing");
}
