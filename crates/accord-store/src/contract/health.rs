//! Contract cases for [`HealthStore`](crate::HealthStore).

use crate::Store;

pub async fn the_store_answers_a_ping(store: &dyn Store) {
    store.ping().await.expect("ping");
}

pub async fn the_store_reports_durable_settings(store: &dyn Store) {
    let settings = store.check_durability().await.expect("durable");

    assert!(!settings.is_empty());
}
