//! `PATCH /users/@me`: an avatar given as a `data:` URI, stored under its content hash and
//! served back at the site root (`/avatars/{user}/{hash}.png`); the display name and the
//! username; USER_UPDATE to the user.

use accord_client::Answer;
use accord_testkit::uploads::{data_uri, png};
use accord_testkit::{TestServer, TestUser, assert_error};
use serde_json::{Value, json};

async fn modify(user: &TestUser, body: Value) -> Answer {
    user.api.patch("/users/@me", body).await.expect("patch /users/@me")
}

/// The user as they read themself.
async fn me(user: &TestUser) -> Value {
    let answer = user.api.get("/users/@me").await.expect("get /users/@me");
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body
}

/// `user` sets `bytes` as their avatar; asserts 200 and returns the hash.
async fn avatar_set_to(user: &TestUser, bytes: &[u8]) -> String {
    let answer = modify(user, json!({ "avatar": data_uri("image/png", bytes) })).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body["avatar"].as_str().unwrap_or_else(|| panic!("no avatar hash in {}", answer.text)).to_owned()
}

/// `GET {site}/avatars/{user}/{file}`, unauthenticated, as a browser would.
async fn fetch_avatar(server: &TestServer, user: &TestUser, file: &str) -> reqwest::Response {
    reqwest::get(format!("{}/avatars/{}/{file}", server.url(), user.id)).await.expect("avatar request")
}

fn is_image_hash(value: &str) -> bool {
    value.len() == 32 && value.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The Discord error code of the first error on `field` in a 50035 body.
fn field_error_code(answer: &Answer, field: &str) -> Value {
    answer.body["errors"][field]["_errors"][0]["code"].clone()
}

#[tokio::test]
async fn an_avatar_given_as_a_data_uri_is_served_at_its_hash_exactly_as_sent() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bytes = png(128, 128);
    let mut events = server.events().await;

    let answer = modify(&alice, json!({ "avatar": data_uri("image/png", &bytes) })).await;

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["id"], alice.id.as_str());
    assert_eq!(answer.body["username"], "alice");
    let hash = answer.body["avatar"].as_str().expect("avatar hash").to_owned();
    assert!(is_image_hash(&hash), "not 32 lowercase hex: {hash}");
    assert_eq!(me(&alice).await["avatar"], hash.as_str(), "the avatar is kept");
    let update = events.expect("USER_UPDATE").await;
    assert_eq!(update.user_ids, [alice.id.as_str()]);
    assert_eq!((update.guild_id, update.channel_id), (None, None));
    assert_eq!(update.data["id"], alice.id.as_str());
    assert_eq!(update.data["avatar"], hash.as_str(), "{}", update.data);
    let served = fetch_avatar(&server, &alice, &format!("{hash}.png")).await;
    assert_eq!(served.status(), 200);
    let header = |name: &str| served.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(header("content-type").as_deref(), Some("image/png"));
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(served.bytes().await.expect("avatar body").as_ref(), &bytes[..]);
}

#[tokio::test]
async fn other_users_see_the_new_avatar_on_the_profile() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;

    let hash = avatar_set_to(&alice, &png(64, 64)).await;

    let profile = bob.api.get(&format!("/users/{}", alice.id)).await.expect("profile");
    assert_eq!(profile.status, 200, "{}", profile.text);
    assert_eq!(profile.body["avatar"], hash.as_str());
}

#[tokio::test]
async fn an_html_document_declared_as_a_png_is_refused_and_the_avatar_is_kept() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let before = avatar_set_to(&alice, &png(1, 1)).await;
    let html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";

    let answer = modify(&alice, json!({ "avatar": data_uri("image/png", html) })).await;

    assert_error(&answer, 400, 50035);
    assert_eq!(field_error_code(&answer, "avatar"), "IMAGE_INVALID", "{}", answer.text);
    assert_eq!(me(&alice).await["avatar"], before.as_str());
}

