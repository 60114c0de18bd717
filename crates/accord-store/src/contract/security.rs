//! Contract cases for [`SecurityStore`](crate::SecurityStore): one-time tokens are used once
//! and only before they expire, revocations end exactly the sessions they name and announce
//! them, TOTP steps and recovery codes are accepted once, and account deletion.

use super::fixtures::{create_guild, create_users, event, id, join, pending_names, user};
use crate::relationships::kind::{BLOCKED, FRIEND};
use crate::security::{
    AccountDeletion, DeletionOutcome, OneTimeToken, Revocation, SESSIONS_REVOKED, SessionsRevoked, TokenPurpose,
    TotpRecord,
};
use crate::{EventDraft, RefreshRecord, Relationship, RelationshipPair, SessionRecord, Store, UserRecord};

fn token(hash: &str, purpose: TokenPurpose, user_id: u64, email: &str, expires_ms: u64) -> OneTimeToken {
    OneTimeToken {
        token_hash: hash.to_owned(),
        purpose,
        user_id: id(user_id),
        email: email.to_owned(),
        created_ms: 1_000,
        expires_ms,
    }
}

/// Starts session `session_id` of `user_id`, created at `created_ms`, with one refresh token.
async fn login(store: &dyn Store, session_id: u64, user_id: u64, created_ms: u64) {
    let session = SessionRecord { id: id(session_id), user_id: id(user_id), created_ms, revoked: false };
    let refresh = RefreshRecord {
        token_hash: format!("refresh-{session_id}"),
        session_id: id(session_id),
        user_id: id(user_id),
        issued_ms: created_ms,
        rotated_ms: None,
        replays: 0,
    };
    store.create_session(&session, &refresh).await.expect("create session");
}

async fn revoked(store: &dyn Store, session_id: u64) -> bool {
    store.session(id(session_id)).await.expect("read session").expect("session exists").revoked
}

/// The session ids named by the pending SESSIONS_REVOKED events, in order.
async fn announced(store: &dyn Store) -> Vec<Vec<u64>> {
    let pending = store.pending_events(100).await.expect("pending");
    let revocations = pending.into_iter().filter(|e| e.event.name == SESSIONS_REVOKED);
    revocations
        .map(|e| {
            let data: SessionsRevoked = serde_json::from_str(&e.event.data).expect("revocation data");
            assert_eq!(e.event.user_ids.len(), 1, "addressed to its user");
            data.session_ids.into_iter().map(|s| s.get()).collect()
        })
        .collect()
}

pub async fn a_verification_token_is_used_once_and_only_before_it_expires(store: &dyn Store) {
    store.create_user(&user(1, Some("One@Example.com")), Some("h")).await.expect("create");
    store.create_one_time_token(&token("t1", TokenPurpose::VerifyEmail, 1, "one@example.com", 5_000)).await.unwrap();
    store.create_one_time_token(&token("t2", TokenPurpose::VerifyEmail, 1, "one@example.com", 5_000)).await.unwrap();

    assert!(store.one_time_token("t1", TokenPurpose::ResetPassword, 2_000).await.unwrap().is_none(), "wrong use");
    assert!(store.one_time_token("t1", TokenPurpose::VerifyEmail, 5_000).await.unwrap().is_none(), "expired");
    let found = store.one_time_token("t1", TokenPurpose::VerifyEmail, 2_000).await.unwrap();
    assert_eq!(found.map(|t| t.user_id), Some(id(1)));
    assert_eq!(store.verify_email("t2", 5_000, &[event(900, "NOPE")]).await.unwrap(), None, "expired");
    assert!(!store.user(id(1)).await.unwrap().expect("user").verified);

    let first = store.verify_email("t1", 2_000, &[event(901, "USER_UPDATE")]).await.unwrap();
    let again = store.verify_email("t1", 2_000, &[event(902, "NOPE")]).await.unwrap();

    assert_eq!((first, again), (Some(id(1)), None));
    assert!(store.user(id(1)).await.unwrap().expect("user").verified);
    assert_eq!(pending_names(store).await, ["USER_UPDATE"]);
}

