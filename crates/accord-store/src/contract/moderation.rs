//! Contract cases for [`ModerationStore`](crate::ModerationStore): what a ban removes and
//! deletes, the events it writes only when new, paging and lifting bans; and audit log
//! entries, written by any write that carries an audit log event, read back newest first
//! through each filter.

use super::fixtures::{
    audit_entry, ban, channel, create_guild, create_users, event, guild, id, invite, join, member, message, numbers,
    pending_names, thread,
};
use crate::{
    AuditLogQuery, BanOutcome, BanRecord, EventDraft, GuildRecord, MessageRecord, Page, ReactionEmoji, Store,
    StoreError,
};

/// A ban's events as a service would write them: the ban, the member leaving, and one bulk
/// deletion per channel.
fn ban_events(outcome: &BanOutcome) -> Vec<EventDraft> {
    let mut events = vec![event(900, "GUILD_BAN_ADD")];
    if outcome.was_member {
        events.push(event(901, "GUILD_MEMBER_REMOVE"));
    }
    for (n, (channel_id, _)) in outcome.deleted.iter().enumerate() {
        events.push(EventDraft { channel_id: Some(*channel_id), ..event(910 + n as u64, "MESSAGE_DELETE_BULK") });
    }
    events
}

async fn latest(store: &dyn Store, channel_id: u64) -> Vec<u64> {
    let page = store.messages(id(channel_id), Page::Latest { limit: 50 }).await.expect("page");
    numbers(page.into_iter().map(|m| m.id))
}

pub async fn a_ban_removes_the_member_and_their_recent_messages_in_the_guild(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.create_channel(&channel(102, 100, 1), &[]).await.expect("channel");
    store.create_thread(&thread(150, 101, 100, 1), None, None, &[]).await.expect("thread");
    create_guild(store, 200, 1).await;
    join(store, 100, 2).await;
    assert!(store.add_member(&member(200, 2), &[]).await.expect("join"));
    join(store, 100, 3).await;
    let pinging = MessageRecord { mention_user_ids: vec![id(3)], ..message(1011, 102, 2) };
    let writes = [
        message(1001, 101, 2),
        message(1010, 101, 2),
        message(1012, 101, 2),
        pinging,
        message(1013, 150, 2),
        message(1014, 101, 3),
        message(1015, 201, 2),
    ];
    for m in &writes {
        store.create_message(m, &[]).await.expect("message");
    }
    let thumbs = ReactionEmoji { id: None, name: "👍".to_owned(), animated: false };
    store.add_reaction(id(101), id(1010), &thumbs, id(3), 20, &[]).await.expect("react");
    store.set_pinned(id(101), id(1012), Some(5), 50, &[]).await.expect("pin");

    let outcome = store.ban(&ban(100, 2), Some(id(1010)), &ban_events).await.expect("ban");

    let expected = BanOutcome {
        already_banned: false,
        was_member: true,
        deleted: vec![(id(101), vec![id(1010), id(1012)]), (id(102), vec![id(1011)]), (id(150), vec![id(1013)])],
    };
    assert_eq!(outcome, expected);
    assert_eq!(store.ban_of(id(100), id(2)).await.expect("read"), Some(ban(100, 2)));
    assert_eq!(store.member(id(100), id(2)).await.expect("read"), None);
    assert!(store.member(id(200), id(2)).await.expect("read").is_some(), "other guilds keep them");
    assert_eq!(latest(store, 101).await, [1014, 1001], "older messages and other users' stay");
    assert_eq!(latest(store, 102).await, [0u64; 0]);
    assert_eq!(latest(store, 150).await, [0u64; 0]);
    assert_eq!(latest(store, 201).await, [1015], "other guilds' messages stay");
    let thread_meta = store.channel(id(150)).await.expect("read").expect("thread").thread.expect("meta");
    assert_eq!(thread_meta.message_count, 0);
    assert_eq!(store.pinned_messages(id(101)).await.expect("pins"), []);
    assert_eq!(store.reaction_users(id(101), id(1010), "👍", None, 10).await.expect("reactors"), []);
    let pings = store.read_states(id(3), &[id(102)], &[id(3)]).await.expect("read states");
    assert_eq!(pings.iter().map(|s| s.mention_count).sum::<u32>(), 0, "{pings:?}");
    assert_eq!(
        pending_names(store).await,
        [
            "GUILD_CREATE",
            "GUILD_CREATE",
            "GUILD_BAN_ADD",
            "GUILD_MEMBER_REMOVE",
            "MESSAGE_DELETE_BULK",
            "MESSAGE_DELETE_BULK",
            "MESSAGE_DELETE_BULK"
        ]
    );
}