#[tokio::test]
async fn avatars_that_are_not_image_data_uris_are_refused_on_the_avatar_field() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    for avatar in [
        json!("not a data uri"),
        json!(data_uri("text/html", &png(1, 1))),
        json!(data_uri("image/png", b"\x89PNG\r\n\x1a\n")),
        json!("data:image/png;base64,!!!!"),
    ] {
        let answer = modify(&alice, json!({ "avatar": avatar })).await;

        assert_error(&answer, 400, 50035);
        assert!(field_error_code(&answer, "avatar").is_string(), "{avatar}: {}", answer.text);
    }
    assert_eq!(me(&alice).await["avatar"], Value::Null);
}

#[tokio::test]
async fn an_image_header_declaring_60000_by_60000_pixels_is_refused() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let answer = modify(&alice, json!({ "avatar": data_uri("image/png", &png(60_000, 60_000)) })).await;

    assert_error(&answer, 400, 50035);
    assert_eq!(field_error_code(&answer, "avatar"), "IMAGE_INVALID", "{}", answer.text);
    assert_eq!(me(&alice).await["avatar"], Value::Null);
}

#[tokio::test]
async fn an_avatar_larger_than_the_general_body_limit_is_accepted() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    // A valid header followed by 2 MiB of padding: over the edge's 1 MiB limit for bodies,
    // well under the 10 MiB avatar limit.
    let mut bytes = png(512, 512);
    bytes.resize(bytes.len() + 2 * 1024 * 1024, 0);

    let hash = avatar_set_to(&alice, &bytes).await;

    let served = fetch_avatar(&server, &alice, &format!("{hash}.png")).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.expect("avatar body").len(), bytes.len());
}

#[tokio::test]
async fn an_avatar_over_10_mib_is_refused_on_the_avatar_field() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let mut bytes = png(512, 512);
    bytes.resize(10 * 1024 * 1024 + 1, 0);

    let answer = modify(&alice, json!({ "avatar": data_uri("image/png", &bytes) })).await;

    assert_error(&answer, 400, 50035);
    assert_eq!(field_error_code(&answer, "avatar"), "BINARY_TYPE_MAX_SIZE", "{}", answer.text);
    assert_eq!(me(&alice).await["avatar"], Value::Null);
}

#[tokio::test]
async fn null_clears_the_avatar() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let mut events = server.events().await;
    avatar_set_to(&alice, &png(1, 1)).await;
    events.expect("USER_UPDATE").await;

    let answer = modify(&alice, json!({ "avatar": null })).await;

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["avatar"], Value::Null);
    assert_eq!(me(&alice).await["avatar"], Value::Null);
    assert_eq!(events.expect("USER_UPDATE").await.data["avatar"], Value::Null);
}

#[tokio::test]
async fn the_display_name_changes_and_null_clears_it() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let mut events = server.events().await;
    let hash = avatar_set_to(&alice, &png(1, 1)).await;
    events.expect("USER_UPDATE").await;

    let named = modify(&alice, json!({ "global_name": "Alice Liddell 🐇" })).await;

    assert_eq!(named.status, 200, "{}", named.text);
    assert_eq!(named.body["global_name"], "Alice Liddell 🐇");
    assert_eq!(named.body["avatar"], hash.as_str(), "fields not given are kept");
    let update = events.expect("USER_UPDATE").await;
    assert_eq!(update.user_ids, [alice.id.as_str()]);
    assert_eq!(update.data["global_name"], "Alice Liddell 🐇");
    assert_eq!(me(&alice).await["global_name"], "Alice Liddell 🐇");

    let cleared = modify(&alice, json!({ "global_name": null })).await;

    assert_eq!(cleared.status, 200, "{}", cleared.text);
    assert_eq!(me(&alice).await["global_name"], Value::Null);
}

