//! Voice cases: states by scope and by user, replacement, channel limits (atomic), swaps,
//! removal, renewal, expiry, and collecting expired states exactly once.

use std::time::Duration;

use accord_core::Snowflake;

use crate::{Kv, VoiceEntry, VoicePut};

const MINUTE: Duration = Duration::from_secs(60);
/// A time-to-live that runs out during a case.
const SHORT: Duration = Duration::from_millis(300);
/// Long enough for a [`SHORT`] state to have expired, with a generous margin.
const PAST_SHORT: Duration = Duration::from_millis(700);

fn id(n: u64) -> Snowflake {
    Snowflake::new(n).expect("non-zero id")
}

fn entry(scope: u64, user: u64, channel: u64, value: &str) -> VoiceEntry {
    VoiceEntry { scope: id(scope), user: id(user), channel: id(channel), value: value.to_owned() }
}

fn stored(previous: Option<&str>) -> VoicePut {
    VoicePut::Stored { previous: previous.map(str::to_owned) }
}

fn sorted(mut entries: Vec<VoiceEntry>) -> Vec<VoiceEntry> {
    entries.sort_by_key(|e| (e.scope, e.user));
    entries
}

/// Puts `user` in `channel` of `scope` with no limit.
async fn put(kv: &dyn Kv, scope: u64, user: u64, channel: u64, value: &str, ttl: Duration) -> VoicePut {
    kv.voice_put(id(scope), id(user), id(channel), value, None, ttl).await.expect("put")
}

async fn join(kv: &dyn Kv, scope: u64, user: u64, channel: u64, value: &str, limit: u32) -> VoicePut {
    kv.voice_put(id(scope), id(user), id(channel), value, Some(limit), MINUTE).await.expect("put")
}

async fn list(kv: &dyn Kv, scope: u64) -> Vec<VoiceEntry> {
    sorted(kv.voice_list(id(scope)).await.expect("list"))
}

async fn scopes_of(kv: &dyn Kv, user: u64) -> Vec<Snowflake> {
    let mut scopes = kv.voice_scopes_of(id(user)).await.expect("scopes");
    scopes.sort();
    scopes
}

pub async fn states_are_listed_by_scope_and_found_by_user(kv: &dyn Kv) {
    let first = put(kv, 1, 7, 10, "a", MINUTE).await;
    put(kv, 2, 7, 20, "b", MINUTE).await;
    put(kv, 1, 8, 11, "c", MINUTE).await;

    assert_eq!(first, stored(None));
    assert_eq!(list(kv, 1).await, [entry(1, 7, 10, "a"), entry(1, 8, 11, "c")]);
    assert_eq!(list(kv, 2).await, [entry(2, 7, 20, "b")]);
    assert!(list(kv, 3).await.is_empty());
    assert_eq!(scopes_of(kv, 7).await, [id(1), id(2)]);
    assert_eq!(scopes_of(kv, 8).await, [id(1)]);
    assert!(scopes_of(kv, 9).await.is_empty());
}

pub async fn a_put_replaces_the_users_state_in_its_scope_and_returns_it(kv: &dyn Kv) {
    put(kv, 1, 7, 10, "a", MINUTE).await;
    put(kv, 2, 7, 20, "other scope", MINUTE).await;

    let moved = put(kv, 1, 7, 11, "b", MINUTE).await;

    assert_eq!(moved, stored(Some("a")));
    assert_eq!(list(kv, 1).await, [entry(1, 7, 11, "b")]);
    assert_eq!(list(kv, 2).await, [entry(2, 7, 20, "other scope")], "other scopes are untouched");
    assert_eq!(scopes_of(kv, 7).await, [id(1), id(2)]);
}