pub async fn a_verification_for_an_old_address_verifies_nothing(store: &dyn Store) {
    store.create_user(&user(1, Some("new@example.com")), Some("h")).await.expect("create");
    store.create_one_time_token(&token("t1", TokenPurpose::VerifyEmail, 1, "old@example.com", 5_000)).await.unwrap();

    assert_eq!(store.verify_email("t1", 2_000, &[event(900, "NOPE")]).await.unwrap(), None);

    assert!(!store.user(id(1)).await.unwrap().expect("user").verified);
    assert!(store.one_time_token("t1", TokenPurpose::VerifyEmail, 2_000).await.unwrap().is_none(), "used up");
    assert_eq!(pending_names(store).await, Vec::<String>::new());
}

pub async fn a_password_reset_sets_the_hash_and_revokes_every_session_once(store: &dyn Store) {
    create_users(store, &[1, 2]).await;
    login(store, 10, 1, 1_000).await;
    login(store, 11, 1, 1_000).await;
    login(store, 20, 2, 1_000).await;
    let reset = |hash| token(hash, TokenPurpose::ResetPassword, 1, "one@example.com", 5_000);
    store.create_one_time_token(&reset("r1")).await.unwrap();
    store.create_one_time_token(&reset("r2")).await.unwrap();

    assert_eq!(store.reset_password("r1", 5_000, "expired", id(900)).await.unwrap(), None);
    let done = store.reset_password("r1", 2_000, "new-hash", id(901)).await.unwrap();
    let again = store.reset_password("r1", 2_000, "other", id(902)).await.unwrap();

    assert_eq!(done, Some((id(1), vec![id(10), id(11)])));
    assert_eq!(again, None);
    assert_eq!(store.password_hash(id(1)).await.unwrap().as_deref(), Some("new-hash"));
    assert!(revoked(store, 10).await && revoked(store, 11).await && !revoked(store, 20).await);
    assert!(store.one_time_token("r2", TokenPurpose::ResetPassword, 2_000).await.unwrap().is_none(), "others dropped");
    assert_eq!(announced(store).await, [vec![10, 11]]);
}

pub async fn a_password_change_keeps_the_callers_session(store: &dyn Store) {
    create_users(store, &[1]).await;
    for session in [10, 11, 12] {
        login(store, session, 1, 1_000).await;
    }
    store.revoke_session(id(12)).await.expect("logout");
    let revocation = Revocation { user_id: id(1), keep: Some(id(11)), event_id: id(900) };

    let ended = store.change_password("changed", &revocation).await.expect("change");

    assert_eq!(ended, [id(10)], "already revoked sessions are not announced again");
    assert!(!revoked(store, 11).await);
    assert_eq!(store.password_hash(id(1)).await.unwrap().as_deref(), Some("changed"));
    assert_eq!(announced(store).await, [vec![10]]);
    let nothing_left = store.revoke_sessions(&Revocation { event_id: id(901), ..revocation }).await.unwrap();
    assert_eq!(nothing_left, [], "no event when nothing ends");
    assert_eq!(announced(store).await.len(), 1);
}

pub async fn live_sessions_are_the_users_unrevoked_ones_newest_first(store: &dyn Store) {
    create_users(store, &[1, 2]).await;
    login(store, 10, 1, 1_000).await;
    login(store, 11, 1, 5_000).await;
    login(store, 12, 1, 6_000).await;
    login(store, 20, 2, 6_000).await;
    let later = RefreshRecord { token_hash: "rotated".into(), issued_ms: 9_000, ..refresh_of(11, 1) };
    assert!(store.rotate_refresh_token("refresh-11", &later, 9_000).await.expect("rotate"));

    assert!(!store.revoke_user_session(id(2), id(12), id(900)).await.unwrap(), "not theirs");
    assert!(store.revoke_user_session(id(1), id(12), id(901)).await.unwrap());
    assert!(!store.revoke_user_session(id(1), id(12), id(902)).await.unwrap(), "already revoked");
    let live = store.live_sessions(id(1), 2_000).await.expect("list");

    let seen: Vec<(u64, u64, u64)> = live.iter().map(|s| (s.id.get(), s.created_ms, s.last_used_ms)).collect();
    assert_eq!(seen, [(11, 5_000, 9_000)], "session 10 is older than asked, 12 revoked");
    assert_eq!(store.live_sessions(id(1), 0).await.unwrap().len(), 2);
    assert_eq!(announced(store).await, [vec![12]]);
}

