//! Contract cases for [`AccountStore`](crate::AccountStore): users, sessions with refresh
//! rotation, applications.

use super::fixtures::{create_users, event, id, pending_names, user};
use crate::{ApplicationRecord, Credentials, RefreshRecord, SessionRecord, Store, StoreError, UserRecord};

fn session(session_id: u64, user_id: u64) -> SessionRecord {
    SessionRecord { id: id(session_id), user_id: id(user_id), created_ms: 1_000, revoked: false }
}

fn refresh(hash: &str, session_id: u64, user_id: u64) -> RefreshRecord {
    RefreshRecord {
        token_hash: hash.to_owned(),
        session_id: id(session_id),
        user_id: id(user_id),
        issued_ms: 1_000,
        rotated_ms: None,
        replays: 0,
    }
}

fn bot(n: u64) -> UserRecord {
    UserRecord { bot: true, username: format!("bot{n}"), ..user(n, None) }
}

fn application(app_id: u64, owner: u64, bot_id: u64) -> ApplicationRecord {
    ApplicationRecord {
        id: id(app_id),
        owner_id: id(owner),
        bot_user_id: id(bot_id),
        name: "Helper".to_owned(),
        description: "helps".to_owned(),
        icon: None,
        flags: 1 << 19,
        bot_public: true,
        bot_require_code_grant: false,
    }
}

pub async fn users_are_found_by_username_or_email_ignoring_case(store: &dyn Store) {
    let alice = UserRecord { username: "Alice".to_owned(), ..user(1, Some("Alice@Example.com")) };
    store.create_user(&alice, Some("hash-a")).await.expect("create");

    let expected = Some(Credentials { user: alice.clone(), password_hash: "hash-a".to_owned() });
    assert_eq!(store.credentials_by_login("aLICE").await.expect("by username"), expected);
    assert_eq!(store.credentials_by_login("alice@example.COM").await.expect("by email"), expected);
    assert_eq!(store.credentials_by_login("bob").await.expect("unknown"), None);
    assert_eq!(store.user(alice.id).await.expect("by id"), Some(alice));
    assert_eq!(store.user(id(2)).await.expect("missing"), None);
}

pub async fn usernames_are_unique_ignoring_case(store: &dyn Store) {
    let first = UserRecord { username: "alice".to_owned(), ..user(1, None) };
    store.create_user(&first, Some("h")).await.expect("create");

    let second = UserRecord { username: "ALICE".to_owned(), ..user(2, Some("other@example.com")) };
    let result = store.create_user(&second, Some("h")).await;

    assert!(matches!(result, Err(StoreError::Conflict("username"))), "{result:?}");
    assert_eq!(store.user(id(2)).await.expect("read"), None);
}

pub async fn emails_are_unique_ignoring_case(store: &dyn Store) {
    store.create_user(&user(1, Some("a@example.com")), Some("h")).await.expect("create");
    store.create_user(&user(2, None), Some("h")).await.expect("users without email do not conflict");
    store.create_user(&user(3, None), Some("h")).await.expect("users without email do not conflict");

    let result = store.create_user(&user(4, Some("A@EXAMPLE.com")), Some("h")).await;

    assert!(matches!(result, Err(StoreError::Conflict("email"))), "{result:?}");
}

pub async fn users_without_a_password_have_no_credentials(store: &dyn Store) {
    store.create_user(&bot(1), None).await.expect("create bot");

    assert_eq!(store.credentials_by_login("bot1").await.expect("lookup"), None);
    assert_eq!(store.user(id(1)).await.expect("read"), Some(bot(1)));
}

pub async fn users_lists_only_existing_users(store: &dyn Store) {
    create_users(store, &[1, 2, 3]).await;

    let mut found = store.users(&[id(3), id(1), id(9)]).await.expect("users");
    found.sort_by_key(|u| u.id);

    assert_eq!(found, vec![user(1, None), user(3, None)]);
    assert_eq!(store.users(&[id(2), id(2)]).await.expect("a repeated id"), vec![user(2, None)]);
    assert_eq!(store.users(&[]).await.expect("none"), vec![]);
}

