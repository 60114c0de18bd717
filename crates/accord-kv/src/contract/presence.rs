//! Presence cases: values, claims by several holders, expiry and renewal.

use std::time::Duration;

use accord_core::Snowflake;
use serde_json::{Value, json};

use crate::Kv;

const MINUTE: Duration = Duration::from_secs(60);

fn user(n: u64) -> Snowflake {
    Snowflake::new(n).expect("non-zero id")
}

fn status(s: &str) -> Value {
    json!({ "status": s, "activities": [] })
}

async fn get(kv: &dyn Kv, n: u64) -> Vec<Value> {
    kv.presence_get_many(&[user(n)]).await.expect("get").remove(0)
}

pub async fn a_holders_value_is_read_back_and_the_values_before_returned(kv: &dyn Kv) {
    let first = kv.presence_set(user(1), "node-a", &status("online"), MINUTE).await.expect("set");
    let read = get(kv, 1).await;
    let second = kv.presence_set(user(1), "node-a", &status("idle"), MINUTE).await.expect("set");

    assert!(first.is_empty(), "the user was offline");
    assert_eq!(read, [status("online")]);
    assert_eq!(second, [status("online")]);
    assert_eq!(get(kv, 1).await, [status("idle")]);
}

pub async fn users_without_a_claim_read_as_empty_in_order(kv: &dyn Kv) {
    kv.presence_set(user(1), "node-a", &status("dnd"), MINUTE).await.expect("set");

    let many = kv.presence_get_many(&[user(2), user(1), user(3)]).await.expect("get");
    let none = kv.presence_get_many(&[]).await.expect("get");

    assert_eq!(many, [vec![], vec![status("dnd")], vec![]]);
    assert!(none.is_empty());
}

pub async fn each_holder_keeps_its_own_value_until_it_clears(kv: &dyn Kv) {
    kv.presence_set(user(1), "node-b", &status("online"), MINUTE).await.expect("set");
    let before = kv.presence_set(user(1), "node-a", &status("idle"), MINUTE).await.expect("set");
    let both = get(kv, 1).await;

    let after_a = kv.presence_clear(user(1), "node-a").await.expect("clear");
    let after_b = kv.presence_clear(user(1), "node-b").await.expect("clear");

    assert_eq!(before, [status("online")]);
    assert_eq!(both, [status("idle"), status("online")], "by holder name");
    assert_eq!(after_a, [status("online")], "node-b still holds the user");
    assert!(after_b.is_empty());
    assert!(get(kv, 1).await.is_empty());
    let again = kv.presence_set(user(1), "node-a", &status("online"), MINUTE).await.expect("set");
    assert!(again.is_empty(), "offline again, so there was nothing before");
}

pub async fn an_unrenewed_claim_expires(kv: &dyn Kv) {
    kv.presence_set(user(1), "node-a", &status("online"), Duration::from_millis(300)).await.expect("set");

    tokio::time::sleep(Duration::from_millis(600)).await;

    assert!(get(kv, 1).await.is_empty());
    assert!(kv.presence_set(user(1), "node-a", &status("online"), MINUTE).await.expect("set").is_empty());
}

pub async fn an_expired_claim_stops_counting(kv: &dyn Kv) {
    kv.presence_set(user(1), "dead-node", &status("dnd"), Duration::from_millis(300)).await.expect("set");
    kv.presence_set(user(1), "node-b", &status("online"), MINUTE).await.expect("set");

    tokio::time::sleep(Duration::from_millis(600)).await;
    let read = get(kv, 1).await;
    let left = kv.presence_clear(user(1), "node-b").await.expect("clear");

    assert_eq!(read, [status("online")], "the dead node's value is gone with its claim");
    assert!(left.is_empty());
    assert!(get(kv, 1).await.is_empty());
}

pub async fn refreshing_renews_claims_with_the_values_given(kv: &dyn Kv) {
    let short = Duration::from_millis(1000);
    kv.presence_set(user(1), "node-a", &status("online"), short).await.expect("set");
    kv.presence_set(user(1), "node-b", &status("idle"), short).await.expect("set");

    kv.presence_refresh("node-a", &[(user(1), status("dnd"))], MINUTE).await.expect("refresh");
    tokio::time::sleep(short + Duration::from_millis(300)).await;

    assert_eq!(get(kv, 1).await, [status("dnd")], "renewed with its value; node-b's claim lapsed");
    assert!(kv.presence_clear(user(1), "node-a").await.expect("clear").is_empty());
}

pub async fn refreshing_restores_a_vanished_claim(kv: &dyn Kv) {
    let users = [(user(1), status("online")), (user(2), status("dnd"))];

    kv.presence_refresh("node-a", &users, MINUTE).await.expect("refresh");

    let read = kv.presence_get_many(&[user(1), user(2)]).await.expect("get");
    assert_eq!(read, [vec![status("online")], vec![status("dnd")]]);
    assert!(kv.presence_clear(user(1), "node-a").await.expect("clear").is_empty());
    kv.presence_refresh("node-a", &[], MINUTE).await.expect("an empty refresh");
}

pub async fn clearing_a_user_without_claims_reports_offline(kv: &dyn Kv) {
    assert!(kv.presence_clear(user(9), "node-a").await.expect("clear").is_empty());
}
