//! Applications and their bots: creation (token shown once), `Bot <t>` authentication, the
//! application object discord.py reads at login, and bot token resets.

use accord_testkit::{TestServer, assert_error};
use serde_json::json;

/// Every key discord.py's `AppInfo.__init__` reads with `[]` (a missing one kills the login).
const DISCORD_PY_KEYS: [&str; 8] =
    ["id", "name", "description", "icon", "bot_public", "bot_require_code_grant", "owner", "verify_key"];

#[tokio::test]
async fn creating_an_application_returns_its_bot_user_and_token() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let answer =
        alice.api.post("/applications", json!({ "name": "Helper Bot", "description": "helps" })).await.unwrap();

    assert_eq!(answer.status, 201, "{}", answer.text);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let app = &answer.body;
    assert!(app["id"].as_str().is_some_and(|id| id.parse::<u64>().is_ok()), "{app}");
    assert_eq!(app["name"], "Helper Bot");
    assert_eq!(app["description"], "helps");
    assert!(app["token"].as_str().is_some_and(|t| t.len() > 20), "{app}");
    assert_eq!(app["bot"]["bot"], true);
    assert!(app["bot"]["id"].is_string());
    assert_ne!(app["bot"]["id"], alice.id.as_str());
    assert_eq!(app["owner"]["id"], alice.id.as_str());
}

#[tokio::test]
async fn the_bot_token_is_shown_only_at_creation() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bot = server.bot(&alice, "helper").await;

    let app = bot.api.get("/applications/@me").await.unwrap();

    assert_eq!(app.status, 200, "{}", app.text);
    assert!(app.body.get("token").is_none(), "{}", app.text);
    assert!(!app.text.contains(&bot.token), "the token appears nowhere");
}

#[tokio::test]
async fn a_bot_token_authenticates_as_the_bot_user() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bot = server.bot(&alice, "helper").await;

    let me = bot.api.get("/users/@me").await.unwrap();

    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.header("content-type"), Some("application/json"));
    assert_eq!(me.body["id"], bot.id.as_str());
    assert_eq!(me.body["bot"], true);
    assert_eq!(me.body["discriminator"], "0");
}

#[tokio::test]
async fn a_bot_token_without_the_bot_prefix_is_refused() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bot = server.bot(&alice, "helper").await;

    for authorization in [bot.token.clone(), format!("Bearer {}", bot.token)] {
        let answer = server.client().authorized(authorization).get("/users/@me").await.unwrap();

        assert_error(&answer, 401, 40001);
    }
}

#[tokio::test]
async fn the_bots_application_carries_every_key_discord_py_reads() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bot = server.bot(&alice, "helper").await;

    for path in ["/applications/@me", "/oauth2/applications/@me"] {
        let answer = bot.api.get(path).await.unwrap();

        assert_eq!(answer.status, 200, "{path}: {}", answer.text);
        assert_eq!(answer.header("content-type"), Some("application/json"), "{path}");
        let app = answer.body.as_object().unwrap_or_else(|| panic!("{path}: not an object: {}", answer.text));
        for key in DISCORD_PY_KEYS {
            assert!(app.contains_key(key), "{path} lacks {key}: {}", answer.text);
        }
        assert_eq!(app["name"], "helper");
        assert!(app["description"].is_string());
        assert!(app["icon"].is_null());
        assert!(app["bot_public"].is_boolean() && app["bot_require_code_grant"].is_boolean());
        assert_eq!(app["owner"]["id"], alice.id.as_str(), "{path}: owner is a user object");
        assert_eq!(app["owner"]["username"], "alice");
        assert!(app["verify_key"].as_str().is_some_and(|k| !k.is_empty()));
        assert_eq!(app["bot"]["id"], bot.id.as_str());
    }
}

#[tokio::test]
async fn a_user_without_a_bot_has_no_current_application() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let answer = alice.api.get("/applications/@me").await.unwrap();

    assert_error(&answer, 404, 10002);
}