pub async fn banning_a_banned_user_writes_nothing(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    create_users(store, &[2]).await;
    store.create_message(&message(1001, 101, 2), &[]).await.expect("message");
    let with_entry = |outcome: &BanOutcome| {
        let mut events = ban_events(outcome);
        events.push(audit_entry(5000 + outcome.deleted.len() as u64, 100, Some(1), 22));
        events
    };

    let first = store.ban(&ban(100, 2), None, &with_entry).await.expect("ban a non-member");
    // Joined again behind the store's back (callers check bans before adding members).
    assert!(store.add_member(&member(100, 2), &[]).await.expect("join"));
    let again = BanRecord { reason: Some("again".to_owned()), created_ms: 2_000_000, ..ban(100, 2) };
    let second = store.ban(&again, Some(id(1)), &with_entry).await.expect("ban again");

    assert_eq!(first, BanOutcome { already_banned: false, was_member: false, deleted: vec![] });
    assert_eq!(second, BanOutcome { already_banned: true, was_member: false, deleted: vec![] });
    assert_eq!(store.ban_of(id(100), id(2)).await.expect("read"), Some(ban(100, 2)), "the first ban stays");
    assert!(store.member(id(100), id(2)).await.expect("read").is_some());
    assert_eq!(latest(store, 101).await, [1001]);
    let log = store.audit_log(id(100), &AuditLogQuery { limit: 10, ..AuditLogQuery::default() }).await;
    assert_eq!(log.expect("audit log").len(), 1);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "GUILD_BAN_ADD", "GUILD_AUDIT_LOG_ENTRY_CREATE"]);
}

pub async fn a_join_racing_a_ban_never_leaves_a_banned_member(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    let users: Vec<u64> = (2..=21).collect();
    create_users(store, &users).await;
    store.create_invite(&invite("abc", 100, 101, 1), &[]).await.expect("invite");

    let races = users.iter().map(|&n| async move {
        let (joining, banning) = (member(100, n), ban(100, n));
        let joined = store.accept_invite("abc", &joining, 5_000_000, &[]);
        let banned = store.ban(&banning, None, &|_| Vec::new());
        let (joined, banned) = futures::future::join(joined, banned).await;
        joined.expect("accept");
        banned.expect("ban");
    });
    futures::future::join_all(races).await;

    for n in users {
        assert_eq!(store.member(id(100), id(n)).await.expect("read"), None, "user {n} is banned and a member");
    }
}

pub async fn bans_page_ascending_by_user_id(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    create_guild(store, 200, 1).await;
    for (guild_id, user_id) in [(100, 5), (100, 3), (100, 9), (100, 7), (200, 4)] {
        store.ban(&ban(guild_id, user_id), None, &|_| Vec::new()).await.expect("ban");
    }
    let page = |before: Option<u64>, after: Option<u64>, limit: u32| async move {
        let bans = store.bans(id(100), before.map(id), after.map(id), limit).await.expect("bans");
        numbers(bans.into_iter().map(|b| b.user_id))
    };

    assert_eq!(page(None, None, 10).await, [3, 5, 7, 9]);
    assert_eq!(page(None, None, 2).await, [3, 5]);
    assert_eq!(page(None, Some(3), 2).await, [5, 7]);
    assert_eq!(page(None, Some(4), 10).await, [5, 7, 9], "from a gap");
    assert_eq!(page(None, Some(9), 10).await, [0u64; 0]);
    assert_eq!(page(Some(9), None, 2).await, [5, 7], "the last ones before, still ascending");
    assert_eq!(page(Some(5), None, 10).await, [3]);
    assert_eq!(page(Some(3), None, 10).await, [0u64; 0]);
    assert_eq!(store.bans(id(200), None, None, 10).await.expect("other guild"), [ban(200, 4)]);
}

pub async fn unbanning_returns_whether_there_was_a_ban(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.ban(&ban(100, 2), None, &|_| Vec::new()).await.expect("ban");

    assert!(store.unban(id(100), id(2), &[event(900, "GUILD_BAN_REMOVE")]).await.expect("unban"));
    assert!(!store.unban(id(100), id(2), &[event(901, "GUILD_BAN_REMOVE")]).await.expect("again"));

    assert_eq!(store.ban_of(id(100), id(2)).await.expect("read"), None);
    assert_eq!(store.bans(id(100), None, None, 10).await.expect("bans"), []);
    let renewed = store.ban(&ban(100, 2), None, &|_| Vec::new()).await.expect("ban anew");
    assert!(!renewed.already_banned);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "GUILD_BAN_REMOVE"]);
}

pub async fn deleting_a_guild_deletes_its_bans_and_audit_log(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.ban(&ban(100, 2), None, &|_| vec![audit_entry(5001, 100, Some(1), 22)]).await.expect("ban");

    assert!(store.delete_guild(id(100), &[]).await.expect("delete"));

    assert_eq!(store.ban_of(id(100), id(2)).await.expect("read"), None);
    let log = store.audit_log(id(100), &AuditLogQuery { limit: 10, ..AuditLogQuery::default() }).await;
    assert_eq!(log.expect("audit log"), Vec::<String>::new());
}

