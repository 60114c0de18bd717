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

async fn get(kv: &dyn Kv, n: u64) -> Option<Value> {
    kv.presence_get_many(&[user(n)]).await.expect("get").remove(0)
}

pub async fn a_set_value_is_read_back_and_the_previous_one_returned(kv: &dyn Kv) {
    let first = kv.presence_set(user(1), "node-a", &status("online"), MINUTE).await.expect("set");
    let read = get(kv, 1).await;
    let second = kv.presence_set(user(1), "node-a", &status("idle"), MINUTE).await.expect("set");

    assert_eq!(first, None, "the user was offline");
    assert_eq!(read, Some(status("online")));
    assert_eq!(second, Some(status("online")));
    assert_eq!(get(kv, 1).await, Some(status("idle")));
}

pub async fn users_without_a_claim_read_as_none_in_order(kv: &dyn Kv) {
    kv.presence_set(user(1), "node-a", &status("dnd"), MINUTE).await.expect("set");

    let many = kv.presence_get_many(&[user(2), user(1), user(3)]).await.expect("get");
    let none = kv.presence_get_many(&[]).await.expect("get");

    assert_eq!(many, [None, Some(status("dnd")), None]);
    assert!(none.is_empty());
}

pub async fn a_user_stays_online_until_the_last_holder_clears(kv: &dyn Kv) {
    kv.presence_set(user(1), "node-a", &status("online"), MINUTE).await.expect("set");
    let replaced = kv.presence_set(user(1), "node-b", &status("idle"), MINUTE).await.expect("set");

    let a_gone = kv.presence_clear(user(1), "node-a").await.expect("clear");
    let after_a = get(kv, 1).await;
    let b_gone = kv.presence_clear(user(1), "node-b").await.expect("clear");

    assert_eq!(replaced, Some(status("online")), "the last writer wins, whichever holder");
    assert!(!a_gone, "node-b still holds the user");
    assert_eq!(after_a, Some(status("idle")));
    assert!(b_gone);
    assert_eq!(get(kv, 1).await, None);
    let again = kv.presence_set(user(1), "node-a", &status("online"), MINUTE).await.expect("set");
    assert_eq!(again, None, "offline again, so nothing was replaced");
}

pub async fn an_unrenewed_claim_expires(kv: &dyn Kv) {
    kv.presence_set(user(1), "node-a", &status("online"), Duration::from_millis(300)).await.expect("set");

    tokio::time::sleep(Duration::from_millis(600)).await;

    assert_eq!(get(kv, 1).await, None);
    assert_eq!(kv.presence_set(user(1), "node-a", &status("online"), MINUTE).await.expect("set"), None);
}

pub async fn an_expired_claim_does_not_keep_the_user_online(kv: &dyn Kv) {
    kv.presence_set(user(1), "dead-node", &status("online"), Duration::from_millis(300)).await.expect("set");
    kv.presence_set(user(1), "node-b", &status("online"), MINUTE).await.expect("set");

    tokio::time::sleep(Duration::from_millis(600)).await;
    let offline = kv.presence_clear(user(1), "node-b").await.expect("clear");

    assert!(offline, "the dead node's claim has expired");
    assert_eq!(get(kv, 1).await, None);
}

pub async fn refreshing_renews_claims_and_keeps_the_current_value(kv: &dyn Kv) {
    let short = Duration::from_millis(1000);
    kv.presence_set(user(1), "node-a", &status("online"), short).await.expect("set");
    kv.presence_set(user(1), "node-b", &status("idle"), short).await.expect("set");

    kv.presence_refresh("node-a", &[(user(1), status("online"))], MINUTE).await.expect("refresh");
    tokio::time::sleep(short + Duration::from_millis(300)).await;

    assert_eq!(get(kv, 1).await, Some(status("idle")), "renewed, and node-b's later value kept");
    assert!(kv.presence_clear(user(1), "node-a").await.expect("clear"), "node-b's claim was not renewed");
}

pub async fn refreshing_restores_a_vanished_value(kv: &dyn Kv) {
    let users = [(user(1), status("online")), (user(2), status("dnd"))];

    kv.presence_refresh("node-a", &users, MINUTE).await.expect("refresh");

    let read = kv.presence_get_many(&[user(1), user(2)]).await.expect("get");
    assert_eq!(read, [Some(status("online")), Some(status("dnd"))]);
    assert!(kv.presence_clear(user(1), "node-a").await.expect("clear"));
    kv.presence_refresh("node-a", &[], MINUTE).await.expect("an empty refresh");
}

pub async fn clearing_a_user_without_claims_reports_offline(kv: &dyn Kv) {
    assert!(kv.presence_clear(user(9), "node-a").await.expect("clear"));
}
