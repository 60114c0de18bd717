//! Attachments: multipart uploads (`payload_json` + `files[n]`) into the blob store, complete
//! attachment objects, files served with safe headers, limits checked while streaming,
//! sniffed content types, and deletion with the message. One test runs on S3.

use accord_testkit::permissions::ATTACH_FILES;
use accord_testkit::uploads::{BOUNDARY, png, upload};
use accord_testkit::{TestGuild, TestServer, TestUser, assert_error};
use reqwest::Method;
use serde_json::json;

use super::guild_with_bob;

async fn fetch(url: &str) -> reqwest::Response {
    reqwest::get(url).await.expect("file request")
}

/// Uploads an image and an HTML file claiming to be a PNG and checks both as served.
async fn uploads_are_stored_and_served_safely(guild: &TestGuild, reader: &TestUser) {
    let image = png(2, 3);
    let files: [(&str, &str, &[u8]); 2] =
        [("cat.png", "image/png", &image), ("../../evil page.png", "image/png", b"<html><script>alert(1)</script>")];
    let payload = json!({ "content": "files", "attachments": [{ "id": 0, "description": "a cat" }] });

    let sent = upload(&guild.owner, &guild.text, payload, &files).await;

    assert_eq!(sent.status, 200, "{}", sent.text);
    let read = reader.api.get(&format!("/channels/{}/messages/{}", guild.text, sent.id())).await.unwrap();
    let attachments = read.body["attachments"].as_array().unwrap().clone();
    assert_eq!(attachments.len(), 2, "{}", read.text);
    let cat = &attachments[0];
    assert_eq!(cat["filename"], "cat.png");
    assert_eq!(cat["content_type"], "image/png");
    assert_eq!(cat["size"], image.len());
    assert_eq!((cat["width"].as_u64(), cat["height"].as_u64()), (Some(2), Some(3)));
    assert_eq!(cat["description"], "a cat");
    assert_eq!(cat["proxy_url"], cat["url"]);
    let evil = &attachments[1];
    assert_eq!(evil["filename"], "evil_page.png", "the path is gone and the name made safe");
    assert!(evil["content_type"].as_str().unwrap().starts_with("text/plain"), "sniffed: {evil}");
    assert!(evil.get("width").is_none());

    let served = fetch(cat["url"].as_str().unwrap()).await;
    assert_eq!(served.status(), 200);
    let header = |r: &reqwest::Response, name: &str| r.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(header(&served, "content-type").as_deref(), Some("image/png"));
    assert_eq!(header(&served, "x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(header(&served, "content-security-policy").as_deref(), Some("sandbox"));
    assert!(header(&served, "content-disposition").unwrap().starts_with("inline"));
    assert_eq!(served.bytes().await.unwrap().as_ref(), image.as_slice());
    let served = fetch(evil["url"].as_str().unwrap()).await;
    assert!(header(&served, "content-disposition").unwrap().starts_with("attachment"));
    assert!(!header(&served, "content-type").unwrap().contains("html"));

    let url = cat["url"].as_str().unwrap().to_owned();
    let deleted = guild.owner.api.delete(&format!("/channels/{}/messages/{}", guild.text, sent.id())).await.unwrap();
    assert_eq!(deleted.status, 204);
    assert_eq!(fetch(&url).await.status(), 404, "deleting a message deletes its files");
}

#[tokio::test]
async fn uploads_are_stored_served_safely_and_deleted_with_their_message() {
    let server = TestServer::spawn().await;
    let (guild, bob) = guild_with_bob(&server).await;
    uploads_are_stored_and_served_safely(&guild, &bob).await;
    let wrong_name = fetch(&format!("{}/attachments/{}/1/x.png", server.url(), guild.text)).await;
    assert_eq!(wrong_name.status(), 404);
}

#[tokio::test]
async fn uploads_go_to_an_s3_compatible_store() {
    let Ok(url) = std::env::var("ACCORD_TEST_S3_URL") else {
        assert!(std::env::var("ACCORD_TEST_REQUIRE_SERVICES").as_deref() != Ok("1"), "ACCORD_TEST_S3_URL is not set");
        eprintln!("skipped: set ACCORD_TEST_S3_URL (scripts/services) to run the S3 upload test");
        return;
    };
    let endpoint = std::env::var("ACCORD_TEST_S3_ENDPOINT").ok().filter(|e| !e.is_empty());
    let allow_http = endpoint.as_deref().is_some_and(|e| e.starts_with("http://"));
    let settings = accord_blobs::S3Settings { endpoint, credentials: None, allow_http };
    let bucket = format!("{}/uploads-{:016x}", url.trim_end_matches('/'), rand::random::<u64>());
    let blobs = accord_blobs::ObjectBlobs::open_with(&bucket, &settings).expect("the test bucket");
    let server = TestServer::spawn_with_blobs(std::sync::Arc::new(blobs)).await;
    let (guild, bob) = guild_with_bob(&server).await;

    uploads_are_stored_and_served_safely(&guild, &bob).await;
}

#[tokio::test]
async fn oversized_lying_and_malformed_uploads_are_refused_and_store_nothing() {
    let server = TestServer::spawn().await;
    let (guild, bob) = guild_with_bob(&server).await;
    let alice = &guild.owner;
    let payload = json!({ "content": "x" });

    let huge = vec![b'a'; 25 * 1024 * 1024 + 1];
    assert_error(&upload(alice, &guild.text, payload.clone(), &[("big.txt", "text/plain", &huge)]).await, 413, 40005);
    let giant = png(60_000, 60_000);
    let lying = upload(alice, &guild.text, payload.clone(), &[("giant.png", "image/png", &giant)]).await;
    assert_error(&lying, 400, 50035);
    let eleven: Vec<(&str, &str, &[u8])> = (0..11).map(|_| ("a.txt", "text/plain", b"a" as &[u8])).collect();
    assert_error(&upload(alice, &guild.text, payload.clone(), &eleven).await, 400, 50035);
    let unterminated = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n\r\n{{}}");
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let path = format!("/channels/{}/messages", guild.text);
    let answer = alice.api.send_raw(Method::POST, &path, Some((unterminated.into_bytes(), &content_type))).await;
    assert_error(&answer.unwrap(), 400, 50035);
    guild.overwrite(&guild.text, &bob.id, 1, 0, ATTACH_FILES).await;
    assert_error(&upload(&bob, &guild.text, payload, &[("a.txt", "text/plain", b"a")]).await, 403, 50013);

    let history = alice.api.get(&path).await.unwrap();
    assert_eq!(history.body, json!([]), "nothing was stored");
    let blobs = server.data_dir().join("blobs").join("attachments");
    let stored = std::fs::read_dir(&blobs).map(|d| d.count()).unwrap_or(0);
    assert_eq!(stored, 0, "no bytes were left behind");
}

/// Waits up to five seconds for `url` to stop being served (files go in the background).
async fn gone(url: &str) -> bool {
    for _ in 0..50 {
        if fetch(url).await.status() == 404 {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn deleting_a_channel_or_a_guild_deletes_their_files() {
    let server = TestServer::spawn().await;
    let (guild, _bob) = guild_with_bob(&server).await;
    let alice = &guild.owner;
    let other = guild.channel("other").await;
    let thread = alice.api.post(&format!("/channels/{other}/threads"), json!({ "name": "t", "type": 11 })).await;
    let thread = thread.unwrap().id();
    let image = png(2, 2);
    let mut urls = Vec::new();
    for channel in [&guild.text, &other, &thread] {
        let sent = upload(alice, channel, json!({ "content": "f" }), &[("f.png", "image/png", &image)]).await;
        assert_eq!(sent.status, 200, "{}", sent.text);
        urls.push(sent.body["attachments"][0]["url"].as_str().unwrap().to_owned());
    }
    let emoji = guild.emoji("doomed").await;

    assert_eq!(alice.api.delete(&format!("/channels/{other}")).await.unwrap().status, 200);
    assert!(gone(&urls[1]).await, "the channel's files");
    assert!(gone(&urls[2]).await, "its threads' files");
    assert_eq!(fetch(&urls[0]).await.status(), 200, "other channels keep theirs");

    assert_eq!(alice.api.delete(&format!("/guilds/{}", guild.id)).await.unwrap().status, 204);
    assert!(gone(&urls[0]).await, "the guild's files");
    assert!(gone(&format!("{}/emojis/{emoji}.png", server.url())).await, "its emoji");
}
