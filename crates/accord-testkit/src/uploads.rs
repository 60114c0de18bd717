//! Discord's multipart message uploads (`payload_json` + `files[n]`), built by hand so tests
//! control every byte, a tiny PNG whose header says what size it is, and `data:` URIs.

use accord_client::Answer;
use reqwest::Method;
use serde_json::Value;

use crate::TestUser;

/// The multipart boundary of [`multipart`] bodies.
pub const BOUNDARY: &str = "accord-test-boundary";

/// A PNG that claims `width` x `height`: signature, IHDR and IEND (checksums left zero).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(&13u32.to_be_bytes());
    bytes.extend_from_slice(b"IHDR");
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    bytes.extend_from_slice(&[0, 0, 0, 0]);
    bytes.extend_from_slice(b"IEND");
    bytes.extend_from_slice(&[0xAE, 0x42, 0x60, 0x82]);
    bytes
}

/// A multipart body with `payload_json` and each file as `files[n]`.
pub fn multipart(payload: &Value, files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n").as_bytes(),
    );
    body.extend_from_slice(format!("Content-Type: application/json\r\n\r\n{payload}\r\n").as_bytes());
    for (n, (filename, declared, bytes)) in files.iter().enumerate() {
        let head = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files[{n}]\"; filename=\"{filename}\"\r\n\
             Content-Type: {declared}\r\n\r\n"
        );
        body.extend_from_slice(head.as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// POSTs a message with `files` to `channel`, as Discord's multipart upload.
pub async fn upload(user: &TestUser, channel: &str, payload: Value, files: &[(&str, &str, &[u8])]) -> Answer {
    upload_to(user, &format!("/channels/{channel}/messages"), payload, files).await
}

/// POSTs a multipart body with `payload_json` and `files` to `path` (under the API root).
pub async fn upload_to(user: &TestUser, path: &str, payload: Value, files: &[(&str, &str, &[u8])]) -> Answer {
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let body = multipart(&payload, files);
    user.api.send_raw(Method::POST, path, Some((body, &content_type))).await.expect("upload request")
}

/// `bytes` as a `data:` URI declaring `declared`, as clients send icons and avatars.
pub fn data_uri(declared: &str, bytes: &[u8]) -> String {
    use base64::Engine as _;
    format!("data:{declared};base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}
