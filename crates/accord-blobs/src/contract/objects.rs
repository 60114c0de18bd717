//! Object cases: put, get, head, exists and delete, content types, sizes, concurrency.

use bytes::Bytes;

use super::key;
use crate::{Blob, BlobError, BlobMeta, BlobStore};

pub async fn a_put_blob_reads_back_with_its_content_type(blobs: &dyn BlobStore) {
    let k = key("attachments/1/2/cat.png");

    blobs.put(&k, Bytes::from_static(b"\x89PNG not really"), "image/png").await.expect("put");

    let blob = blobs.get(&k).await.expect("get");
    assert_eq!(blob, Blob { bytes: Bytes::from_static(b"\x89PNG not really"), content_type: "image/png".into() });
    assert!(blobs.exists(&k).await.expect("exists"));
}

pub async fn a_put_replaces_the_bytes_and_the_content_type(blobs: &dyn BlobStore) {
    let k = key("avatars/1/a");
    blobs.put(&k, Bytes::from_static(b"first"), "image/png").await.expect("put");

    blobs.put(&k, Bytes::from_static(b"second, longer"), "image/webp").await.expect("put again");

    let blob = blobs.get(&k).await.expect("get");
    assert_eq!(blob.bytes, Bytes::from_static(b"second, longer"));
    assert_eq!(blob.content_type, "image/webp");
    let meta = blobs.head(&k).await.expect("head");
    assert_eq!(meta, Some(BlobMeta { size: 14, content_type: "image/webp".into() }));
}

pub async fn a_missing_key_is_not_found(blobs: &dyn BlobStore) {
    let k = key("never/put");

    assert_eq!(blobs.get(&k).await, Err(BlobError::NotFound));
    assert_eq!(blobs.head(&k).await, Ok(None));
    assert_eq!(blobs.exists(&k).await, Ok(false));
}

pub async fn head_tells_size_and_content_type_without_the_bytes(blobs: &dyn BlobStore) {
    let k = key("emojis/7.gif");
    blobs.put(&k, Bytes::from(vec![7u8; 1234]), "image/gif").await.expect("put");

    let meta = blobs.head(&k).await.expect("head");

    assert_eq!(meta, Some(BlobMeta { size: 1234, content_type: "image/gif".into() }));
}

pub async fn a_deleted_blob_is_gone(blobs: &dyn BlobStore) {
    let k = key("attachments/3/4/notes.txt");
    blobs.put(&k, Bytes::from_static(b"hello"), "text/plain").await.expect("put");

    blobs.delete(&k).await.expect("delete");

    assert_eq!(blobs.get(&k).await, Err(BlobError::NotFound));
    assert_eq!(blobs.head(&k).await, Ok(None));
    blobs.put(&k, Bytes::from_static(b"again"), "text/markdown").await.expect("put after delete");
    assert_eq!(blobs.get(&k).await.expect("get").content_type, "text/markdown");
}

pub async fn deleting_a_missing_key_succeeds(blobs: &dyn BlobStore) {
    blobs.delete(&key("never/put")).await.expect("delete of nothing");
    blobs.delete(&key("lonely")).await.expect("delete of nothing at the top");
}

pub async fn an_empty_blob_round_trips(blobs: &dyn BlobStore) {
    let k = key("empty.bin");

    blobs.put(&k, Bytes::new(), "application/octet-stream").await.expect("put");

    assert_eq!(blobs.get(&k).await.expect("get").bytes.len(), 0);
    assert_eq!(blobs.head(&k).await.expect("head").map(|m| m.size), Some(0));
}

pub async fn a_large_blob_round_trips(blobs: &dyn BlobStore) {
    let k = key("attachments/5/6/video.webm");
    let bytes: Bytes = (0..8 * 1024 * 1024).map(|i: u32| (i % 251) as u8).collect::<Vec<u8>>().into();

    blobs.put(&k, bytes.clone(), "video/webm").await.expect("put");

    let blob = blobs.get(&k).await.expect("get");
    assert_eq!(blob.bytes.len(), bytes.len());
    assert!(blob.bytes == bytes, "the bytes read back differ");
}

pub async fn content_type_parameters_are_kept(blobs: &dyn BlobStore) {
    let k = key("attachments/1/1/readme.txt");

    blobs.put(&k, Bytes::from_static(b"hi"), "text/plain; charset=utf-8").await.expect("put");

    assert_eq!(blobs.get(&k).await.expect("get").content_type, "text/plain; charset=utf-8");
    assert_eq!(
        blobs.head(&k).await.expect("head").map(|m| m.content_type).as_deref(),
        Some("text/plain; charset=utf-8")
    );
}

pub async fn an_invalid_content_type_is_refused_and_stores_nothing(blobs: &dyn BlobStore) {
    let k = key("bad/type");

    for bad in ["", "text/plain\r\nx-evil: 1", "bild/größe", &"a".repeat(256)] {
        let outcome = blobs.put(&k, Bytes::from_static(b"x"), bad).await;
        assert!(matches!(outcome, Err(BlobError::Internal(_))), "{bad:?}: {outcome:?}");
    }

    assert_eq!(blobs.head(&k).await, Ok(None));
}

pub async fn concurrent_puts_of_different_keys_all_land(blobs: &dyn BlobStore) {
    let keys: Vec<_> = (0..16).map(|n| key(&format!("many/{n}"))).collect();

    let puts = keys.iter().enumerate().map(|(n, k)| blobs.put(k, Bytes::from(n.to_string()), "text/plain"));
    for outcome in futures::future::join_all(puts).await {
        outcome.expect("put");
    }

    for (n, k) in keys.iter().enumerate() {
        assert_eq!(blobs.get(k).await.expect("get").bytes, Bytes::from(n.to_string()));
    }
}

pub async fn a_blob_written_in_parts_appears_whole_when_finished(blobs: &dyn BlobStore) {
    let k = key("attachments/1/5/big.bin");
    // More than two 5 MiB parts, in uneven chunks.
    let chunks: Vec<Bytes> = (0..23u8).map(|n| Bytes::from(vec![n; 512 * 1024 + usize::from(n)])).collect();
    let mut writer = blobs.writer(&k, "application/octet-stream").await.expect("writer");
    for chunk in &chunks {
        writer.write(chunk.clone()).await.expect("write");
    }
    assert_eq!(blobs.head(&k).await.expect("head"), None, "nothing shows before it finishes");

    writer.finish().await.expect("finish");

    let blob = blobs.get(&k).await.expect("get");
    assert_eq!(blob.bytes, chunks.concat());
    assert_eq!(blob.content_type, "application/octet-stream");
}

pub async fn an_aborted_writer_leaves_nothing(blobs: &dyn BlobStore) {
    let k = key("attachments/1/6/gone.bin");
    let mut writer = blobs.writer(&k, "text/plain").await.expect("writer");
    writer.write(Bytes::from_static(b"half")).await.expect("write");

    writer.abort().await;

    assert_eq!(blobs.head(&k).await.expect("head"), None);
    blobs.put(&key("attachments/1/6"), Bytes::from_static(b"x"), "text/plain").await.expect("the prefix is free");
    assert!(blobs.writer(&k, "bad\ntype").await.is_err(), "content types are checked up front");
}
