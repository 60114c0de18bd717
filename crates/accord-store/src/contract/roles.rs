//! Contract cases for [`RoleStore`](crate::RoleStore): ordering, edits, and deletion that
//! reaches members and overwrites.

use super::fixtures::{channel, create_guild, event, id, join, numbers, overwrite, pending_names, role};
use crate::{ChannelRecord, MemberRecord, RoleRecord, Store};

pub async fn guild_roles_are_ordered_by_position_then_id(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    for (role_id, position) in [(115, 2), (114, 1), (113, 1), (112, 3)] {
        store.create_role(&role(role_id, 100, position), &[]).await.expect("create");
    }

    let roles = store.guild_roles(id(100)).await.expect("roles");

    assert_eq!(numbers(roles.into_iter().map(|r| r.id)), [100, 113, 114, 115, 112]);
}

pub async fn updating_roles_replaces_each_given_role(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.create_role(&role(110, 100, 1), &[]).await.expect("create");
    store.create_role(&role(111, 100, 2), &[]).await.expect("create");
    let edited = RoleRecord {
        name: "mods".to_owned(),
        color: 0xff0000,
        hoist: true,
        position: 2,
        permissions: u64::MAX >> 1,
        managed: true,
        mentionable: true,
        ..role(110, 100, 1)
    };
    let moved = RoleRecord { position: 1, ..role(111, 100, 2) };

    store.update_roles(&[edited.clone(), moved.clone()], &[event(900, "GUILD_ROLE_UPDATE")]).await.expect("update");

    let roles = store.guild_roles(id(100)).await.expect("roles");
    assert_eq!(roles, vec![role(100, 100, 0), moved, edited]);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "GUILD_ROLE_UPDATE"]);
}

pub async fn deleting_a_role_removes_it_from_members_and_overwrites(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.create_role(&role(110, 100, 1), &[]).await.expect("role");
    store.create_role(&role(111, 100, 2), &[]).await.expect("role");
    let holder = MemberRecord { roles: vec![id(111), id(110)], ..join(store, 100, 2).await };
    store.update_member(&holder, &[]).await.expect("give roles");
    let other = MemberRecord { roles: vec![id(111)], ..join(store, 100, 3).await };
    store.update_member(&other, &[]).await.expect("give role");
    let gated = ChannelRecord {
        overwrites: vec![overwrite(110, 0, 1024, 0), overwrite(2, 1, 0, 1024), overwrite(111, 0, 0, 2048)],
        ..channel(120, 100, 1)
    };
    store.create_channel(&gated, &[]).await.expect("channel");

    assert!(store.delete_role(id(100), id(110), &[event(900, "GUILD_ROLE_DELETE")]).await.expect("delete"));

    assert_eq!(numbers(store.guild_roles(id(100)).await.expect("roles").into_iter().map(|r| r.id)), [100, 111]);
    let holder_now = store.member(id(100), id(2)).await.expect("read").expect("still a member");
    assert_eq!(holder_now, MemberRecord { roles: vec![id(111)], ..holder });
    assert_eq!(store.member(id(100), id(3)).await.expect("read"), Some(other));
    let gated_now = store.channel(id(120)).await.expect("read").expect("exists");
    assert_eq!(gated_now.overwrites, vec![overwrite(2, 1, 0, 1024), overwrite(111, 0, 0, 2048)]);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "GUILD_ROLE_DELETE"]);
}

pub async fn deleting_a_role_of_another_guild_returns_false(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    create_guild(store, 200, 1).await;
    store.create_role(&role(110, 100, 1), &[]).await.expect("role");

    assert!(!store.delete_role(id(200), id(110), &[event(900, "GUILD_ROLE_DELETE")]).await.expect("other guild"));
    assert!(!store.delete_role(id(100), id(119), &[event(901, "GUILD_ROLE_DELETE")]).await.expect("unknown role"));

    assert_eq!(store.guild_roles(id(100)).await.expect("roles").len(), 2);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "GUILD_CREATE"]);
}