fn refresh_of(session_id: u64, user_id: u64) -> RefreshRecord {
    RefreshRecord {
        token_hash: String::new(),
        session_id: id(session_id),
        user_id: id(user_id),
        issued_ms: 0,
        rotated_ms: None,
        replays: 0,
    }
}

fn totp(user_id: u64) -> TotpRecord {
    TotpRecord { user_id: id(user_id), secret: "JBSWY3DPEHPK3PXP".into(), last_step: 100, enabled_ms: 1_000 }
}

pub async fn totp_is_enabled_once_and_its_steps_and_codes_are_used_once(store: &dyn Store) {
    create_users(store, &[1]).await;
    let codes = ["c1".to_owned(), "c2".to_owned()];

    assert!(store.enable_totp(&totp(1), &codes, &[event(900, "USER_UPDATE")]).await.unwrap());
    assert!(!store.enable_totp(&totp(1), &codes, &[event(901, "NOPE")]).await.unwrap(), "already on");
    assert!(store.user(id(1)).await.unwrap().expect("user").mfa_enabled);
    assert_eq!(store.totp(id(1)).await.unwrap(), Some(totp(1)));

    assert!(!store.use_totp_step(id(1), 100).await.unwrap(), "the enabling step is used");
    assert!(store.use_totp_step(id(1), 102).await.unwrap());
    assert!(!store.use_totp_step(id(1), 102).await.unwrap(), "replayed");
    assert!(!store.use_totp_step(id(1), 101).await.unwrap(), "older");
    assert!(store.use_recovery_code(id(1), "c1").await.unwrap());
    assert!(!store.use_recovery_code(id(1), "c1").await.unwrap(), "used");
    assert!(!store.use_recovery_code(id(1), "zz").await.unwrap(), "unknown");
    assert!(!store.use_recovery_code(id(2), "c2").await.unwrap(), "someone else's");

    assert!(store.disable_totp(id(1), &[event(902, "USER_UPDATE")]).await.unwrap());
    assert!(!store.disable_totp(id(1), &[event(903, "NOPE")]).await.unwrap(), "already off");
    assert!(!store.user(id(1)).await.unwrap().expect("user").mfa_enabled);
    assert_eq!(store.totp(id(1)).await.unwrap(), None);
    assert!(!store.use_recovery_code(id(1), "c2").await.unwrap(), "codes go with the factor");
    assert!(store.enable_totp(&totp(1), &codes, &[]).await.unwrap(), "and can be enabled anew");
    assert!(store.use_recovery_code(id(1), "c1").await.unwrap(), "with fresh codes");
    assert_eq!(pending_names(store).await, ["USER_UPDATE", "USER_UPDATE"]);
}

fn deletion(user_id: u64, guild_ids: &[u64]) -> AccountDeletion {
    AccountDeletion {
        user_id: id(user_id),
        username: format!("deleted_user_{user_id:x}"),
        global_name: "Deleted User".into(),
        guild_ids: guild_ids.iter().map(|g| id(*g)).collect(),
        revocation_event_id: id(900),
    }
}

fn removal(event_id: u64, guild_id: u64) -> EventDraft {
    EventDraft { guild_id: Some(id(guild_id)), ..event(event_id, "GUILD_MEMBER_REMOVE") }
}

