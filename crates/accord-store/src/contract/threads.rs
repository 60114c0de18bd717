//! Contract cases for [`ThreadStore`](crate::ThreadStore): threads from messages and forum
//! posts, counts, members, listings, and threads leaving with their parent.

use super::fixtures::{channel, create_guild, event, id, message, numbers, pending_names, thread};
use crate::{
    ChannelRecord, ForumRecord, ForumTag, MessageRecord, Page, ReactionEmoji, Store, StoreError, ThreadMemberRecord,
};

fn counts(thread: &ChannelRecord) -> (u32, u32, u32) {
    let meta = thread.thread.as_ref().expect("a thread");
    (meta.message_count, meta.member_count, meta.total_message_sent)
}

async fn read(store: &dyn Store, thread_id: u64) -> ChannelRecord {
    store.channel(id(thread_id)).await.expect("read").expect("exists")
}

pub async fn a_thread_from_a_message_counts_its_messages_and_members(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.create_message(&message(1001, 101, 1), &[]).await.expect("parent message");

    store
        .create_thread(&thread(1001, 101, 100, 1), Some(id(1001)), None, &[event(900, "THREAD_CREATE")])
        .await
        .unwrap();
    let again = store.create_thread(&thread(1001, 101, 100, 2), Some(id(1001)), None, &[]).await;

    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let source = store.message(id(101), id(1001)).await.unwrap().unwrap();
    assert_eq!(source.flags & (1 << 5), 1 << 5, "HAS_THREAD");
    assert_eq!(counts(&read(store, 1001).await), (0, 1, 0));
    for n in 2001..=2003 {
        store.create_message(&message(n, 1001, 2), &[]).await.unwrap();
    }
    store.delete_message(id(1001), id(2002), &[]).await.unwrap();
    let member = ThreadMemberRecord { thread_id: id(1001), user_id: id(2), joined_ms: 5, flags: 0 };
    assert!(store.add_thread_member(&member, &[event(901, "THREAD_MEMBERS_UPDATE")]).await.unwrap());
    assert!(!store.add_thread_member(&member, &[event(902, "X")]).await.unwrap());

    let stored = read(store, 1001).await;
    assert_eq!(counts(&stored), (2, 2, 3));
    assert_eq!(stored.last_message_id, Some(id(2003)));
    let members = store.thread_members(id(1001)).await.unwrap();
    assert_eq!(numbers(members.iter().map(|m| m.user_id)), [1, 2]);
    assert_eq!(store.memberships(id(2), &[id(1001), id(999)]).await.unwrap(), [member]);
    assert!(store.remove_thread_member(id(1001), id(2), &[event(903, "THREAD_MEMBERS_UPDATE")]).await.unwrap());
    assert!(!store.remove_thread_member(id(1001), id(2), &[event(904, "X")]).await.unwrap());
    assert_eq!(counts(&read(store, 1001).await).1, 1);
    assert_eq!(
        pending_names(store).await,
        ["GUILD_CREATE", "THREAD_CREATE", "THREAD_MEMBERS_UPDATE", "THREAD_MEMBERS_UPDATE"]
    );
}

pub async fn a_forum_post_is_a_thread_with_its_starter_message(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    let forum = ForumRecord {
        tags: vec![ForumTag {
            id: id(7),
            name: "help".into(),
            moderated: true,
            emoji_id: None,
            emoji_name: Some("❓".into()),
        }],
        default_sort_order: Some(0),
        default_layout: 1,
        default_reaction_emoji: Some(ReactionEmoji { id: None, name: "👍".into(), animated: false }),
        default_thread_rate_limit_per_user: 5,
    };
    let board = ChannelRecord { kind: 15, forum: Some(forum), ..channel(102, 100, 1) };
    store.create_channel(&board, &[]).await.unwrap();
    let mut post = thread(1001, 102, 100, 2);
    post.thread.as_mut().unwrap().applied_tags = vec![id(7)];
    let starter = MessageRecord { content: "how do I?".into(), ..message(1001, 1001, 2) };

    store.create_thread(&post, None, Some(&starter), &[]).await.unwrap();

    assert_eq!(read(store, 102).await, board, "forum settings round-trip");
    let stored = read(store, 1001).await;
    assert_eq!(stored.thread.as_ref().unwrap().applied_tags, [id(7)]);
    assert_eq!(counts(&stored), (0, 1, 0), "the starter does not count");
    assert_eq!(stored.last_message_id, Some(id(1001)));
    assert_eq!(store.message(id(1001), id(1001)).await.unwrap(), Some(starter));
    store.delete_message(id(1001), id(1001), &[]).await.unwrap();
    assert_eq!(counts(&read(store, 1001).await).0, 0);
    let channels = store.guild_channels(id(100)).await.unwrap();
    assert_eq!(numbers(channels.iter().map(|c| c.id)), [101, 102], "threads are not listed as channels");
}