pub async fn a_full_channel_refuses_newcomers_but_not_its_members(kv: &dyn Kv) {
    assert_eq!(join(kv, 1, 1, 10, "a", 2).await, stored(None));
    assert_eq!(join(kv, 1, 2, 10, "b", 2).await, stored(None));
    assert_eq!(join(kv, 1, 3, 11, "c", 2).await, stored(None), "another channel has its own count");

    let newcomer = join(kv, 1, 3, 10, "c2", 2).await;
    let member = join(kv, 1, 1, 10, "a2", 2).await;
    let unlimited = put(kv, 1, 4, 10, "d", MINUTE).await;

    assert_eq!(newcomer, VoicePut::Full);
    assert_eq!(member, stored(Some("a")), "a user already in the channel may update its state");
    assert_eq!(unlimited, stored(None), "no limit, no check");
    let states = [entry(1, 1, 10, "a2"), entry(1, 2, 10, "b"), entry(1, 3, 11, "c"), entry(1, 4, 10, "d")];
    assert_eq!(list(kv, 1).await, states, "the refused user kept its state");
    assert_eq!(join(kv, 1, 5, 10, "e", 0).await, VoicePut::Full, "a zero limit admits no newcomer");
}

pub async fn concurrent_puts_never_exceed_the_limit(kv: &dyn Kv) {
    let puts = (1..=20).map(|user| kv.voice_put(id(1), id(user), id(10), "v", Some(5), MINUTE));

    let outcomes = futures::future::join_all(puts).await;

    let admitted = outcomes.iter().filter(|o| matches!(o, Ok(VoicePut::Stored { .. }))).count();
    let refused = outcomes.iter().filter(|o| matches!(o, Ok(VoicePut::Full))).count();
    assert_eq!((admitted, refused), (5, 15), "{outcomes:?}");
    assert_eq!(list(kv, 1).await.len(), 5);
}

pub async fn a_swap_replaces_only_the_expected_value_and_ignores_limits(kv: &dyn Kv) {
    put(kv, 1, 7, 10, "a", MINUTE).await;
    join(kv, 1, 8, 11, "full", 1).await;

    let stale = kv.voice_swap(id(1), id(7), "old", id(11), "b", MINUTE).await.expect("swap");
    let unchanged = list(kv, 1).await;
    let swapped = kv.voice_swap(id(1), id(7), "a", id(11), "b", MINUTE).await.expect("swap");
    let missing = kv.voice_swap(id(1), id(9), "a", id(11), "b", MINUTE).await.expect("swap");

    assert!(!stale);
    assert_eq!(unchanged, [entry(1, 7, 10, "a"), entry(1, 8, 11, "full")]);
    assert!(swapped, "moved into a channel at its limit");
    assert_eq!(list(kv, 1).await, [entry(1, 7, 11, "b"), entry(1, 8, 11, "full")]);
    assert!(!missing, "nothing to swap");
    assert!(scopes_of(kv, 9).await.is_empty());
}

pub async fn a_remove_takes_the_state_when_its_value_is_as_expected(kv: &dyn Kv) {
    put(kv, 1, 7, 10, "a", MINUTE).await;
    put(kv, 1, 8, 10, "b", MINUTE).await;

    let stale = kv.voice_remove(id(1), id(7), Some("old")).await.expect("remove");
    let expected = kv.voice_remove(id(1), id(7), Some("a")).await.expect("remove");
    let any = kv.voice_remove(id(1), id(8), None).await.expect("remove");
    let again = kv.voice_remove(id(1), id(8), None).await.expect("remove");

    assert_eq!(stale, None);
    assert_eq!(expected.as_deref(), Some("a"));
    assert_eq!(any.as_deref(), Some("b"));
    assert_eq!(again, None, "nothing left to remove");
    assert!(list(kv, 1).await.is_empty());
    assert!(scopes_of(kv, 7).await.is_empty());
}

pub async fn renewing_keeps_a_state_alive_past_its_ttl(kv: &dyn Kv) {
    put(kv, 1, 7, 10, "renewed", SHORT).await;
    put(kv, 1, 8, 10, "lapses", SHORT).await;

    kv.voice_renew(&[(id(1), id(7)), (id(1), id(9))], MINUTE).await.expect("renew");
    tokio::time::sleep(PAST_SHORT).await;
    kv.voice_renew(&[(id(1), id(8))], MINUTE).await.expect("renew");

    assert_eq!(list(kv, 1).await, [entry(1, 7, 10, "renewed")], "an expired state stays gone");
    assert!(scopes_of(kv, 9).await.is_empty(), "renewing creates nothing");
    let taken = kv.voice_take_expired(10).await.expect("take");
    assert_eq!(taken, [entry(1, 8, 10, "lapses")], "still collected once expired");
    kv.voice_renew(&[], MINUTE).await.expect("an empty renewal");
}

