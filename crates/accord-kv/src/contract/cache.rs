//! Cache cases: set, set-if-absent (atomic), expiry, and keys apart from the other areas.

use std::time::Duration;

use crate::Kv;

const MINUTE: Duration = Duration::from_secs(60);

pub async fn set_if_absent_stores_only_the_first_value(kv: &dyn Kv) {
    let first = kv.cache_set_if_absent("k", "one", MINUTE).await.expect("set");
    let second = kv.cache_set_if_absent("k", "two", MINUTE).await.expect("set");

    assert!(first);
    assert!(!second);
    assert_eq!(kv.cache_get("k").await.expect("get").as_deref(), Some("one"));
}

pub async fn set_replaces_the_value(kv: &dyn Kv) {
    kv.cache_set("k", "one", MINUTE).await.expect("set");
    kv.cache_set("k", "two", MINUTE).await.expect("set");

    assert_eq!(kv.cache_get("k").await.expect("get").as_deref(), Some("two"));
    assert!(!kv.cache_set_if_absent("k", "three", MINUTE).await.expect("set"));
}

pub async fn entries_expire_after_their_ttl(kv: &dyn Kv) {
    assert!(kv.cache_set_if_absent("k", "one", Duration::from_millis(300)).await.expect("set"));

    tokio::time::sleep(Duration::from_millis(600)).await;

    assert_eq!(kv.cache_get("k").await.expect("get"), None);
    assert!(kv.cache_set_if_absent("k", "two", MINUTE).await.expect("set"), "an expired key is absent");
}

pub async fn remove_takes_a_value_away_once(kv: &dyn Kv) {
    kv.cache_set("k", "one", MINUTE).await.expect("set");
    let removes = futures::future::join_all((0..5).map(|_| kv.cache_remove("k"))).await;
    let removed = removes.into_iter().map(|r| r.expect("remove")).filter(|r| *r).count();

    assert_eq!(removed, 1, "exactly one caller removes the value");
    assert_eq!(kv.cache_get("k").await.expect("get"), None);
    assert!(!kv.cache_remove("never set").await.expect("remove"));
}

pub async fn missing_keys_read_as_none(kv: &dyn Kv) {
    assert_eq!(kv.cache_get("never set").await.expect("get"), None);
}

pub async fn concurrent_set_if_absent_stores_exactly_once(kv: &dyn Kv) {
    let values: Vec<String> = (0..20).map(|n| n.to_string()).collect();
    let sets = values.iter().map(|v| kv.cache_set_if_absent("race", v, MINUTE));

    let outcomes = futures::future::join_all(sets).await;

    let stored: Vec<&String> =
        values.iter().zip(&outcomes).filter(|(_, o)| *o.as_ref().expect("set")).map(|(v, _)| v).collect();
    assert_eq!(stored.len(), 1, "{outcomes:?}");
    assert_eq!(kv.cache_get("race").await.expect("get").as_ref(), Some(stored[0]));
}

pub async fn areas_do_not_share_keys(kv: &dyn Kv) {
    kv.hit("shared", 1, MINUTE).await.expect("hit");

    assert_eq!(kv.cache_get("shared").await.expect("get"), None);
    assert!(kv.cache_set_if_absent("shared", "x", MINUTE).await.expect("set"));
    assert!(!kv.hit("shared", 1, MINUTE).await.expect("hit").allowed, "the window is untouched");
}
