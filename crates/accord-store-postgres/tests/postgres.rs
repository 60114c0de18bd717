//! PostgreSQL-specific behaviour: the durability assertion, failing fast when the server is
//! unreachable, concurrent migrations, and read-modify-writes under real parallelism (many
//! sessions at once, where the contract suite races two). Tests that need a server are skipped
//! when `ACCORD_TEST_POSTGRES_URL` is unset.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use accord_core::Snowflake;
use accord_store::contract::fixtures::{create_guild, create_users, enforced, event, id, invite, member, user};
use accord_store::{
    AcceptInvite, AccountStore, CreatedMessage, GuildStore, HealthStore, InviteRecord, InviteStore, MemberStore,
    MessageRecord, MessageStore, OutboxStore, Page, RefreshRecord, SessionRecord, StoreError, UserRecord,
};
use accord_store_postgres::PostgresStore;
use accord_store_postgres::testing::TestDatabase;
use futures::future::join_all;

/// A store on a fresh database, or `None` when no server is configured.
async fn fresh() -> Option<(PostgresStore, TestDatabase)> {
    let database = TestDatabase::from_env().await?;
    let store = PostgresStore::connect(&database.url).await.expect("connect");
    Some((store, database))
}

/// `url` with one more query parameter.
fn with_param(url: &str, param: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{param}")
}

#[tokio::test]
async fn the_store_reports_synchronous_commit_and_fsync() {
    let Some((store, _database)) = fresh().await else { return };

    let settings = store.check_durability().await.expect("durable");

    assert!(settings.starts_with("synchronous_commit=on fsync=on tls="), "{settings}");
}

#[tokio::test]
async fn sslmode_in_the_url_decides_whether_the_link_is_encrypted() {
    let Some(database) = TestDatabase::from_env().await else { return };

    let required = PostgresStore::connect(&with_param(&database.url, "sslmode=require")).await.expect("connect");
    let disabled = PostgresStore::connect(&with_param(&database.url, "sslmode=disable")).await.expect("connect");

    assert!(required.check_durability().await.unwrap().ends_with("tls=on"), "sslmode=require encrypts");
    assert!(disabled.check_durability().await.unwrap().ends_with("tls=off"));
}