pub async fn updating_a_user_replaces_its_names_and_avatar(store: &dyn Store) {
    let original = user(1, Some("a@example.com"));
    store.create_user(&original, Some("hash-a")).await.expect("create");
    let changed = UserRecord {
        username: "Renamed".to_owned(),
        global_name: Some("Alice".to_owned()),
        avatar: Some("0123456789abcdef0123456789abcdef".to_owned()),
        ..original.clone()
    };

    assert!(store.update_user(&changed, &[event(900, "USER_UPDATE")]).await.expect("update"));

    assert_eq!(store.user(id(1)).await.expect("read"), Some(changed.clone()));
    let credentials = store.credentials_by_login("renamed").await.expect("login by new name");
    assert_eq!(credentials, Some(Credentials { user: changed.clone(), password_hash: "hash-a".to_owned() }));
    assert_eq!(store.credentials_by_login("user1").await.expect("old name"), None);

    let cleared = UserRecord { global_name: None, avatar: None, ..changed };
    assert!(store.update_user(&cleared, &[]).await.expect("clear"));
    assert_eq!(store.user(id(1)).await.expect("read"), Some(cleared));
}

pub async fn updating_a_missing_user_returns_false_and_writes_no_events(store: &dyn Store) {
    create_users(store, &[1]).await;

    let missing = UserRecord { username: "ghost".to_owned(), ..user(2, None) };
    assert!(!store.update_user(&missing, &[event(900, "NOPE")]).await.expect("update missing"));
    assert!(store.update_user(&user(1, None), &[event(901, "USER_UPDATE")]).await.expect("update existing"));

    assert_eq!(store.user(id(2)).await.expect("read"), None);
    assert_eq!(pending_names(store).await, ["USER_UPDATE"]);
}

pub async fn renaming_a_user_to_a_taken_username_changes_nothing(store: &dyn Store) {
    create_users(store, &[1, 2]).await;
    let clash = UserRecord {
        username: "USER1".to_owned(),
        global_name: Some("Impostor".to_owned()),
        avatar: Some("0123456789abcdef0123456789abcdef".to_owned()),
        ..user(2, None)
    };

    let result = store.update_user(&clash, &[event(900, "NOPE")]).await;

    assert!(matches!(result, Err(StoreError::Conflict("username"))), "{result:?}");
    assert_eq!(store.user(id(2)).await.expect("read"), Some(user(2, None)));
    assert_eq!(pending_names(store).await, Vec::<String>::new());
    let own_name_in_other_case = UserRecord { username: "User2".to_owned(), ..user(2, None) };
    assert!(store.update_user(&own_name_in_other_case, &[]).await.expect("a user may recase their own name"));
}

pub async fn a_refresh_token_rotates_only_once(store: &dyn Store) {
    create_users(store, &[1]).await;
    store.create_session(&session(10, 1), &refresh("r1", 10, 1)).await.expect("session");

    assert!(store.rotate_refresh_token("r1", &refresh("r2", 10, 1), 2_000).await.expect("rotate"));
    assert!(!store.rotate_refresh_token("r1", &refresh("r3", 10, 1), 3_000).await.expect("rotate again"));

    let old = store.refresh_token("r1").await.expect("read").expect("old token kept");
    assert_eq!(old.rotated_ms, Some(2_000));
    assert_eq!(store.refresh_token("r2").await.expect("read"), Some(refresh("r2", 10, 1)));
    assert_eq!(store.refresh_token("r3").await.expect("read"), None);
    assert!(!store.rotate_refresh_token("unknown", &refresh("r4", 10, 1), 3_000).await.expect("unknown"));
}

pub async fn concurrent_rotations_of_one_token_let_exactly_one_win(store: &dyn Store) {
    create_users(store, &[1]).await;
    store.create_session(&session(10, 1), &refresh("r1", 10, 1)).await.expect("session");

    let (successor_a, successor_b) = (refresh("a", 10, 1), refresh("b", 10, 1));

    let (a, b) = tokio::join!(
        store.rotate_refresh_token("r1", &successor_a, 2_000),
        store.rotate_refresh_token("r1", &successor_b, 2_000),
    );
    let (a, b) = (a.expect("rotate a"), b.expect("rotate b"));

    assert!(a != b, "exactly one rotation wins: {a} {b}");
    let stored_a = store.refresh_token("a").await.expect("read").is_some();
    let stored_b = store.refresh_token("b").await.expect("read").is_some();
    assert_eq!((stored_a, stored_b), (a, b));
}

