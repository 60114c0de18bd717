//! The accord-blobs contract suite on a fresh local directory per case.

accord_blobs::contract_tests!(async {
    let dir = tempfile::tempdir().expect("temp dir");
    let blobs = accord_blobs::ObjectBlobs::open(&format!("file://{}", dir.path().join("blobs").display()))
        .expect("opens a local directory");
    (blobs, dir)
});
