//! Message bodies built by hand, byte for byte, and read as a handler would read them.

use accord_files::{MediaError, MessageBody, UploadLimits};
use accord_service::ApiError;
use axum::body::Body;
use axum::extract::FromRequest;
use axum::http::Request;

const BOUNDARY: &str = "----accord-test-boundary-7MA4YWxk";

/// One part: its name, file name (if a file) and bytes. Every file declares `image/png`, which
/// must not matter.
struct Part<'a> {
    name: &'a str,
    filename: Option<&'a str>,
    bytes: &'a [u8],
}

fn file<'a>(name: &'a str, filename: &'a str, bytes: &'a [u8]) -> Part<'a> {
    Part { name, filename: Some(filename), bytes }
}

fn field<'a>(name: &'a str, bytes: &'a [u8]) -> Part<'a> {
    Part { name, filename: None, bytes }
}

/// A multipart body; `terminated: false` leaves out the closing boundary.
fn multipart(parts: &[Part<'_>], terminated: bool) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let disposition = match part.filename {
            Some(filename) => format!(
                "Content-Disposition: form-data; name=\"{}\"; filename=\"{filename}\"\r\nContent-Type: image/png\r\n",
                part.name
            ),
            None => format!("Content-Disposition: form-data; name=\"{}\"\r\n", part.name),
        };
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(part.bytes);
        body.extend_from_slice(b"\r\n");
    }
    if terminated {
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    }
    body
}

fn request(content_type: &str, body: Vec<u8>) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri("/api/v10/channels/1/messages")
        .header("content-type", content_type)
        .body(Body::from(body))
        .expect("request")
}

fn multipart_request(parts: &[Part<'_>]) -> Request<Body> {
    request(&format!("multipart/form-data; boundary={BOUNDARY}"), multipart(parts, true))
}

/// Reads as an axum handler would, with the limits from the request (or the defaults).
async fn extract(req: Request<Body>) -> Result<MessageBody, ApiError> {
    MessageBody::from_request(req, &()).await
}

/// A PNG signature and IHDR declaring `width` x `height`, with no pixels.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend_from_slice(&width.to_be_bytes());
    png.extend_from_slice(&height.to_be_bytes());
    png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    png
}

fn field_error_code(err: &ApiError, field: &str) -> Option<String> {
    let errors = err.errors.as_ref()?;
    errors[field]["_errors"][0]["code"].as_str().map(str::to_owned)
}

#[tokio::test]
async fn payload_json_and_two_files_are_read_in_order() {
    let payload = br#"{"content":"hello","attachments":[{"id":0},{"id":1}]}"#;
    let image = png(2, 3);
    let req = multipart_request(&[
        field("payload_json", payload),
        file("files[0]", "cat.png", &image),
        file("files[1]", "notes.txt", b"just some notes\n"),
    ]);

    let body = extract(req).await.expect("reads");

    assert_eq!(body.payload_json.as_deref(), Some(&payload[..]));
    assert_eq!(body.files.len(), 2);
    let (cat, notes) = (&body.files[0], &body.files[1]);
    assert_eq!((cat.index, cat.filename.as_str(), cat.content_type), (0, "cat.png", "image/png"));
    assert_eq!((cat.width, cat.height), (Some(2), Some(3)));
    assert_eq!(cat.bytes, image);
    assert_eq!((notes.index, notes.filename.as_str()), (1, "notes.txt"));
    assert_eq!(notes.content_type, "text/plain; charset=utf-8");
    assert_eq!((notes.width, notes.height), (None, None));
}

