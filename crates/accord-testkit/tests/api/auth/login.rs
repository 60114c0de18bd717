//! `POST /auth/login`, `POST /auth/logout`, `GET /auth/me` and `POST /auth/verify`.

use accord_testkit::{TestServer, TestUser, assert_error};
use serde_json::json;

use super::{login, me_status, pair, register_with, without_timestamp};

#[tokio::test]
async fn logging_in_by_username_in_any_case_starts_a_new_session() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let answer = login(&server, "ALICE", TestUser::PASSWORD).await;

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.body["user"]["id"], alice.id.as_str());
    assert!(answer.body["expires_in"].as_u64().is_some_and(|s| s > 0));
    let (token, refresh_token) = pair(&answer);
    assert_ne!(token, alice.token, "a new session has its own access token");
    assert_ne!(refresh_token, alice.refresh_token);
    assert_eq!(me_status(&server, &format!("Bearer {token}")).await, 200);
}

#[tokio::test]
async fn logging_in_by_email_ignores_its_case() {
    let server = TestServer::spawn().await;
    let body = json!({ "username": "alice", "password": TestUser::PASSWORD, "email": "alice@example.com" });
    let registered = register_with(&server, body).await;
    assert_eq!(registered.status, 201, "{}", registered.text);

    let answer = login(&server, "ALICE@Example.com", TestUser::PASSWORD).await;

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["user"]["id"], registered.body["user"]["id"]);
    assert_eq!(answer.body["user"]["email"], "alice@example.com");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    let server = TestServer::spawn().await;
    server.user("alice").await;

    let wrong_password = login(&server, "alice", "not the right password").await;
    let unknown_user = login(&server, "nobody", "not the right password").await;

    assert_error(&wrong_password, 401, 40001);
    assert_eq!(unknown_user.status, wrong_password.status);
    assert_eq!(without_timestamp(&unknown_user.body), without_timestamp(&wrong_password.body));
}

#[tokio::test]
async fn a_huge_login_password_is_refused_like_a_wrong_one() {
    let server = TestServer::spawn().await;
    server.user("alice").await;

    let huge = login(&server, "alice", &"z".repeat(1_000_000)).await;
    let wrong = login(&server, "alice", "not the right password").await;

    assert_error(&huge, 401, 40001);
    assert_eq!(without_timestamp(&huge.body), without_timestamp(&wrong.body));
    server.assert_serving().await;
}

#[tokio::test]
async fn auth_me_answers_the_current_user() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let me = alice.api.get("/auth/me").await.unwrap();

    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.header("content-type"), Some("application/json"));
    assert_eq!(me.body["id"], alice.id.as_str());
    assert_eq!(me.body["username"], "alice");
    assert_eq!(me.body["mfa_enabled"], false);
}

#[tokio::test]
async fn logout_answers_204_and_the_access_token_stops_working() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    assert_eq!(alice.api.get("/users/@me").await.unwrap().status, 200);

    let logout = alice.api.post("/auth/logout", json!({})).await.unwrap();
    let after = alice.api.get("/users/@me").await.unwrap();

    assert_eq!(logout.status, 204, "{}", logout.text);
    assert!(logout.text.is_empty(), "204 has no body: {}", logout.text);
    assert_error(&after, 401, 40001);
}

#[tokio::test]
async fn logout_leaves_the_users_other_sessions_working() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let second = login(&server, "alice", TestUser::PASSWORD).await;
    let (other_token, other_refresh) = pair(&second);

    let logout = alice.api.post("/auth/logout", json!({})).await.unwrap();

    assert_eq!(logout.status, 204, "{}", logout.text);
    assert_eq!(me_status(&server, &format!("Bearer {}", alice.token)).await, 401);
    assert_eq!(me_status(&server, &format!("Bearer {other_token}")).await, 200);
    assert_eq!(super::refresh(&server, &other_refresh).await.status, 200);
}

#[tokio::test]
async fn anonymous_logout_answers_401() {
    let server = TestServer::spawn().await;

    let answer = server.client().post("/auth/logout", json!({})).await.unwrap();

    assert_error(&answer, 401, 40001);
}

#[tokio::test]
async fn a_live_access_token_verifies_with_its_user_id() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let bare = server.client().post("/auth/verify", json!({ "token": alice.token })).await.unwrap();
    let bearer = server.client().post("/auth/verify", json!({ "token": format!("Bearer {}", alice.token) })).await;

    assert_eq!(bare.status, 200, "{}", bare.text);
    assert_eq!(bare.header("content-type"), Some("application/json"));
    assert_eq!(bare.body, json!({ "valid": true, "user_id": alice.id }));
    assert_eq!(bearer.unwrap().body["valid"], true);
}

#[tokio::test]
async fn garbage_and_refresh_tokens_do_not_verify() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    for token in ["garbage", "a.b.c", "", alice.refresh_token.as_str()] {
        let answer = server.client().post("/auth/verify", json!({ "token": token })).await.unwrap();

        assert_eq!(answer.status, 200, "{token:?}: {}", answer.text);
        assert_eq!(answer.body["valid"], false, "{token:?}: {}", answer.text);
        assert!(answer.body["user_id"].is_null(), "{token:?}: {}", answer.text);
    }
}

#[tokio::test]
async fn a_logged_out_token_no_longer_verifies() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    assert_eq!(alice.api.post("/auth/logout", json!({})).await.unwrap().status, 204);

    let answer = server.client().post("/auth/verify", json!({ "token": alice.token })).await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["valid"], false);
}