#[tokio::test]
async fn bots_cannot_create_applications() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bot = server.bot(&alice, "helper").await;

    let answer = bot.api.post("/applications", json!({ "name": "child" })).await.unwrap();

    assert_error(&answer, 403, 20001);
}

#[tokio::test]
async fn anonymous_callers_cannot_create_applications() {
    let server = TestServer::spawn().await;

    let answer = server.client().post("/applications", json!({ "name": "orphan" })).await.unwrap();

    assert_error(&answer, 401, 40001);
}

#[tokio::test]
async fn resetting_the_bot_token_revokes_the_old_one() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bot = server.bot(&alice, "helper").await;
    let app_id = bot.api.get("/applications/@me").await.unwrap().id();

    let reset = alice.api.post(&format!("/applications/{app_id}/bot/reset-token"), json!({})).await.unwrap();

    assert_eq!(reset.status, 200, "{}", reset.text);
    assert_eq!(reset.header("content-type"), Some("application/json"));
    let new_token = reset.body["token"].as_str().expect("new token").to_owned();
    assert_ne!(new_token, bot.token);
    assert_error(&bot.api.get("/users/@me").await.unwrap(), 401, 40001);
    let renewed = server.client().authorized(format!("Bot {new_token}")).get("/users/@me").await.unwrap();
    assert_eq!(renewed.status, 200, "{}", renewed.text);
    assert_eq!(renewed.body["id"], bot.id.as_str());
}

#[tokio::test]
async fn only_the_owner_can_reset_a_bot_token() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let bot = server.bot(&alice, "helper").await;
    let app_id = bot.api.get("/applications/@me").await.unwrap().id();

    let by_bob = bob.api.post(&format!("/applications/{app_id}/bot/reset-token"), json!({})).await.unwrap();
    let by_bot = bot.api.post(&format!("/applications/{app_id}/bot/reset-token"), json!({})).await.unwrap();

    assert_error(&by_bob, 404, 10002);
    assert_error(&by_bot, 404, 10002);
    assert_eq!(bot.api.get("/users/@me").await.unwrap().status, 200, "the token still works");
}

#[tokio::test]
async fn resetting_the_token_of_an_unknown_or_malformed_application_id_is_refused() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let unknown = alice.api.post("/applications/4242/bot/reset-token", json!({})).await.unwrap();
    let malformed = alice.api.post("/applications/not-an-id/bot/reset-token", json!({})).await.unwrap();

    assert_error(&unknown, 404, 10002);
    assert_error(&malformed, 400, 50035);
}

#[tokio::test]
async fn application_flags_outside_the_gateway_intent_bits_are_refused() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let answer = alice.api.post("/applications", json!({ "name": "greedy", "flags": 1 | (1 << 15) })).await.unwrap();

    assert_error(&answer, 400, 50035);
    assert!(answer.body["errors"]["flags"].is_object(), "{}", answer.text);
}

#[tokio::test]
async fn gateway_intent_flags_are_accepted() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let members_and_content = (1 << 15) | (1 << 19);

    let answer =
        alice.api.post("/applications", json!({ "name": "modest", "flags": members_and_content })).await.unwrap();

    assert_eq!(answer.status, 201, "{}", answer.text);
    assert_eq!(answer.body["flags"], members_and_content);
}

#[tokio::test]
async fn application_names_outside_2_to_32_characters_are_refused() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    for name in ["x".to_owned(), "n".repeat(33)] {
        let answer = alice.api.post("/applications", json!({ "name": name })).await.unwrap();

        assert_error(&answer, 400, 50035);
        assert!(answer.body["errors"]["name"].is_object(), "{}", answer.text);
    }
}

#[tokio::test]
async fn two_applications_with_the_same_name_get_distinct_bot_users() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let first = server.bot(&alice, "twin").await;
    let second = server.bot(&alice, "twin").await;

    assert_ne!(first.id, second.id);
    let (a, b) = (first.api.get("/users/@me").await.unwrap(), second.api.get("/users/@me").await.unwrap());
    assert_ne!(a.body["username"], b.body["username"], "bot usernames stay unique");
}
