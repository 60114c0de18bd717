//! Contract cases for [`InviteStore`](crate::InviteStore): codes, listing, and joining
//! through an invite (counting, expiry, exhaustion, bans).

use super::fixtures::{ban, create_guild, create_users, event, id, invite, join, member, pending_names};
use crate::{AcceptInvite, InviteRecord, Store, StoreError};

pub async fn invite_codes_are_unique_and_case_sensitive(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.create_invite(&invite("abc", 100, 101, 1), &[event(900, "INVITE_CREATE")]).await.expect("create");

    let result = store.create_invite(&invite("abc", 100, 101, 1), &[event(901, "INVITE_CREATE")]).await;
    assert!(matches!(result, Err(StoreError::Conflict("invite_code"))), "{result:?}");

    store.create_invite(&invite("ABC", 100, 101, 1), &[]).await.expect("other case is another code");
    assert_eq!(store.invite("abc").await.expect("read"), Some(invite("abc", 100, 101, 1)));
    assert_eq!(store.invite("ABC").await.expect("read"), Some(invite("ABC", 100, 101, 1)));
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "INVITE_CREATE"]);
}

pub async fn guild_invites_are_listed_and_deletable(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    create_guild(store, 200, 1).await;
    store.create_invite(&invite("b", 100, 101, 1), &[]).await.expect("create");
    store.create_invite(&invite("a", 100, 101, 1), &[]).await.expect("create");
    store.create_invite(&invite("c", 200, 201, 1), &[]).await.expect("create");

    let mut codes: Vec<String> =
        store.guild_invites(id(100)).await.expect("list").into_iter().map(|i| i.code).collect();
    codes.sort();
    assert_eq!(codes, ["a", "b"]);

    assert!(store.delete_invite("a", &[event(900, "INVITE_DELETE")]).await.expect("delete"));
    assert!(!store.delete_invite("a", &[event(901, "INVITE_DELETE")]).await.expect("delete again"));
    assert_eq!(store.guild_invites(id(100)).await.expect("list"), vec![invite("b", 100, 101, 1)]);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "GUILD_CREATE", "INVITE_DELETE"]);
}

pub async fn accepting_an_invite_joins_and_counts_the_use(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    create_users(store, &[2]).await;
    store.create_invite(&invite("abc", 100, 101, 1), &[]).await.expect("create");

    let outcome = store.accept_invite("abc", &member(100, 2), 5_000_000, &[event(900, "GUILD_MEMBER_ADD")]).await;

    let counted = InviteRecord { uses: 1, ..invite("abc", 100, 101, 1) };
    assert_eq!(outcome.expect("accept"), AcceptInvite::Joined(counted.clone()));
    assert_eq!(store.member(id(100), id(2)).await.expect("read"), Some(member(100, 2)));
    assert_eq!(store.invite("abc").await.expect("read"), Some(counted));
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "GUILD_MEMBER_ADD"]);
}

pub async fn accepting_an_invite_as_a_member_changes_nothing(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    join(store, 100, 2).await;
    store.create_invite(&invite("abc", 100, 101, 1), &[]).await.expect("create");

    let outcome = store.accept_invite("abc", &member(100, 2), 5_000_000, &[event(900, "GUILD_MEMBER_ADD")]).await;

    assert_eq!(outcome.expect("accept"), AcceptInvite::AlreadyMember(invite("abc", 100, 101, 1)));
    assert_eq!(store.invite("abc").await.expect("read").map(|i| i.uses), Some(0));
    assert_eq!(pending_names(store).await, ["GUILD_CREATE"]);
}

pub async fn expired_invites_are_invalid(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    create_users(store, &[2, 3]).await;
    let expiring = InviteRecord { max_age: 60, ..invite("abc", 100, 101, 1) };
    store.create_invite(&expiring, &[]).await.expect("create");
    let expiry = expiring.created_ms + 60_000;

    let late = store.accept_invite("abc", &member(100, 2), expiry, &[event(900, "GUILD_MEMBER_ADD")]).await;
    assert_eq!(late.expect("accept"), AcceptInvite::Invalid);
    assert_eq!(store.member(id(100), id(2)).await.expect("read"), None);

    let in_time = store.accept_invite("abc", &member(100, 3), expiry - 1, &[]).await;
    assert!(matches!(in_time.expect("accept"), AcceptInvite::Joined(_)));
    assert_eq!(pending_names(store).await, ["GUILD_CREATE"]);
}

