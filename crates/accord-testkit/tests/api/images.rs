//! Images given as `data:` URIs: a guild icon set with `PATCH /guilds/{id}`, stored under its
//! content hash and served back at the site root (`/icons/{guild}/{hash}.png`).

use accord_testkit::permissions::MANAGE_GUILD;
use accord_testkit::uploads::data_uri;
use accord_testkit::{TestGuild, TestServer, TestUser, assert_error};
use serde_json::{Value, json};

/// A complete, valid PNG of `width` x 1 opaque red pixels: signature, IHDR, one stored-deflate
/// IDAT and IEND, every chunk with its real CRC.
fn png(width: u32) -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&1u32.to_be_bytes());
    // Bit depth 8, colour type 6 (RGBA), deflate, adaptive filtering, no interlace.
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    // One scanline: filter type 0, then RGBA per pixel.
    let mut raw = vec![0u8];
    for _ in 0..width {
        raw.extend_from_slice(&[0xff, 0, 0, 0xff]);
    }
    let len = u16::try_from(raw.len()).expect("a small image");
    // zlib header, one final stored block (LEN, NLEN), the data, Adler-32.
    let mut idat = vec![0x78, 0x01, 0x01];
    idat.extend_from_slice(&len.to_le_bytes());
    idat.extend_from_slice(&(!len).to_le_bytes());
    idat.extend_from_slice(&raw);
    idat.extend_from_slice(&adler32(&raw).to_be_bytes());

    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(b"IHDR", &ihdr[..]), (b"IDAT", &idat[..]), (b"IEND", &[][..])] {
        png.extend_from_slice(&u32::try_from(data.len()).expect("a small chunk").to_be_bytes());
        let start = png.len();
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        let crc = crc32(&png[start..]);
        png.extend_from_slice(&crc.to_be_bytes());
    }
    png
}

/// CRC-32 (ISO-HDLC), as PNG chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0u32, |crc, &byte| {
        (0..8).fold(crc ^ u32::from(byte), |c, _| if c & 1 == 1 { (c >> 1) ^ 0xedb8_8320 } else { c >> 1 })
    })
}

fn adler32(bytes: &[u8]) -> u32 {
    let (a, b) = bytes.iter().fold((1u32, 0u32), |(a, b), &byte| {
        let a = (a + u32::from(byte)) % 65521;
        (a, (b + a) % 65521)
    });
    (b << 16) | a
}

fn guild_path(guild: &TestGuild) -> String {
    format!("/guilds/{}", guild.id)
}

/// `user` sets the guild's icon to `icon` (a data URI or null); the raw answer.
async fn set_icon(user: &TestUser, guild: &TestGuild, icon: Value) -> accord_client::Answer {
    user.api.patch(&guild_path(guild), json!({ "icon": icon })).await.expect("patch guild")
}

/// The guild's `icon` as its owner reads it.
async fn icon_of(guild: &TestGuild) -> Value {
    let answer = guild.owner.api.get(&guild_path(guild)).await.expect("get guild");
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body["icon"].clone()
}

/// The owner sets `bytes` as the icon; asserts 200 and returns the hash.
async fn icon_set_to(guild: &TestGuild, bytes: &[u8]) -> String {
    let answer = set_icon(&guild.owner, guild, json!(data_uri("image/png", bytes))).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body["icon"].as_str().unwrap_or_else(|| panic!("no icon hash in {}", answer.text)).to_owned()
}

/// `GET {site}/icons/{guild}/{file}`, unauthenticated, as a browser would.
async fn fetch_icon(server: &TestServer, guild: &TestGuild, file: &str) -> reqwest::Response {
    reqwest::get(format!("{}/icons/{}/{file}", server.url(), guild.id)).await.expect("icon request")
}

fn is_image_hash(value: &str) -> bool {
    value.len() == 32 && value.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[tokio::test]
async fn a_guild_icon_given_as_a_data_uri_is_served_at_its_hash_exactly_as_sent() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bytes = png(1);
    let mut events = server.events().await;

    let hash = icon_set_to(&guild, &bytes).await;

    assert!(is_image_hash(&hash), "not 32 lowercase hex: {hash}");
    assert_eq!(icon_of(&guild).await, hash.as_str(), "the icon is kept");
    let update = events.expect("GUILD_UPDATE").await;
    assert_eq!(update.data["icon"], hash.as_str(), "{}", update.data);
    let served = fetch_icon(&server, &guild, &format!("{hash}.png")).await;
    assert_eq!(served.status(), 200);
    let header = |name: &str| served.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(header("content-type").as_deref(), Some("image/png"));
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(served.bytes().await.expect("icon body").as_ref(), &bytes[..]);
}

