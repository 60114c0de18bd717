//! Contract cases for [`ReadStateStore`](crate::ReadStateStore): read marks and the pings
//! after them.

use super::fixtures::{channel, create_guild, event, id, message, pending_names};
use crate::{MessageRecord, ReadState, Store};

pub async fn mention_counts_follow_the_read_mark(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.create_channel(&channel(102, 100, 1), &[]).await.expect("channel");
    let pinging = |n: u64, author: u64| MessageRecord { guild_id: Some(id(100)), ..message(n, 101, author) };
    let messages = [
        MessageRecord { mention_user_ids: vec![id(2)], ..pinging(1001, 1) },
        MessageRecord { mention_role_ids: vec![id(50)], ..pinging(1002, 1) },
        MessageRecord { mention_everyone: true, mention_user_ids: vec![id(2)], ..pinging(1003, 1) },
        MessageRecord { mention_user_ids: vec![id(3)], ..pinging(1004, 1) },
        MessageRecord { mention_everyone: true, ..pinging(1005, 2) },
    ];
    for m in &messages {
        store.create_message(m, &[]).await.expect("create");
    }
    let (channels, targets) = ([id(101), id(102)], [id(2), id(50), id(100)]);
    let states = || store.read_states(id(2), &channels, &targets);

    let unread = ReadState { channel_id: id(101), last_message_id: None, mention_count: 3, last_pin_ms: None };
    assert_eq!(states().await.expect("states"), [unread], "never read; pings by others only; 102 is quiet");

    store.ack_message(id(2), id(101), id(1002), &[event(900, "MESSAGE_ACK")]).await.expect("ack");
    let read = ReadState { last_message_id: Some(id(1002)), mention_count: 1, ..states().await.unwrap()[0].clone() };
    assert_eq!(states().await.expect("states"), [read]);

    store.ack_message(id(2), id(101), id(1005), &[]).await.expect("ack");
    assert_eq!(states().await.expect("states")[0].mention_count, 0);
    store.ack_message(id(2), id(101), id(1001), &[]).await.expect("mark unread");
    assert_eq!(states().await.expect("states")[0].mention_count, 2);
    let without_roles = store.read_states(id(2), &[id(101)], &[id(2)]).await.expect("states");
    assert_eq!(without_roles[0].mention_count, 1, "only the direct ping after 1001");
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "MESSAGE_ACK"]);
}

pub async fn an_edit_that_drops_a_mention_drops_its_ping(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    let ping = MessageRecord { guild_id: Some(id(100)), mention_user_ids: vec![id(2)], ..message(1001, 101, 1) };
    store.create_message(&ping, &[]).await.expect("create");
    let count = || async { store.read_states(id(2), &[id(101)], &[id(2)]).await.expect("states") };
    assert_eq!(count().await[0].mention_count, 1);

    store.update_message(&MessageRecord { mention_user_ids: vec![], ..ping.clone() }, &[]).await.expect("edit");
    assert_eq!(count().await, []);

    store.update_message(&ping, &[]).await.expect("edit back");
    store.delete_message(id(101), id(1001), &[]).await.expect("delete");
    assert_eq!(count().await, []);
}

pub async fn read_marks_are_each_users_last_acknowledged_message(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.create_channel(&channel(102, 100, 1), &[]).await.expect("channel");
    for (user_id, channel_id, message_id) in [(1, 101, 1001), (2, 101, 1002), (2, 101, 1003), (3, 102, 1004)] {
        store.ack_message(id(user_id), id(channel_id), id(message_id), &[]).await.expect("ack");
    }

    let mut marks = store.read_marks(id(101), &[id(1), id(2), id(3), id(4)]).await.expect("marks");
    marks.sort();

    assert_eq!(marks, [(id(1), id(1001)), (id(2), id(1003))]);
    assert_eq!(store.read_marks(id(101), &[id(3)]).await.expect("marks"), []);
    assert_eq!(store.read_marks(id(102), &[id(3), id(1)]).await.expect("marks"), [(id(3), id(1004))]);
    assert_eq!(store.read_marks(id(101), &[]).await.expect("marks"), []);
}
