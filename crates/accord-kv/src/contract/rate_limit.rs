//! Rate-limit cases: fixed windows, per key, atomic under concurrency.

use std::time::Duration;

use crate::{Decision, Kv};

const MINUTE: Duration = Duration::from_secs(60);

pub async fn a_window_allows_its_limit_then_refuses(kv: &dyn Kv) {
    let mut decisions = Vec::new();
    for _ in 0..4 {
        decisions.push(kv.hit("login:1", 3, MINUTE).await.expect("hit"));
    }

    let seen: Vec<(bool, u32)> = decisions.iter().map(|d| (d.allowed, d.remaining)).collect();
    assert_eq!(seen, [(true, 2), (true, 1), (true, 0), (false, 0)]);
    for Decision { reset_after, .. } in decisions {
        assert!(reset_after <= MINUTE && reset_after > MINUTE - Duration::from_secs(10), "{reset_after:?}");
    }
}

pub async fn keys_have_separate_windows(kv: &dyn Kv) {
    let first = kv.hit("a", 1, MINUTE).await.expect("hit");
    let again = kv.hit("a", 1, MINUTE).await.expect("hit");
    let other = kv.hit("b", 1, MINUTE).await.expect("hit");

    assert!(first.allowed);
    assert!(!again.allowed);
    assert!(other.allowed, "another key has its own window");
}

pub async fn a_window_reopens_once_it_has_passed(kv: &dyn Kv) {
    let window = Duration::from_millis(1000);
    assert!(kv.hit("k", 2, window).await.expect("hit").allowed);
    assert!(kv.hit("k", 2, window).await.expect("hit").allowed);
    assert!(!kv.hit("k", 2, window).await.expect("hit").allowed);

    tokio::time::sleep(window + Duration::from_millis(300)).await;
    let reopened = kv.hit("k", 2, window).await.expect("hit");

    assert!(reopened.allowed);
    assert_eq!(reopened.remaining, 1, "a new window counts from zero");
    assert!(reopened.reset_after > window / 2, "{:?}", reopened.reset_after);
}

pub async fn the_reset_counts_down_from_the_first_hit(kv: &dyn Kv) {
    let first = kv.hit("k", 5, MINUTE).await.expect("hit");
    tokio::time::sleep(Duration::from_millis(400)).await;

    let second = kv.hit("k", 5, MINUTE).await.expect("hit");

    assert!(second.reset_after + Duration::from_millis(300) < first.reset_after, "{first:?} then {second:?}");
}

pub async fn concurrent_hits_never_exceed_the_limit(kv: &dyn Kv) {
    let hits = (0..40).map(|_| kv.hit("busy", 10, MINUTE));

    let decisions = futures::future::join_all(hits).await;

    let allowed = decisions.iter().filter(|d| d.as_ref().expect("hit").allowed).count();
    assert_eq!(allowed, 10);
    assert!(!kv.hit("busy", 10, MINUTE).await.expect("hit").allowed);
}

pub async fn a_zero_limit_refuses_every_hit(kv: &dyn Kv) {
    let decision = kv.hit("never", 0, MINUTE).await.expect("hit");

    assert!(!decision.allowed);
    assert_eq!(decision.remaining, 0);
    assert!(decision.reset_after > Duration::ZERO);
}