#[tokio::test]
async fn the_same_image_always_gets_the_same_hash_and_another_image_another() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;

    let first = icon_set_to(&guild, &png(1)).await;
    let again = icon_set_to(&guild, &png(1)).await;
    let wider = icon_set_to(&guild, &png(2)).await;

    assert_eq!(first, again);
    assert_ne!(first, wider);
    assert!(is_image_hash(&wider), "{wider}");
    // Both images stay served: URLs are immutable, whatever the guild shows now.
    for hash in [&first, &wider] {
        assert_eq!(fetch_icon(&server, &guild, &format!("{hash}.png")).await.status(), 200, "{hash}");
    }
    let unknown = "0".repeat(32);
    assert_eq!(fetch_icon(&server, &guild, &format!("{unknown}.png")).await.status(), 404);
}

#[tokio::test]
async fn an_html_document_declared_as_a_png_is_refused_and_the_icon_is_kept() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let before = icon_set_to(&guild, &png(1)).await;
    let html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";

    let answer = set_icon(&guild.owner, &guild, json!(data_uri("image/png", html))).await;

    assert_error(&answer, 400, 50035);
    assert_eq!(answer.body["errors"]["icon"]["_errors"][0]["code"], "IMAGE_INVALID", "{}", answer.text);
    assert_eq!(icon_of(&guild).await, before.as_str());
}

#[tokio::test]
async fn icons_that_are_not_image_data_uris_are_refused_on_the_icon_field() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let header_only = b"\x89PNG\r\n\x1a\n".to_vec();

    for icon in [
        "not a data uri".to_owned(),
        data_uri("text/html", &png(1)),
        data_uri("image/png", &header_only),
        "data:image/png;base64,!!!!".to_owned(),
    ] {
        let answer = set_icon(&guild.owner, &guild, json!(icon)).await;

        assert_error(&answer, 400, 50035);
        assert!(answer.body["errors"]["icon"]["_errors"][0]["code"].is_string(), "{icon}: {}", answer.text);
    }
    assert_eq!(icon_of(&guild).await, Value::Null);
}

#[tokio::test]
async fn null_clears_the_icon() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    icon_set_to(&guild, &png(1)).await;

    let answer = set_icon(&guild.owner, &guild, Value::Null).await;

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["icon"], Value::Null);
    assert_eq!(icon_of(&guild).await, Value::Null);
}

#[tokio::test]
async fn only_members_with_manage_guild_change_the_icon() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let before = icon_set_to(&guild, &png(1)).await;
    let bob = server.member(&guild, "bob").await;
    let eve = server.user("eve").await;
    let manager = server.member_with(&guild, "manager", MANAGE_GUILD).await;
    let replacement = json!(data_uri("image/png", &png(2)));

    let by_member = set_icon(&bob, &guild, replacement.clone()).await;
    let by_stranger = set_icon(&eve, &guild, replacement.clone()).await;
    let cleared_by_member = set_icon(&bob, &guild, Value::Null).await;

    assert_error(&by_member, 403, 50013);
    assert_error(&by_stranger, 404, 10004);
    assert_error(&cleared_by_member, 403, 50013);
    assert_eq!(icon_of(&guild).await, before.as_str());

    let by_manager = set_icon(&manager, &guild, replacement).await;

    assert_eq!(by_manager.status, 200, "{}", by_manager.text);
    let after = by_manager.body["icon"].as_str().expect("icon hash");
    assert_ne!(after, before);
    assert_eq!(icon_of(&guild).await, after);
}

#[tokio::test]
async fn an_icon_larger_than_the_general_body_limit_is_accepted() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    // A valid image followed by 2 MiB of padding: over the edge's 1 MiB body limit, well under
    // the 10 MiB icon limit.
    let mut bytes = png(4);
    bytes.resize(bytes.len() + 2 * 1024 * 1024, 0);

    let answer = set_icon(&alice, &guild, json!(data_uri("image/png", &bytes))).await;

    assert_eq!(answer.status, 200, "{}", answer.text);
    let hash = answer.body["icon"].as_str().expect("an icon hash");
    let served = reqwest::get(format!("{}/icons/{}/{hash}.png", server.url(), guild.id)).await.unwrap();
    assert_eq!(served.bytes().await.unwrap().len(), bytes.len());
}
