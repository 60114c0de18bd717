//! Key cases: keys that share a prefix, and characters that backends might mangle.

use bytes::Bytes;

use super::key;
use crate::{BlobError, BlobStore};

pub async fn keys_sharing_a_prefix_are_separate_blobs(blobs: &dyn BlobStore) {
    let (a, b) = (key("attachments/9/1/a.txt"), key("attachments/9/1/b.txt"));

    blobs.put(&a, Bytes::from_static(b"a"), "text/plain").await.expect("put a");
    blobs.put(&b, Bytes::from_static(b"b"), "text/csv").await.expect("put b");

    assert_eq!(blobs.get(&a).await.expect("get a").bytes, Bytes::from_static(b"a"));
    let b_read = blobs.get(&b).await.expect("get b");
    assert_eq!((b_read.bytes, b_read.content_type.as_str()), (Bytes::from_static(b"b"), "text/csv"));
    assert_eq!(blobs.get(&key("attachments/9/1")).await, Err(BlobError::NotFound), "a directory is no blob");
}

pub async fn unusual_characters_are_kept_exactly(blobs: &dyn BlobStore) {
    let odd = key("attachments/1/2/my file (1) ü €%41?&=+[x]{y}~!'.png");
    let decoded_twin = key("attachments/1/2/my file (1) ü €A?&=+[x]{y}~!'.png");

    blobs.put(&odd, Bytes::from_static(b"odd"), "image/png").await.expect("put");

    assert_eq!(blobs.get(&odd).await.expect("get").bytes, Bytes::from_static(b"odd"));
    assert_eq!(blobs.head(&decoded_twin).await, Ok(None), "%41 is not read as A");
    blobs.delete(&odd).await.expect("delete");
    assert_eq!(blobs.head(&odd).await, Ok(None));
}

pub async fn deleting_one_key_keeps_its_siblings(blobs: &dyn BlobStore) {
    let (a, b) = (key("dir/a"), key("dir/b"));
    blobs.put(&a, Bytes::from_static(b"a"), "text/plain").await.expect("put a");
    blobs.put(&b, Bytes::from_static(b"b"), "text/plain").await.expect("put b");

    blobs.delete(&a).await.expect("delete a");

    assert_eq!(blobs.head(&a).await, Ok(None));
    assert_eq!(blobs.get(&b).await.expect("get b").bytes, Bytes::from_static(b"b"));
}

pub async fn a_prefix_deletes_its_blobs_and_only_those(blobs: &dyn BlobStore) {
    let inside = [key("attachments/7/1/a.png"), key("attachments/7/2/b.txt"), key("attachments/7/2/c.txt")];
    let outside = [key("attachments/70/1/a.png"), key("attachments/8/7/a.png")];
    for k in inside.iter().chain(&outside) {
        blobs.put(k, Bytes::from_static(b"x"), "text/plain").await.expect("put");
    }

    let deleted = blobs.delete_prefix(&key("attachments/7")).await.expect("delete prefix");

    assert_eq!(deleted, 3);
    for k in &inside {
        assert_eq!(blobs.head(k).await.expect("head"), None, "{k}");
    }
    for k in &outside {
        assert!(blobs.exists(k).await.expect("exists"), "{k}");
    }
    assert_eq!(blobs.delete_prefix(&key("attachments/7")).await.expect("again"), 0);
}