/// Sets `a`'s side toward `b` (and nothing on `b`'s side).
async fn relate(store: &dyn Store, a: u64, b: u64, mine: u8, theirs: Option<u8>) {
    let side = |kind| Relationship { kind, since_ms: 10 };
    let before = RelationshipPair { user_id: id(a), other_id: id(b), mine: None, theirs: None };
    let after = RelationshipPair { mine: Some(side(mine)), theirs: theirs.map(side), ..before };
    assert!(store.replace_relationship(&before, &after, &[]).await.expect("relate"));
}

pub async fn deleting_an_account_frees_its_name_and_ends_its_ties(store: &dyn Store) {
    create_guild(store, 100, 2).await;
    join(store, 100, 1).await;
    store.create_user(&user(3, Some("three@example.com")), Some("h")).await.expect("create");
    relate(store, 1, 3, FRIEND, Some(FRIEND)).await;
    create_users(store, &[5]).await;
    relate(store, 5, 1, BLOCKED, None).await;
    store.set_user_settings(id(1), "{}", &[]).await.expect("settings");
    store.enable_totp(&totp(1), &["c1".to_owned()], &[]).await.expect("totp");
    login(store, 10, 1, 1_000).await;
    let before = store.pending_events(100).await.expect("pending").len();

    let stale = store.delete_account(&deletion(1, &[]), &[event(950, "NOPE")]).await.expect("delete");
    let done = store.delete_account(&deletion(1, &[100]), &[removal(951, 100)]).await.expect("delete");

    assert_eq!(stale, DeletionOutcome::MembershipsChanged);
    assert_eq!(done, DeletionOutcome::Deleted { revoked: vec![id(10)] });
    let gone = store.user(id(1)).await.unwrap().expect("the row stays");
    assert_eq!((gone.username.as_str(), gone.global_name.as_deref()), ("deleted_user_1", Some("Deleted User")));
    assert_eq!((gone.email, gone.avatar, gone.verified, gone.mfa_enabled), (None, None, false, false));
    assert_eq!(store.password_hash(id(1)).await.unwrap(), None);
    assert!(store.credentials_by_login("user1").await.unwrap().is_none(), "the old name is free");
    assert!(store.member(id(100), id(1)).await.unwrap().is_none());
    assert_eq!(store.relationships(id(1)).await.unwrap(), []);
    assert_eq!(store.relationships(id(3)).await.unwrap(), [], "friends lose the friendship");
    let blocks = store.relationships(id(5)).await.unwrap();
    assert_eq!(blocks.iter().map(|r| r.side.kind).collect::<Vec<_>>(), [BLOCKED], "others' blocks stay");
    assert_eq!(store.user_settings(id(1)).await.unwrap(), None);
    assert_eq!(store.totp(id(1)).await.unwrap(), None);
    assert!(revoked(store, 10).await);
    let names = pending_names(store).await;
    assert_eq!(names[before..], [SESSIONS_REVOKED, "GUILD_MEMBER_REMOVE"]);
    let taker = UserRecord { username: "USER1".into(), ..user(4, None) };
    store.create_user(&taker, Some("h")).await.expect("a new user may take the name");
}

pub async fn an_owner_or_an_unknown_user_cannot_be_deleted(store: &dyn Store) {
    create_guild(store, 100, 2).await;
    login(store, 10, 2, 1_000).await;
    let before = pending_names(store).await;

    let owner = store.delete_account(&deletion(2, &[100]), &[event(950, "NOPE")]).await.expect("owner");
    let unknown = store.delete_account(&deletion(9, &[]), &[event(951, "NOPE")]).await.expect("unknown");

    assert_eq!((owner, unknown), (DeletionOutcome::OwnsGuilds, DeletionOutcome::UnknownUser));
    assert!(!revoked(store, 10).await);
    assert!(store.member(id(100), id(2)).await.unwrap().is_some());
    assert_eq!(store.user(id(2)).await.unwrap().expect("user").username, "user2");
    assert_eq!(pending_names(store).await, before);
}
