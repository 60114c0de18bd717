//! `GET /users/@me` (private fields, the caller only) and `GET /users/{id}` (public fields).

use accord_testkit::{TestServer, TestUser, assert_error};
use serde_json::json;

/// Keys only the user themself may see.
const PRIVATE_KEYS: [&str; 5] = ["email", "verified", "mfa_enabled", "locale", "premium_type"];

async fn register_bob_with_email(server: &TestServer) -> TestUser {
    let body = json!({
        "username": "bob",
        "password": TestUser::PASSWORD,
        "email": "bob@example.com",
        "global_name": "Bobby",
    });
    let answer = server.client().post("/auth/register", body).await.unwrap();
    assert_eq!(answer.status, 201, "{}", answer.text);
    TestUser::from_login(server.client(), &answer)
}

#[tokio::test]
async fn users_me_shows_the_users_private_fields() {
    let server = TestServer::spawn().await;
    let bob = register_bob_with_email(&server).await;

    let me = bob.api.get("/users/@me").await.unwrap();

    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.header("content-type"), Some("application/json"));
    assert_eq!(me.body["id"], bob.id.as_str());
    assert_eq!(me.body["username"], "bob");
    assert_eq!(me.body["global_name"], "Bobby");
    assert_eq!(me.body["email"], "bob@example.com");
    assert_eq!(me.body["verified"], false, "verified only through the emailed token (see account::email)");
    assert_eq!(me.body["mfa_enabled"], false);
    assert!(me.body.get("avatar").is_some_and(|a| a.is_null()));
}

#[tokio::test]
async fn another_users_profile_has_public_fields_only() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bob = register_bob_with_email(&server).await;

    let answer = alice.api.get(&format!("/users/{}", bob.id)).await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let user = answer.body.as_object().expect("an object");
    assert_eq!(user["id"], bob.id.as_str());
    assert_eq!(user["username"], "bob");
    assert_eq!(user["discriminator"], "0");
    assert_eq!(user["global_name"], "Bobby");
    assert!(user["avatar"].is_null());
    assert_eq!(user["bot"], false);
    for key in PRIVATE_KEYS {
        assert!(!user.contains_key(key), "public profile leaks {key}: {}", answer.text);
    }
    assert!(!answer.text.contains("bob@example.com"));
}

#[tokio::test]
async fn a_bots_profile_says_it_is_a_bot() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bot = server.bot(&alice, "helper").await;

    let answer = alice.api.get(&format!("/users/{}", bot.id)).await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["bot"], true);
}

#[tokio::test]
async fn an_unknown_user_id_answers_404_unknown_user() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let answer = alice.api.get("/users/4242").await.unwrap();

    assert_error(&answer, 404, 10013);
    assert_eq!(answer.body["message"], "Unknown User");
}

#[tokio::test]
async fn user_ids_that_are_not_snowflakes_answer_400() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    for id in ["abc", "0", "-1", "1e3", "18446744073709551616", "0042"] {
        let answer = alice.api.get(&format!("/users/{id}")).await.unwrap();

        assert_error(&answer, 400, 50035);
    }
}

#[tokio::test]
async fn anonymous_users_me_answers_discords_401_body() {
    let server = TestServer::spawn().await;

    let answer = server.client().get("/users/@me").await.unwrap();

    assert_error(&answer, 401, 40001);
    assert_eq!(answer.body["message"], "401: Unauthorized");
}

#[tokio::test]
async fn anonymous_profile_lookups_answer_401() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let answer = server.client().get(&format!("/users/{}", alice.id)).await.unwrap();

    assert_error(&answer, 401, 40001);
}
