//! TOTP two-factor authentication: `POST /auth/mfa/totp/enable`, `/auth/mfa/totp/disable`,
//! and logins that answer a ticket, finished at `POST /auth/mfa/totp`.

use accord_testkit::{TestServer, TestUser, assert_error};
use serde_json::{Value, json};

use super::{SECRET, assert_field_error, bearer, code, enable_totp, fresh_step, login};

/// Logs `alice` in with her password; asserts the answer is a challenge and returns its ticket.
async fn ticket(server: &TestServer) -> String {
    let answer = login(server, "alice", TestUser::PASSWORD).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["mfa"], true, "{}", answer.text);
    assert_eq!(answer.body["token"], Value::Null, "no tokens before the second factor");
    assert!(answer.body.get("refresh_token").is_none(), "{}", answer.text);
    answer.body["ticket"].as_str().expect("a ticket").to_owned()
}

async fn finish(server: &TestServer, ticket: &str, code: &str) -> accord_client::Answer {
    server.client().post("/auth/mfa/totp", json!({ "ticket": ticket, "code": code })).await.expect("finish")
}

#[tokio::test]
async fn with_totp_on_a_login_needs_a_current_code_and_each_code_works_once() {
    fresh_step().await;
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    enable_totp(&alice).await;
    let me = alice.api.get("/users/@me").await.unwrap();
    assert_eq!(me.body["mfa_enabled"], true, "{}", me.text);

    let ticket = ticket(&server).await;
    let wrong = finish(&server, &ticket, &code(SECRET, -10)).await;
    let current = code(SECRET, 0);
    let done = finish(&server, &ticket, &current).await;
    let replayed = finish(&server, &ticket, &current).await;

    assert_error(&wrong, 400, 60008);
    assert_eq!(done.status, 200, "{}", done.text);
    let token = done.body["token"].as_str().expect("an access token");
    assert!(done.body["refresh_token"].is_string(), "{}", done.text);
    assert_eq!(bearer(&server, token).get("/users/@me").await.unwrap().status, 200);
    assert_error(&replayed, 400, 60008);
    let next = finish(&server, &ticket, &code(SECRET, 1)).await;
    assert_eq!(next.status, 200, "the next step's code works: {}", next.text);
}

#[tokio::test]
async fn a_recovery_code_finishes_a_login_once() {
    fresh_step().await;
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let codes = enable_totp(&alice).await;
    assert_eq!(codes.len(), 10);

    let first = finish(&server, &ticket(&server).await, &codes[0].to_uppercase()).await;
    let again = finish(&server, &ticket(&server).await, &codes[0]).await;
    let another = finish(&server, &ticket(&server).await, &codes[1]).await;

    assert_eq!(first.status, 200, "{}", first.text);
    assert_error(&again, 400, 60008);
    assert_eq!(another.status, 200, "{}", another.text);
}

#[tokio::test]
async fn a_forged_or_expired_ticket_gives_nothing() {
    fresh_step().await;
    let server = TestServer::spawn_with(|config| config.auth.mfa_ticket_ttl_secs = 0).await;
    let alice = server.user("alice").await;
    enable_totp(&alice).await;

    let expired = finish(&server, &ticket(&server).await, &code(SECRET, 0)).await;
    let forged = finish(&server, "MTIz.OTk5OTk5OTk5OQ.AAAA", &code(SECRET, 1)).await;
    let token_as_ticket = finish(&server, &alice.token, &code(SECRET, 1)).await;

    for answer in [&expired, &forged, &token_as_ticket] {
        assert_error(answer, 400, 60008);
        assert_eq!(answer.body["error"], "invalid_mfa_ticket", "{}", answer.text);
    }
}

#[tokio::test]
async fn enabling_needs_the_password_a_valid_secret_and_a_current_code() {
    fresh_step().await;
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let enable = |body: Value| {
        let api = alice.api.clone();
        async move { api.post("/auth/mfa/totp/enable", body).await.expect("enable") }
    };

    let wrong_password =
        enable(json!({ "password": "not my password", "secret": SECRET, "code": code(SECRET, 0) })).await;
    let wrong_code = enable(json!({ "password": TestUser::PASSWORD, "secret": SECRET, "code": "123456" })).await;
    let short_secret =
        enable(json!({ "password": TestUser::PASSWORD, "secret": "JBSWY3DP", "code": code("JBSWY3DP", 0) })).await;
    let not_base32 = enable(json!({ "password": TestUser::PASSWORD, "secret": "hello world 1!", "code": "1" })).await;

    assert_field_error(&wrong_password, "password", "PASSWORD_DOES_NOT_MATCH");
    assert_error(&wrong_code, 400, 60008);
    assert_field_error(&short_secret, "secret", "BASE_TYPE_BAD");
    assert_field_error(&not_base32, "secret", "BASE_TYPE_BAD");
    let me = alice.api.get("/users/@me").await.unwrap();
    assert_eq!(me.body["mfa_enabled"], false, "nothing changed: {}", me.text);
    assert!(login(&server, "alice", TestUser::PASSWORD).await.body["token"].is_string());
    enable_totp(&alice).await;
    let twice = enable(json!({ "password": TestUser::PASSWORD, "secret": SECRET, "code": code(SECRET, 1) })).await;
    assert_field_error(&twice, "code", "MFA_ALREADY_ENABLED");
}

#[tokio::test]
async fn disabling_needs_a_valid_code_and_makes_logins_plain_again() {
    fresh_step().await;
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let not_on = alice.api.post("/auth/mfa/totp/disable", json!({ "code": "123456" })).await.unwrap();
    let codes = enable_totp(&alice).await;

    let wrong = alice.api.post("/auth/mfa/totp/disable", json!({ "code": code(SECRET, -10) })).await.unwrap();
    let disabled = alice.api.post("/auth/mfa/totp/disable", json!({ "code": codes[3] })).await.unwrap();

    assert_field_error(&not_on, "code", "MFA_NOT_ENABLED");
    assert_error(&wrong, 400, 60008);
    assert_eq!(disabled.status, 204, "{}", disabled.text);
    assert_eq!(alice.api.get("/users/@me").await.unwrap().body["mfa_enabled"], false);
    let plain = login(&server, "alice", TestUser::PASSWORD).await;
    assert!(plain.body["token"].is_string(), "{}", plain.text);
}