pub async fn an_invite_is_deleted_when_it_reaches_max_uses(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    create_users(store, &[2, 3, 4]).await;
    let limited = InviteRecord { max_uses: 2, ..invite("abc", 100, 101, 1) };
    store.create_invite(&limited, &[]).await.expect("create");

    let first = store.accept_invite("abc", &member(100, 2), 5_000_000, &[]).await.expect("first");
    let second = store.accept_invite("abc", &member(100, 3), 5_000_000, &[]).await.expect("second");
    let third = store.accept_invite("abc", &member(100, 4), 5_000_000, &[event(900, "X")]).await.expect("third");

    assert_eq!(first, AcceptInvite::Joined(InviteRecord { uses: 1, ..limited.clone() }));
    assert_eq!(second, AcceptInvite::Joined(InviteRecord { uses: 2, ..limited }));
    assert_eq!(third, AcceptInvite::Invalid);
    assert_eq!(store.invite("abc").await.expect("read"), None);
    assert_eq!(store.member(id(100), id(4)).await.expect("read"), None);
    assert_eq!(store.member_count(id(100)).await.expect("count"), 3);
}

pub async fn unknown_invites_are_invalid(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    create_users(store, &[2]).await;

    let outcome = store.accept_invite("nope", &member(100, 2), 5_000_000, &[event(900, "GUILD_MEMBER_ADD")]).await;

    assert_eq!(outcome.expect("accept"), AcceptInvite::Invalid);
    assert_eq!(store.invite("nope").await.expect("read"), None);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE"]);
}

pub async fn a_banned_user_cannot_join_through_an_invite(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    create_guild(store, 200, 1).await;
    create_users(store, &[2]).await;
    store.create_invite(&invite("abc", 100, 101, 1), &[]).await.expect("create");
    store.create_invite(&invite("other", 200, 201, 1), &[]).await.expect("create");
    store.ban(&ban(100, 2), None, &|_| Vec::new()).await.expect("ban");

    let outcome = store.accept_invite("abc", &member(100, 2), 5_000_000, &[event(900, "GUILD_MEMBER_ADD")]).await;

    assert_eq!(outcome.expect("accept"), AcceptInvite::Banned);
    assert_eq!(store.member(id(100), id(2)).await.expect("read"), None);
    assert_eq!(store.invite("abc").await.expect("read").map(|i| i.uses), Some(0));
    let elsewhere = store.accept_invite("other", &member(200, 2), 5_000_000, &[]).await.expect("accept");
    assert!(matches!(elsewhere, AcceptInvite::Joined(_)), "a ban holds in its guild only: {elsewhere:?}");
    store.unban(id(100), id(2), &[]).await.expect("unban");
    let unbanned = store.accept_invite("abc", &member(100, 2), 5_000_000, &[]).await.expect("accept");
    assert!(matches!(unbanned, AcceptInvite::Joined(_)), "{unbanned:?}");
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "GUILD_CREATE"]);
}

pub async fn a_temporary_invite_makes_a_temporary_member_until_they_get_a_role(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    create_users(store, &[2, 3, 4]).await;
    let temporary = InviteRecord { temporary: true, ..invite("tmp", 100, 101, 1) };
    store.create_invite(&temporary, &[]).await.expect("create");
    store.create_invite(&invite("lasting", 100, 101, 1), &[]).await.expect("create");
    for user in [2, 3] {
        store.accept_invite("tmp", &member(100, user), 5_000_000, &[]).await.expect("accept");
    }
    store.accept_invite("lasting", &member(100, 4), 5_000_000, &[]).await.expect("accept");

    let listed = store.temporary_members(10).await.expect("list");
    let promoted = crate::MemberRecord { roles: vec![id(555)], ..member(100, 2) };
    store.update_member(&promoted, &[]).await.expect("role");
    let after_role = store.temporary_members(10).await.expect("list");
    store.remove_member(id(100), id(3), &[]).await.expect("remove");

    assert_eq!(listed, [(id(100), id(2)), (id(100), id(3))]);
    assert_eq!(after_role, [(id(100), id(3))], "a role makes a member permanent");
    assert!(store.temporary_members(10).await.expect("list").is_empty(), "leaving ends it");
}