#[tokio::test]
async fn a_json_body_is_the_payload_and_has_no_files() {
    let req = request("application/json; charset=utf-8", br#"{"content":"hi"}"#.to_vec());

    let body = extract(req).await.expect("reads");

    assert_eq!(body.payload_json.as_deref(), Some(&br#"{"content":"hi"}"#[..]));
    assert!(body.files.is_empty());
}

#[tokio::test]
async fn a_json_body_over_its_limit_is_413() {
    let req = request("application/json", vec![b' '; UploadLimits::default().max_payload_json_bytes + 1]);

    let err = extract(req).await.expect_err("too large");

    assert_eq!(err.code.status, 413);
}

#[tokio::test]
async fn a_file_over_the_limit_is_413() {
    let limits = UploadLimits { max_file_bytes: 1000, ..UploadLimits::default() };
    let big = vec![b'a'; 1001];
    let mut req = multipart_request(&[file("files[0]", "big.txt", &big)]);
    req.extensions_mut().insert(limits);

    let err = extract(req).await.expect_err("too large");

    assert_eq!(err.code.status, 413);
    assert_eq!(err.code.number, 40005);
}

#[tokio::test]
async fn files_together_over_the_message_limit_are_413() {
    let limits = UploadLimits { max_file_bytes: 1000, max_message_bytes: 1500, ..UploadLimits::default() };
    let chunk = vec![b'a'; 600];
    let req = multipart_request(&[
        file("files[0]", "a", &chunk),
        file("files[1]", "b", &chunk),
        file("files[2]", "c", &chunk),
    ]);

    let outcome = MessageBody::read(req, &limits).await;

    assert_eq!(outcome, Err(MediaError::TooLarge));
}

#[tokio::test]
async fn files_larger_than_axums_default_body_limit_are_accepted() {
    // axum caps bodies at 2 MB unless told otherwise; the upload limits replace that cap.
    let three_mb = vec![b'z'; 3 * 1024 * 1024];
    let req = multipart_request(&[file("files[0]", "big.txt", &three_mb)]);

    let body = extract(req).await.expect("within the 25 MiB default");

    assert_eq!(body.files[0].bytes.len(), three_mb.len());
}

#[tokio::test]
async fn more_files_than_allowed_is_400_on_files() {
    let names: Vec<String> = (0..11).map(|i| format!("files[{i}]")).collect();
    let parts: Vec<Part<'_>> = names.iter().map(|name| file(name, "a.txt", b"a")).collect();

    let err = extract(multipart_request(&parts)).await.expect_err("too many");

    assert_eq!(err.code.status, 400);
    assert_eq!(err.code.number, 50035);
    assert_eq!(field_error_code(&err, "files").as_deref(), Some("BASE_TYPE_MAX_LENGTH"));
}

#[tokio::test]
async fn too_many_ignored_parts_is_400() {
    let parts: Vec<Part<'_>> = (0..65).map(|_| field("content", b"x")).collect();

    let err = extract(multipart_request(&parts)).await.expect_err("too many parts");

    assert_eq!(err.code.status, 400);
    assert_eq!(err.errors.as_ref().and_then(|e| e["_errors"][0]["code"].as_str()), Some("BASE_TYPE_MAX_LENGTH"));
}

#[tokio::test]
async fn an_unterminated_body_is_400() {
    let body = multipart(&[field("payload_json", b"{}"), file("files[0]", "a.txt", b"abc")], false);
    let req = request(&format!("multipart/form-data; boundary={BOUNDARY}"), body);

    let err = extract(req).await.expect_err("malformed");

    assert_eq!(err.code.status, 400);
    let error = err.errors.as_ref().map(|e| &e["_errors"][0]);
    assert_eq!(error.and_then(|e| e["code"].as_str()), Some("BASE_TYPE_BAD"));
    let message = error.and_then(|e| e["message"].as_str()).unwrap_or_default();
    assert!(message.starts_with("Malformed multipart body: "), "{message}");
}

#[tokio::test]
async fn multipart_without_a_boundary_is_400_and_other_types_are_415() {
    let err = extract(request("multipart/form-data", b"x".to_vec())).await.expect_err("no boundary");
    assert_eq!(err.code.status, 400);

    for content_type in ["text/plain", "application/x-www-form-urlencoded", ""] {
        let err = extract(request(content_type, b"content=hi".to_vec())).await.expect_err("unsupported");
        assert_eq!(err.code.status, 415, "{content_type:?}");
    }
}

#[tokio::test]
async fn html_declared_as_png_is_plain_text() {
    let html = b"<html><body><script>alert(1)</script></body></html>";
    let req = multipart_request(&[file("files[0]", "cute.png", html)]);

    let body = extract(req).await.expect("reads");

    assert_eq!(body.files[0].content_type, "text/plain; charset=utf-8");
    assert_eq!((body.files[0].width, body.files[0].height), (None, None));
}

#[tokio::test]
async fn a_png_header_claiming_60000_square_is_400_on_its_field() {
    let bomb = png(60_000, 60_000);
    let req = multipart_request(&[file("files[0]", "ok.txt", b"fine"), file("files[1]", "bomb.png", &bomb)]);

    let err = extract(req).await.expect_err("refused");

    assert_eq!(err.code.status, 400);
    assert_eq!(field_error_code(&err, "files[1]").as_deref(), Some("IMAGE_INVALID"));
}

#[tokio::test]
async fn path_traversal_names_are_sanitized() {
    let req = multipart_request(&[
        file("files[0]", "../../etc/passwd", b"root:x:0:0"),
        file("files[1]", "my cat (1).png", b"x"),
        file("files[2]", "", b"y"),
    ]);

    let body = extract(req).await.expect("reads");

    let names: Vec<&str> = body.files.iter().map(|f| f.filename.as_str()).collect();
    assert_eq!(names, ["passwd", "my_cat__1_.png", "unknown"]);
}

#[tokio::test]
async fn unnamed_file_parts_take_the_next_free_index_and_other_fields_are_ignored() {
    let req = multipart_request(&[
        file("files[0]", "a.txt", b"a"),
        field("content", b"ignored"),
        file("file", "b.txt", b"b"),
        file("files", "c.txt", b"c"),
    ]);

    let body = extract(req).await.expect("reads");

    let indexes: Vec<usize> = body.files.iter().map(|f| f.index).collect();
    assert_eq!(indexes, [0, 1, 2]);
    assert_eq!(body.payload_json, None);
}

#[tokio::test]
async fn a_repeated_index_or_payload_is_400() {
    let twice = multipart_request(&[file("files[0]", "a", b"a"), file("files[0]", "b", b"b")]);
    let err = extract(twice).await.expect_err("index used twice");
    assert_eq!(field_error_code(&err, "files[0]").as_deref(), Some("BASE_TYPE_BAD"));

    let payloads = multipart_request(&[field("payload_json", b"{}"), field("payload_json", b"{}")]);
    let err = extract(payloads).await.expect_err("payload twice");
    assert_eq!(field_error_code(&err, "payload_json").as_deref(), Some("BASE_TYPE_BAD"));

    let bad_index = multipart_request(&[file("files[one]", "a", b"a")]);
    let err = extract(bad_index).await.expect_err("bad index");
    assert_eq!(field_error_code(&err, "files[one]").as_deref(), Some("BASE_TYPE_BAD"));
}

#[tokio::test]
async fn a_payload_json_part_over_its_limit_is_413() {
    let limits = UploadLimits { max_payload_json_bytes: 16, ..UploadLimits::default() };
    let req = multipart_request(&[field("payload_json", br#"{"content":"far too long"}"#)]);

    assert_eq!(MessageBody::read(req, &limits).await, Err(MediaError::TooLarge));
}
