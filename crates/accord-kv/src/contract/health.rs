//! Health cases.

use crate::Kv;

pub async fn the_backend_answers_a_ping(kv: &dyn Kv) {
    kv.ping().await.expect("ping");
}
