//! Registry cases: members are listed while they refresh, replaced by id, removed, expired,
//! and groups are apart.

use std::time::Duration;

use crate::Kv;

const MINUTE: Duration = Duration::from_secs(60);

async fn sorted(kv: &dyn Kv, group: &str) -> Vec<String> {
    let mut members = kv.registry_list(group).await.expect("list");
    members.sort();
    members
}

pub async fn members_are_listed_and_replaced_by_id(kv: &dyn Kv) {
    kv.registry_put("nodes", "a", "a1", MINUTE).await.expect("put");
    kv.registry_put("nodes", "b", "b1", MINUTE).await.expect("put");
    kv.registry_put("nodes", "a", "a2", MINUTE).await.expect("put");
    kv.registry_put("others", "c", "c1", MINUTE).await.expect("put");

    assert_eq!(sorted(kv, "nodes").await, ["a2", "b1"]);
    assert_eq!(sorted(kv, "others").await, ["c1"]);
    assert!(sorted(kv, "empty").await.is_empty());
}

pub async fn a_removed_member_is_gone(kv: &dyn Kv) {
    kv.registry_put("nodes", "a", "a1", MINUTE).await.expect("put");
    kv.registry_put("nodes", "b", "b1", MINUTE).await.expect("put");

    kv.registry_remove("nodes", "a").await.expect("remove");

    assert_eq!(sorted(kv, "nodes").await, ["b1"]);
}

pub async fn a_member_that_stops_refreshing_drops_out(kv: &dyn Kv) {
    kv.registry_put("nodes", "dies", "d", Duration::from_millis(300)).await.expect("put");
    kv.registry_put("nodes", "lives", "l", MINUTE).await.expect("put");

    tokio::time::sleep(Duration::from_millis(600)).await;

    assert_eq!(sorted(kv, "nodes").await, ["l"]);
}
