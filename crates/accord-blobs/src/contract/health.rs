//! Health cases.

use crate::BlobStore;

pub async fn the_store_answers_a_ping(blobs: &dyn BlobStore) {
    blobs.ping().await.expect("ping");
}