#[tokio::test]
async fn sessions_without_synchronous_commit_are_not_durable() {
    let Some(database) = TestDatabase::from_env().await else { return };
    let url = with_param(&database.url, "options=-c%20synchronous_commit%3Doff");
    let store = PostgresStore::connect(&url).await.expect("connect");

    let result = store.check_durability().await;

    let Err(StoreError::Internal(message)) = result else { panic!("accepted: {result:?}") };
    assert!(message.contains("synchronous_commit=off"), "{message}");
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable_within_seconds() {
    let started = Instant::now();

    let result = PostgresStore::connect("postgres://postgres@127.0.0.1:1/postgres").await;

    assert!(matches!(result, Err(StoreError::Unavailable(_))), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn calls_on_a_closed_store_are_unavailable() {
    let Some((store, _database)) = fresh().await else { return };

    store.close().await;

    let result = store.ping().await;
    assert!(matches!(result, Err(StoreError::Unavailable(_))), "{result:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_starting_together_migrate_once() {
    let Some(database) = TestDatabase::from_env().await else { return };

    let stores = join_all((0..4).map(|_| PostgresStore::connect(&database.url))).await;

    for store in stores {
        store.expect("connect").ping().await.expect("ping");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_of_many_concurrent_signups_with_one_name_wins() {
    let Some((store, _database)) = fresh().await else { return };
    let contenders: Vec<UserRecord> = (1..=8)
        .map(|n| UserRecord { username: if n % 2 == 0 { "Same" } else { "sAME" }.to_owned(), ..user(n, None) })
        .collect();

    let results = join_all(contenders.iter().map(|u| store.create_user(u, Some("h")))).await;

    let won = results.iter().filter(|r| r.is_ok()).count();
    let conflicts = results.iter().filter(|r| matches!(r, Err(StoreError::Conflict("username")))).count();
    assert_eq!((won, conflicts), (1, 7), "{results:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_of_many_concurrent_rotations_wins() {
    let Some((store, _database)) = fresh().await else { return };
    create_users(&store, &[1]).await;
    let session = SessionRecord { id: id(10), user_id: id(1), created_ms: 1, revoked: false };
    let refresh = |hash: String| RefreshRecord {
        token_hash: hash,
        session_id: id(10),
        user_id: id(1),
        issued_ms: 1,
        rotated_ms: None,
        replays: 0,
    };
    store.create_session(&session, &refresh("r0".to_owned())).await.expect("session");
    let successors: Vec<RefreshRecord> = (1..=8).map(|n| refresh(format!("r{n}"))).collect();

    let results = join_all(successors.iter().map(|s| store.rotate_refresh_token("r0", s, 2))).await;

    let wins: Vec<bool> = results.into_iter().map(|r| r.expect("rotate")).collect();
    assert_eq!(wins.iter().filter(|&&w| w).count(), 1, "{wins:?}");
    for (successor, won) in successors.iter().zip(wins) {
        let stored = store.refresh_token(&successor.token_hash).await.expect("read").is_some();
        assert_eq!(stored, won, "{}", successor.token_hash);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_accepts_never_exceed_max_uses() {
    let Some((store, _database)) = fresh().await else { return };
    create_guild(&store, 100, 1).await;
    let joiners: Vec<u64> = (2..=11).collect();
    create_users(&store, &joiners).await;
    let limited = InviteRecord { max_uses: 3, ..invite("abc", 100, 101, 1) };
    store.create_invite(&limited, &[]).await.expect("invite");

    let outcomes = join_all(joiners.iter().map(|&n| {
        let store = &store;
        async move { store.accept_invite("abc", &member(100, n), 5_000_000, &[event(900 + n, "JOIN")]).await }
    }))
    .await;

    let mut uses: Vec<u32> = outcomes
        .iter()
        .filter_map(|o| match o.as_ref().expect("accept") {
            AcceptInvite::Joined(invite) => Some(invite.uses),
            _ => None,
        })
        .collect();
    uses.sort_unstable();
    assert_eq!(uses, [1, 2, 3], "{outcomes:?}");
    assert_eq!(store.member_count(id(100)).await.expect("count"), 4);
    assert_eq!(store.invite("abc").await.expect("read"), None);
    assert_eq!(store.pending_events(100).await.expect("pending").len(), 1 + 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_joins_of_one_member_add_it_once() {
    let Some((store, _database)) = fresh().await else { return };
    create_guild(&store, 100, 1).await;
    create_users(&store, &[2]).await;

    let added = join_all((0..8).map(|n| {
        let store = &store;
        async move { store.add_member(&member(100, 2), &[event(900 + n, "ADD")]).await }
    }))
    .await;

    assert_eq!(added.into_iter().filter(|r| *r.as_ref().expect("add")).count(), 1);
    assert_eq!(store.member_count(id(100)).await.expect("count"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_retries_of_one_message_store_it_once() {
    let Some((store, _database)) = fresh().await else { return };
    create_guild(&store, 100, 1).await;
    // Identical retries (same id and nonce) and distinct requests (new ids, same nonce).
    let retries: Vec<MessageRecord> =
        (0..8).map(|n| enforced(if n % 2 == 0 { 1001 } else { 1002 + n }, 101, 1, "n")).collect();

    let outcomes = join_all(retries.iter().map(|m| {
        let store = &store;
        async move { store.create_message(m, &[event(m.id.get(), "CREATE")]).await }
    }))
    .await;

    let mut new = Vec::new();
    let mut existing = Vec::new();
    for outcome in outcomes {
        match outcome.expect("create") {
            CreatedMessage::New(m) => new.push(m.id),
            CreatedMessage::Existing(m) => existing.push(m.id),
        }
    }
    assert_eq!(new.len(), 1, "{new:?} {existing:?}");
    assert!(existing.iter().all(|&m| m == new[0]), "{new:?} {existing:?}");
    assert_eq!(store.messages(id(101), Page::Latest { limit: 100 }).await.expect("history").len(), 1);
}

/// Many writers commit events while a relay publishes them the way `accord-bus`'s does (read
/// in position order, then forget up to the last position read). Positions must follow commit
/// order: otherwise the relay sees a position go backwards, or forgets an event that committed
/// late with a smaller position before ever reading it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_reading_while_writers_commit_sees_every_event_once_in_order() {
    const WRITERS: u64 = 8;
    const JOINS_PER_WRITER: u64 = 25;
    let Some((store, _database)) = fresh().await else { return };
    create_guild(&store, 100, 1).await;
    store.mark_published(i64::MAX).await.expect("forget the guild's event");
    let users: Vec<u64> = (1000..1000 + WRITERS * JOINS_PER_WRITER).collect();
    create_users(&store, &users).await;

    let writers_done = Arc::new(AtomicBool::new(false));
    let relay = tokio::spawn({
        let (store, writers_done) = (store.clone(), writers_done.clone());
        async move {
            let mut seen: Vec<(i64, Snowflake)> = Vec::new();
            loop {
                // The flag is checked before reading: an empty read after it was set started
                // after the last commit, so nothing is left.
                let done = writers_done.load(Ordering::SeqCst);
                let batch = store.pending_events(16).await.expect("pending");
                let Some(last) = batch.last() else {
                    if done {
                        return seen;
                    }
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    continue;
                };
                let last = last.position;
                seen.extend(batch.iter().map(|e| (e.position, e.event.id)));
                // Widens the window in which a late commit with a smaller position would be lost.
                tokio::time::sleep(Duration::from_millis(1)).await;
                store.mark_published(last).await.expect("mark");
            }
        }
    });
    let writers = join_all((0..WRITERS).map(|w| {
        let store = store.clone();
        tokio::spawn(async move {
            for j in 0..JOINS_PER_WRITER {
                let n = 1000 + w * JOINS_PER_WRITER + j;
                assert!(store.add_member(&member(100, n), &[event(n, "ADD")]).await.expect("join"));
            }
        })
    }));
    for writer in writers.await {
        writer.expect("writer");
    }
    writers_done.store(true, Ordering::SeqCst);
    let seen = relay.await.expect("relay");

    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "positions went backwards");
    let ids: HashSet<u64> = seen.iter().map(|(_, id)| id.get()).collect();
    assert_eq!(ids.len(), seen.len(), "an event was read twice");
    assert_eq!(ids, users.iter().copied().collect::<HashSet<u64>>(), "events were lost");
}