#[tokio::test]
async fn display_names_that_are_empty_or_too_long_are_refused() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    for name in [String::new(), "x".repeat(33), "line\nbreak".to_owned()] {
        let answer = modify(&alice, json!({ "global_name": name })).await;

        assert_error(&answer, 400, 50035);
        assert_eq!(field_error_code(&answer, "global_name"), "BASE_TYPE_BAD", "{name:?}: {}", answer.text);
    }
    assert_eq!(me(&alice).await["global_name"], Value::Null);
}

#[tokio::test]
async fn a_new_username_is_shown_and_logs_in() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let answer = modify(&alice, json!({ "username": "Alice.L" })).await;

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["username"], "Alice.L");
    assert_eq!(me(&alice).await["username"], "Alice.L");
    let login = json!({ "login": "alice.l", "password": TestUser::PASSWORD });
    let logged_in = server.client().post("/auth/login", login).await.expect("login");
    assert_eq!(logged_in.status, 200, "{}", logged_in.text);
    assert_eq!(logged_in.body["user"]["id"], alice.id.as_str());
}

#[tokio::test]
async fn usernames_outside_the_registration_rules_are_refused() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    for name in ["a", "a..b", "al ice", "alice!", "ålice", &"x".repeat(33)] {
        let answer = modify(&alice, json!({ "username": name })).await;

        assert_error(&answer, 400, 50035);
        assert_eq!(field_error_code(&answer, "username"), "BASE_TYPE_BAD", "{name:?}: {}", answer.text);
    }
    assert_eq!(me(&alice).await["username"], "alice");
}

#[tokio::test]
async fn a_username_taken_by_another_user_in_another_case_is_refused_and_nothing_changes() {
    let server = TestServer::spawn().await;
    server.user("alice").await;
    let bob = server.user("bob").await;
    let before = me(&bob).await;
    let mut events = server.events().await;

    let body = json!({
        "username": "ALICE",
        "global_name": "Not Alice",
        "avatar": data_uri("image/png", &png(1, 1)),
    });
    let answer = modify(&bob, body).await;

    assert_error(&answer, 400, 50035);
    assert_eq!(field_error_code(&answer, "username"), "USERNAME_ALREADY_TAKEN", "{}", answer.text);
    assert_eq!(me(&bob).await, before);
    let sent = events.drain(std::time::Duration::from_millis(300)).await;
    assert!(!sent.iter().any(|name| name == "USER_UPDATE"), "{sent:?}");
}

#[tokio::test]
async fn a_user_may_change_the_case_of_their_own_username() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let answer = modify(&alice, json!({ "username": "ALICE" })).await;

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(me(&alice).await["username"], "ALICE");
}

#[tokio::test]
async fn a_bot_changes_its_own_avatar_and_username() {
    let server = TestServer::spawn().await;
    let owner = server.user("alice").await;
    let bot = server.bot(&owner, "helper").await;
    let mut events = server.events().await;

    let answer = modify(&bot, json!({ "username": "helper_bot", "avatar": data_uri("image/png", &png(32, 32)) })).await;

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["bot"], true);
    assert_eq!(answer.body["username"], "helper_bot");
    let hash = answer.body["avatar"].as_str().expect("avatar hash").to_owned();
    assert!(is_image_hash(&hash), "{hash}");
    assert_eq!(events.expect("USER_UPDATE").await.user_ids, [bot.id.as_str()]);
    assert_eq!(fetch_avatar(&server, &bot, &format!("{hash}.png")).await.status(), 200);
    let profile = owner.api.get(&format!("/users/{}", bot.id)).await.expect("profile");
    assert_eq!(profile.body["username"], "helper_bot");
}

#[tokio::test]
async fn an_empty_body_changes_nothing_and_answers_the_user() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let before = me(&alice).await;

    let answer = modify(&alice, json!({})).await;

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body, before);
}

#[tokio::test]
async fn anonymous_requests_to_modify_the_current_user_answer_401() {
    let server = TestServer::spawn().await;

    let answer = server.client().patch("/users/@me", json!({ "global_name": "Nobody" })).await.expect("patch");

    assert_error(&answer, 401, 40001);
}