pub async fn refresh_replays_are_counted(store: &dyn Store) {
    create_users(store, &[1]).await;
    store.create_session(&session(10, 1), &refresh("r1", 10, 1)).await.expect("session");
    store.rotate_refresh_token("r1", &refresh("r2", 10, 1), 2_000).await.expect("rotate");

    assert_eq!(store.count_refresh_replay("r1").await.expect("count"), 1);
    assert_eq!(store.count_refresh_replay("r1").await.expect("count"), 2);
    assert_eq!(store.refresh_token("r1").await.expect("read").map(|r| r.replays), Some(2));
}

pub async fn a_revoked_session_reads_as_revoked(store: &dyn Store) {
    create_users(store, &[1]).await;
    store.create_session(&session(10, 1), &refresh("r1", 10, 1)).await.expect("session");
    assert_eq!(store.session(id(10)).await.expect("read"), Some(session(10, 1)));

    store.revoke_session(id(10)).await.expect("revoke");

    assert_eq!(store.session(id(10)).await.expect("read"), Some(SessionRecord { revoked: true, ..session(10, 1) }));
    assert_eq!(store.session(id(11)).await.expect("missing"), None);
}

pub async fn applications_are_found_by_id_and_by_bot(store: &dyn Store) {
    create_users(store, &[1]).await;
    let app = application(50, 1, 51);

    store.create_application(&app, &bot(51)).await.expect("create");

    assert_eq!(store.application(id(50)).await.expect("by id"), Some(app.clone()));
    assert_eq!(store.application_by_bot(id(51)).await.expect("by bot"), Some(app));
    assert_eq!(store.user(id(51)).await.expect("bot user"), Some(bot(51)));
    assert_eq!(store.application(id(51)).await.expect("missing"), None);
    assert_eq!(store.application_by_bot(id(1)).await.expect("missing"), None);
}

pub async fn an_application_with_a_taken_bot_name_stores_nothing(store: &dyn Store) {
    store.create_user(&bot(51), None).await.expect("existing bot");
    let clash = UserRecord { id: id(52), ..bot(51) };

    let result = store.create_application(&application(50, 1, 52), &clash).await;

    assert!(matches!(result, Err(StoreError::Conflict("username"))), "{result:?}");
    assert_eq!(store.application(id(50)).await.expect("read"), None);
}

pub async fn bumping_the_token_generation_returns_the_new_one(store: &dyn Store) {
    create_users(store, &[1]).await;
    store.create_application(&application(50, 1, 51), &bot(51)).await.expect("create");

    assert_eq!(store.bump_token_generation(id(51)).await.expect("bump"), 1);
    assert_eq!(store.bump_token_generation(id(51)).await.expect("bump"), 2);
    assert_eq!(store.user(id(51)).await.expect("read").map(|u| u.token_generation), Some(2));
}

pub async fn users_are_searched_by_the_start_of_their_names(store: &dyn Store) {
    for (n, name, global) in
        [(1, "walrus", None), (2, "Walter", Some("Wally")), (3, "bob", Some("Walnut")), (4, "w_x", None)]
    {
        let record = crate::UserRecord { username: name.into(), global_name: global.map(Into::into), ..user(n, None) };
        store.create_user(&record, None).await.expect("create user");
    }

    let found = |users: Vec<crate::UserRecord>| users.into_iter().map(|u| u.id.get()).collect::<Vec<_>>();
    let wal = found(store.search_users("WAL", None, 10).await.expect("search"));
    let paged = found(store.search_users("wal", Some(id(1)), 1).await.expect("search"));
    let literal = found(store.search_users("w_", None, 10).await.expect("search"));
    let percent = found(store.search_users("%", None, 10).await.expect("search"));

    assert_eq!(wal, [1, 2, 3], "usernames and global names, by id, ignoring case");
    assert_eq!(paged, [2]);
    assert_eq!(literal, [4], "an underscore is only an underscore");
    assert!(percent.is_empty());
}
