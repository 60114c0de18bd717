//! The media routes over a real local blob store: what is served, with which headers, and what
//! is 404 or 503.

use std::sync::Arc;

use accord_blobs::{BlobHandle, BlobKey, ObjectBlobs, S3Settings};
use accord_core::Snowflake;
use accord_files::{keys, sniff};
use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use tower::ServiceExt;

const HASH: &str = "0123456789abcdef0123456789abcdef";
const HTML: &[u8] = b"<!doctype html><script>alert(document.cookie)</script>";

/// The first bytes of a PNG: enough for the sniffer.
fn png() -> Bytes {
    Bytes::from_static(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\0\0\0\0")
}

fn id(raw: u64) -> Snowflake {
    Snowflake::new(raw).expect("non-zero")
}

/// A local store holding a PNG attachment `cat.png`, an HTML file uploaded as `x.png`, and a
/// PNG as guild 30's icon and user 40's avatar.
async fn store() -> (BlobHandle, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let blobs = ObjectBlobs::open(&format!("file://{}", dir.path().join("blobs").display())).expect("local store");
    let blobs: BlobHandle = Arc::new(blobs);
    let put = async |key: BlobKey, bytes: Bytes, name: &str| {
        let content_type = sniff::sniff(&bytes, name);
        blobs.put(&key, bytes, content_type).await.expect("put");
    };
    put(keys::attachment(id(10), id(20), "cat.png"), png(), "cat.png").await;
    put(keys::attachment(id(10), id(21), "x.png"), Bytes::from_static(HTML), "x.png").await;
    put(keys::icon(id(30), HASH), png(), "").await;
    put(keys::avatar(id(40), HASH), png(), "").await;
    (blobs, dir)
}

async fn call(blobs: &BlobHandle, method: Method, uri: &str) -> Response {
    let request = Request::builder().method(method).uri(uri).body(Body::empty()).expect("request");
    accord_media::router(blobs.clone()).oneshot(request).await.expect("infallible")
}

async fn get(blobs: &BlobHandle, uri: &str) -> Response {
    call(blobs, Method::GET, uri).await
}

fn header<'a>(response: &'a Response, name: &str) -> &'a str {
    response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

async fn body(response: Response) -> Bytes {
    to_bytes(response.into_body(), usize::MAX).await.expect("body")
}

#[tokio::test]
async fn a_png_attachment_is_served_inline_and_hardened() {
    let (blobs, _dir) = store().await;

    let response = get(&blobs, "/attachments/10/20/cat.png").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "image/png");
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    assert_eq!(header(&response, "content-security-policy"), "sandbox");
    assert_eq!(header(&response, "content-disposition"), "inline; filename=\"cat.png\"");
    assert!(header(&response, "cache-control").starts_with("public, max-age="));
    assert_eq!(body(response).await, png());
}

#[tokio::test]
async fn html_uploaded_as_png_is_a_plain_text_download() {
    let (blobs, _dir) = store().await;

    let response = get(&blobs, "/attachments/10/21/x.png").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "text/plain; charset=utf-8");
    assert_eq!(header(&response, "content-disposition"), "attachment; filename=\"x.png\"");
    assert_eq!(header(&response, "content-security-policy"), "sandbox");
    assert_eq!(body(response).await, HTML);
}

#[tokio::test]
async fn a_blob_stored_with_a_foreign_type_is_an_opaque_download() {
    let (blobs, _dir) = store().await;
    let key = keys::attachment(id(10), id(22), "page.html");
    blobs.put(&key, Bytes::from_static(HTML), "text/html").await.expect("put");

    let response = get(&blobs, "/attachments/10/22/page.html").await;

    assert_eq!(header(&response, "content-type"), "application/octet-stream");
    assert_eq!(header(&response, "content-disposition"), "attachment; filename=\"page.html\"");
}

#[tokio::test]
async fn wrong_names_and_ids_are_404_with_discords_body() {
    let (blobs, _dir) = store().await;

    for uri in [
        "/attachments/10/20/dog.png",
        "/attachments/10/99/cat.png",
        "/attachments/11/20/cat.png",
        "/attachments/10/20/CAT.png",
        "/attachments/abc/20/cat.png",
        "/attachments/0/20/cat.png",
        "/attachments/010/20/cat.png",
        "/attachments/10/20/c%20at.png",
        "/attachments/10/20/..%2Fcat.png",
        "/attachments/10/20/%2e%2e",
    ] {
        let response = get(&blobs, uri).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{uri}");
        let json: serde_json::Value = serde_json::from_slice(&body(response).await).expect("JSON body");
        assert_eq!(json["message"], "404: Not Found", "{uri}");
        assert_eq!(json["code"], 0, "{uri}");
    }
}

#[tokio::test]
async fn icons_and_avatars_answer_to_their_hash_under_any_image_extension() {
    let (blobs, _dir) = store().await;

    for uri in [
        format!("/icons/30/{HASH}.png"),
        format!("/icons/30/{HASH}.webp"),
        format!("/avatars/40/{HASH}.png"),
        format!("/avatars/40/{HASH}.jpg"),
        format!("/avatars/40/{HASH}.gif"),
    ] {
        let response = get(&blobs, &uri).await;
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        assert_eq!(header(&response, "content-type"), "image/png", "{uri}");
        assert_eq!(header(&response, "x-content-type-options"), "nosniff", "{uri}");
        assert!(header(&response, "content-disposition").starts_with("inline; filename=\""), "{uri}");
        assert_eq!(body(response).await, png(), "{uri}");
    }
}

#[tokio::test]
async fn a_bad_hash_or_extension_is_404() {
    let (blobs, _dir) = store().await;
    let upper = HASH.to_ascii_uppercase();
    let short = &HASH[1..];

    for uri in [
        format!("/avatars/40/{upper}.png"),
        format!("/avatars/40/{short}.png"),
        format!("/avatars/40/{}g.png", &HASH[1..]),
        format!("/avatars/40/{HASH}.svg"),
        format!("/avatars/40/{HASH}"),
        format!("/avatars/41/{HASH}.png"),
        format!("/icons/40/{HASH}.png"),
        format!("/icons/x/{HASH}.png"),
    ] {
        assert_eq!(get(&blobs, &uri).await.status(), StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn head_answers_the_headers_without_the_bytes() {
    let (blobs, _dir) = store().await;

    let response = call(&blobs, Method::HEAD, "/attachments/10/20/cat.png").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "content-type"), "image/png");
    assert_eq!(header(&response, "content-disposition"), "inline; filename=\"cat.png\"");
    assert!(body(response).await.is_empty());
}

#[tokio::test]
async fn blob_storage_down_is_503() {
    // Nothing listens on port 1: every call is refused and reported unavailable.
    let settings = S3Settings {
        endpoint: Some("http://127.0.0.1:1".to_owned()),
        credentials: Some(("test".into(), "test".into())),
        allow_http: true,
    };
    let blobs: BlobHandle = Arc::new(ObjectBlobs::open_with("s3://accord-test/down", &settings).expect("opens"));

    let response = get(&blobs, "/attachments/10/20/cat.png").await;

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let json: serde_json::Value = serde_json::from_slice(&body(response).await).expect("JSON body");
    assert_eq!(json["error"], "service_unavailable");
}