pub async fn threads_are_listed_active_or_archived(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    for (n, kind) in [(1001, 11), (1002, 11), (1003, 12), (1004, 11)] {
        store.create_thread(&ChannelRecord { kind, ..thread(n, 101, 100, 1) }, None, None, &[]).await.unwrap();
    }
    store.create_message(&message(2001, 1001, 1), &[]).await.unwrap();
    let archive = |n: u64, at: u64| async move {
        let mut t = read(store, n).await;
        let meta = t.thread.as_mut().unwrap();
        (meta.archived, meta.archive_ms) = (true, at);
        store.update_thread(&t, &[]).await.unwrap();
    };
    archive(1002, 5_000).await;
    archive(1003, 6_000).await;
    archive(1004, 7_000).await;

    let active = store.active_threads(id(100)).await.unwrap();
    assert_eq!(numbers(active.iter().map(|c| c.id)), [1001]);
    let public = store.archived_threads(id(101), false, None, 10).await.unwrap();
    assert_eq!(numbers(public.iter().map(|c| c.id)), [1004, 1002]);
    let older = store.archived_threads(id(101), false, Some(7_000), 10).await.unwrap();
    assert_eq!(numbers(older.iter().map(|c| c.id)), [1002]);
    let private = store.archived_threads(id(101), true, None, 10).await.unwrap();
    assert_eq!(numbers(private.iter().map(|c| c.id)), [1003]);
    assert_eq!(read(store, 1004).await.thread.unwrap().archive_ms, 7_000);
}

pub async fn deleting_a_channel_deletes_its_threads(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.create_thread(&thread(1001, 101, 100, 1), None, None, &[]).await.unwrap();
    store.create_message(&message(2001, 1001, 1), &[]).await.unwrap();

    assert!(store.delete_channel(id(101), &[]).await.unwrap());

    assert_eq!(store.channel(id(1001)).await.unwrap(), None);
    assert_eq!(store.messages(id(1001), Page::Latest { limit: 10 }).await.unwrap(), []);
    assert_eq!(store.thread_members(id(1001)).await.unwrap(), []);
}

pub async fn threads_go_stale_after_their_auto_archive_period(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    for n in [1001, 1002, 1003] {
        store.create_thread(&thread(n, 101, 100, 1), None, None, &[]).await.unwrap();
    }
    // 1002's last message is from the snowflake epoch (2015), long after its creation at 1 000 s.
    store.create_message(&message(2001, 1002, 1), &[]).await.unwrap();
    let mut archived = read(store, 1003).await;
    archived.thread.as_mut().unwrap().archived = true;
    store.update_thread(&archived, &[]).await.unwrap();
    let day_later = 1_000_000 + 1440 * 60_000;

    let stale = |now: u64| async move { numbers(store.stale_threads(now, 10).await.unwrap().iter().map(|t| t.id)) };

    assert_eq!(stale(day_later - 1).await, [0u64; 0]);
    assert_eq!(stale(day_later).await, [1001]);
    let epoch = accord_core::snowflake::DISCORD_EPOCH_MS;
    assert_eq!(stale(epoch + 1440 * 60_000).await, [1001, 1002]);
}