pub async fn an_expired_state_is_hidden_and_frees_its_place(kv: &dyn Kv) {
    kv.voice_put(id(1), id(7), id(10), "a", Some(1), SHORT).await.expect("put");
    put(kv, 2, 7, 20, "b", MINUTE).await;

    tokio::time::sleep(PAST_SHORT).await;

    assert!(list(kv, 1).await.is_empty());
    assert_eq!(scopes_of(kv, 7).await, [id(2)]);
    assert!(!kv.voice_swap(id(1), id(7), "a", id(10), "x", MINUTE).await.expect("swap"), "nothing live to swap");
    assert_eq!(kv.voice_remove(id(1), id(7), None).await.expect("remove"), None, "nothing live to remove");
    assert_eq!(join(kv, 1, 8, 10, "c", 1).await, stored(None), "an expired state frees its place");
    assert_eq!(put(kv, 1, 7, 11, "d", MINUTE).await, stored(None), "an expired state is no previous state");
    assert!(kv.voice_take_expired(10).await.expect("take").is_empty(), "the replaced state is not collected");
}

pub async fn expired_states_are_taken_exactly_once(kv: &dyn Kv) {
    put(kv, 1, 7, 10, "a", SHORT).await;
    put(kv, 1, 8, 11, "b", SHORT).await;
    put(kv, 2, 7, 20, "c", SHORT).await;
    put(kv, 2, 9, 20, "lives", MINUTE).await;
    assert!(kv.voice_take_expired(10).await.expect("take").is_empty(), "nothing has expired yet");

    tokio::time::sleep(PAST_SHORT).await;
    let (first, second) = tokio::join!(kv.voice_take_expired(10), kv.voice_take_expired(10));
    let mut taken = first.expect("take");
    taken.extend(second.expect("take"));

    assert_eq!(sorted(taken), [entry(1, 7, 10, "a"), entry(1, 8, 11, "b"), entry(2, 7, 20, "c")]);
    assert!(kv.voice_take_expired(10).await.expect("take").is_empty(), "each only once");
    assert_eq!(list(kv, 2).await, [entry(2, 9, 20, "lives")], "live states are not taken");
    assert!(scopes_of(kv, 7).await.is_empty());
}

pub async fn taking_expired_states_stops_at_max(kv: &dyn Kv) {
    for user in 1..=3 {
        put(kv, 1, user, 10, "v", SHORT).await;
    }
    tokio::time::sleep(PAST_SHORT).await;

    let none = kv.voice_take_expired(0).await.expect("take");
    let first = kv.voice_take_expired(2).await.expect("take");
    let rest = kv.voice_take_expired(10).await.expect("take");

    assert!(none.is_empty(), "{none:?}");
    assert_eq!(first.len(), 2, "{first:?}");
    assert_eq!(rest.len(), 1, "{rest:?}");
}

pub async fn many_scopes_are_listed_in_order(kv: &dyn Kv) {
    put(kv, 1, 7, 10, "a", MINUTE).await;
    put(kv, 3, 7, 30, "b", MINUTE).await;
    put(kv, 3, 8, 31, "c", MINUTE).await;

    let many = kv.voice_list_many(&[id(3), id(2), id(1)]).await.expect("list");
    let none = kv.voice_list_many(&[]).await.expect("list");

    let many: Vec<Vec<VoiceEntry>> = many.into_iter().map(sorted).collect();
    assert_eq!(many, [vec![entry(3, 7, 30, "b"), entry(3, 8, 31, "c")], vec![], vec![entry(1, 7, 10, "a")]]);
    assert!(none.is_empty());
}
