//! Contract cases for [`MemberStore`](crate::MemberStore): joining, listing, editing, leaving.

use super::fixtures::{create_guild, create_users, event, id, join, member, numbers, pending_names, role};
use crate::{MemberRecord, Store};

pub async fn adding_a_member_twice_returns_false_and_writes_no_events(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    create_users(store, &[2]).await;
    let joined = MemberRecord { nick: Some("first".to_owned()), ..member(100, 2) };

    assert!(store.add_member(&joined, &[event(900, "GUILD_MEMBER_ADD")]).await.expect("add"));
    let again = MemberRecord { nick: Some("second".to_owned()), ..member(100, 2) };
    assert!(!store.add_member(&again, &[event(901, "GUILD_MEMBER_ADD")]).await.expect("add again"));

    assert_eq!(store.member(id(100), id(2)).await.expect("read"), Some(joined));
    assert_eq!(store.member_count(id(100)).await.expect("count"), 2);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "GUILD_MEMBER_ADD"]);
}

pub async fn members_page_ascending_by_user_id(store: &dyn Store) {
    create_guild(store, 100, 5).await;
    for user_id in [9, 3, 7] {
        join(store, 100, user_id).await;
    }
    create_guild(store, 200, 4).await;

    let page = |members: Vec<MemberRecord>| numbers(members.into_iter().map(|m| m.user_id));
    assert_eq!(page(store.members(id(100), None, 2).await.expect("first")), [3, 5]);
    assert_eq!(page(store.members(id(100), Some(id(5)), 2).await.expect("second")), [7, 9]);
    assert_eq!(page(store.members(id(100), Some(id(9)), 2).await.expect("end")), [0u64; 0]);
    assert_eq!(page(store.members(id(100), Some(id(4)), 100).await.expect("from a gap")), [5, 7, 9]);
    assert_eq!(page(store.members(id(200), None, 100).await.expect("other guild")), [4]);
}

pub async fn updating_a_member_replaces_its_fields(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.create_role(&role(110, 100, 1), &[]).await.expect("role");
    store.create_role(&role(111, 100, 2), &[]).await.expect("role");
    let joined = join(store, 100, 2).await;
    let edited = MemberRecord {
        nick: Some("nick".to_owned()),
        roles: vec![id(111), id(110)],
        deaf: true,
        mute: true,
        flags: 1 << 63,
        communication_disabled_until_ms: Some(1_800_000_000_000),
        ..joined
    };

    store.update_member(&edited, &[event(900, "GUILD_MEMBER_UPDATE")]).await.expect("update");
    assert_eq!(store.member(id(100), id(2)).await.expect("read"), Some(edited.clone()));

    let cleared = MemberRecord { nick: None, roles: vec![], communication_disabled_until_ms: None, ..edited };
    store.update_member(&cleared, &[event(901, "GUILD_MEMBER_UPDATE")]).await.expect("clear");
    assert_eq!(store.member(id(100), id(2)).await.expect("read"), Some(cleared));

    store.update_member(&member(100, 3), &[event(902, "GUILD_MEMBER_UPDATE")]).await.expect("not a member");
    assert_eq!(store.member(id(100), id(3)).await.expect("read"), None);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_UPDATE"]);
}

pub async fn removing_a_member_returns_whether_it_was_one(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    join(store, 100, 2).await;

    assert!(store.remove_member(id(100), id(2), &[event(900, "GUILD_MEMBER_REMOVE")]).await.expect("remove"));
    assert!(!store.remove_member(id(100), id(2), &[event(901, "GUILD_MEMBER_REMOVE")]).await.expect("again"));

    assert_eq!(store.member(id(100), id(2)).await.expect("read"), None);
    assert_eq!(store.member_count(id(100)).await.expect("count"), 1);
    assert_eq!(store.guilds_of_user(id(2), None, 10).await.expect("guilds"), vec![]);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "GUILD_MEMBER_REMOVE"]);
}

pub async fn shared_guilds_are_those_both_users_are_members_of(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    create_guild(store, 200, 2).await;
    create_guild(store, 300, 1).await;
    create_guild(store, 400, 3).await;
    for (guild_id, user_id) in [(300, 2), (100, 2), (400, 1)] {
        assert!(store.add_member(&member(guild_id, user_id), &[]).await.expect("join"));
    }

    let shared = |a: u64, b: u64| async move { numbers(store.shared_guilds(id(a), id(b)).await.expect("shared")) };

    assert_eq!(shared(1, 2).await, [100, 300]);
    assert_eq!(shared(2, 1).await, [100, 300]);
    assert_eq!(shared(2, 3).await, [0u64; 0]);
    assert_eq!(shared(1, 3).await, [400]);
    assert_eq!(shared(1, 9).await, [0u64; 0]);
}