/// The stored entries of guild 100 matching `query` (limit 50 unless given), as entry ids.
async fn entries(store: &dyn Store, query: AuditLogQuery) -> Vec<u64> {
    let query = AuditLogQuery { limit: if query.limit == 0 { 50 } else { query.limit }, ..query };
    let found = store.audit_log(id(100), &query).await.expect("audit log");
    found
        .iter()
        .map(|data| {
            let entry: serde_json::Value = serde_json::from_str(data).expect("entries are JSON");
            entry["id"].as_str().and_then(|n| n.parse().ok()).expect("an id")
        })
        .collect()
}

pub async fn audit_entries_are_written_with_their_events_and_read_newest_first(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    create_guild(store, 200, 1).await;
    let renamed = GuildRecord { name: "renamed".to_owned(), ..guild(100, 1) };
    let first = audit_entry(5001, 100, Some(1), 1);
    store.update_guild(&renamed, &[event(900, "GUILD_UPDATE"), first.clone()]).await.expect("update");
    store
        .create_channel(
            &channel(102, 100, 1),
            &[audit_entry(5002, 100, Some(2), 10), audit_entry(5003, 100, Some(1), 10)],
        )
        .await
        .expect("channel");
    store.ban(&ban(100, 3), None, &|_| vec![audit_entry(5004, 100, None, 22)]).await.expect("ban");
    store.update_guild(&guild(200, 1), &[audit_entry(5005, 200, Some(1), 1)]).await.expect("other guild");

    let all = store.audit_log(id(100), &AuditLogQuery { limit: 50, ..AuditLogQuery::default() }).await;
    let all = all.expect("audit log");

    assert_eq!(all.len(), 4);
    assert_eq!(all[3], first.data, "the event's data, as it was written");
    assert_eq!(entries(store, AuditLogQuery::default()).await, [5004, 5003, 5002, 5001]);
    let other = store.audit_log(id(200), &AuditLogQuery { limit: 50, ..AuditLogQuery::default() }).await;
    assert_eq!(other.expect("other guild").len(), 1);
    assert_eq!(
        pending_names(store).await,
        [
            "GUILD_CREATE",
            "GUILD_CREATE",
            "GUILD_UPDATE",
            "GUILD_AUDIT_LOG_ENTRY_CREATE",
            "GUILD_AUDIT_LOG_ENTRY_CREATE",
            "GUILD_AUDIT_LOG_ENTRY_CREATE",
            "GUILD_AUDIT_LOG_ENTRY_CREATE",
            "GUILD_AUDIT_LOG_ENTRY_CREATE"
        ]
    );
}

pub async fn audit_log_reads_filter_and_page(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    let written: Vec<EventDraft> = [(5001, Some(1), 1), (5002, Some(2), 10), (5003, Some(1), 10), (5004, None, 22)]
        .into_iter()
        .map(|(entry_id, user, action_type)| audit_entry(entry_id, 100, user, action_type))
        .collect();
    store.update_guild(&guild(100, 1), &written).await.expect("update");
    let query = AuditLogQuery::default;

    assert_eq!(entries(store, AuditLogQuery { user_id: Some(id(1)), ..query() }).await, [5003, 5001]);
    assert_eq!(entries(store, AuditLogQuery { action_type: Some(10), ..query() }).await, [5003, 5002]);
    let both = AuditLogQuery { user_id: Some(id(1)), action_type: Some(10), ..query() };
    assert_eq!(entries(store, both).await, [5003]);
    assert_eq!(entries(store, AuditLogQuery { user_id: Some(id(9)), ..query() }).await, [0u64; 0]);
    assert_eq!(entries(store, AuditLogQuery { limit: 2, ..query() }).await, [5004, 5003]);
    assert_eq!(entries(store, AuditLogQuery { before: Some(id(5003)), ..query() }).await, [5002, 5001]);
    let after = AuditLogQuery { after: Some(id(5001)), limit: 2, ..query() };
    assert_eq!(entries(store, after).await, [5003, 5002], "the oldest above `after`, newest first");
    let between = AuditLogQuery { after: Some(id(5001)), before: Some(id(5004)), ..query() };
    assert_eq!(entries(store, between).await, [5003, 5002]);
    assert_eq!(entries(store, AuditLogQuery { after: Some(id(5004)), ..query() }).await, [0u64; 0]);
}

pub async fn an_audit_event_without_its_entry_fails_the_write(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    let renamed = GuildRecord { name: "renamed".to_owned(), ..guild(100, 1) };
    let keyless = EventDraft { data: r#"{"id":"5001","action_type":1}"#.to_owned(), ..audit_entry(5001, 100, None, 1) };
    let not_json = EventDraft { data: "nope".to_owned(), ..keyless.clone() };

    for bad in [keyless, not_json] {
        let written = store.update_guild(&renamed, &[event(900, "GUILD_UPDATE"), bad]).await;
        assert!(matches!(written, Err(StoreError::Internal(_))), "{written:?}");
    }

    assert_eq!(store.guild(id(100)).await.expect("read").expect("exists").name, "guild 100", "rolled back");
    assert_eq!(entries(store, AuditLogQuery::default()).await, [0u64; 0]);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE"]);
}
