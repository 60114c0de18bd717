//! `POST /auth/verify-email/send`, `/auth/verify-email`, `/auth/password-reset/request` and
//! `/auth/password-reset`, with mail going to the embedded default's outbox file.

use std::time::Duration;

use accord_testkit::{TestServer, TestUser, assert_error};
use serde_json::json;

use super::{
    assert_field_error, email_of, login, me_status, next_mail, outbox_mails, second_session, token_in, user_with_email,
};

const NEW_PASSWORD: &str = "a brand new passphrase";

/// `POST path` with `body`, anonymously.
async fn post(server: &TestServer, path: &str, body: serde_json::Value) -> accord_client::Answer {
    server.client().post(path, body).await.expect("request")
}

#[tokio::test]
async fn a_verification_link_lands_in_the_outbox_and_verifies_the_email_once() {
    let server = TestServer::spawn().await;
    let alice = user_with_email(&server, "alice").await;
    let before = alice.api.get("/users/@me").await.unwrap();
    assert_eq!(before.body["verified"], false, "{}", before.text);

    let sent = alice.api.post("/auth/verify-email/send", json!({})).await.unwrap();

    assert_eq!(sent.status, 204, "{}", sent.text);
    let mail = next_mail(&server, 0).await;
    let mut keys: Vec<&String> = mail.as_object().expect("an object").keys().collect();
    keys.sort();
    assert_eq!(keys, ["body", "subject", "to"], "one JSON object per line: to, subject, body");
    assert_eq!(mail["to"], email_of("alice"));
    let token = token_in(mail["body"].as_str().unwrap());
    let verified = server.client().post("/auth/verify-email", json!({ "token": token })).await.unwrap();
    assert_eq!(verified.status, 204, "{}", verified.text);
    assert_eq!(alice.api.get("/users/@me").await.unwrap().body["verified"], true);
    let again = server.client().post("/auth/verify-email", json!({ "token": token })).await.unwrap();
    assert_field_error(&again, "token", "INVALID_TOKEN");
}

#[tokio::test]
async fn verification_needs_an_email_and_a_real_token() {
    let server = TestServer::spawn().await;
    let bob = server.user("bob").await;

    let no_email = bob.api.post("/auth/verify-email/send", json!({})).await.unwrap();
    let made_up = server.client().post("/auth/verify-email", json!({ "token": "x".repeat(43) })).await.unwrap();
    let huge = server.client().post("/auth/verify-email", json!({ "token": "x".repeat(100_000) })).await.unwrap();
    let anonymous = server.client().post("/auth/verify-email/send", json!({})).await.unwrap();

    assert_field_error(&no_email, "email", "EMAIL_MISSING");
    assert_field_error(&made_up, "token", "INVALID_TOKEN");
    assert_field_error(&huge, "token", "INVALID_TOKEN");
    assert_error(&anonymous, 401, 40001);
    assert!(outbox_mails(&server).is_empty());
}

/// Requests a reset for `email` and returns the token mailed, given `seen` mails before.
async fn reset_token(server: &TestServer, email: &str, seen: usize) -> String {
    let requested = server.client().post("/auth/password-reset/request", json!({ "email": email })).await.unwrap();
    assert_eq!(requested.status, 204, "{}", requested.text);
    let mail = next_mail(server, seen).await;
    assert_eq!(mail["to"], email.to_lowercase(), "to the address the account has");
    token_in(mail["body"].as_str().unwrap())
}

#[tokio::test]
async fn a_password_reset_sets_the_new_password_and_signs_out_every_session() {
    let server = TestServer::spawn().await;
    let alice = user_with_email(&server, "alice").await;
    let other = second_session(&server, "alice").await;
    let token = reset_token(&server, "ALICE@example.com", 0).await;

    let weak = post(&server, "/auth/password-reset", json!({ "token": token, "password": "short" })).await;
    let reset = post(&server, "/auth/password-reset", json!({ "token": token, "password": NEW_PASSWORD })).await;

    assert_field_error(&weak, "password", "PASSWORD_TOO_WEAK");
    assert_eq!(reset.status, 204, "a refused password leaves the token usable: {}", reset.text);
    assert_eq!((me_status(&alice).await, me_status(&other).await), (401, 401), "every session ends");
    assert_error(&login(&server, "alice", TestUser::PASSWORD).await, 401, 40001);
    assert_eq!(login(&server, "alice", NEW_PASSWORD).await.status, 200);
}

#[tokio::test]
async fn a_reset_token_works_once() {
    let server = TestServer::spawn().await;
    user_with_email(&server, "alice").await;
    let token = reset_token(&server, &email_of("alice"), 0).await;
    let first = post(&server, "/auth/password-reset", json!({ "token": token, "password": NEW_PASSWORD })).await;
    assert_eq!(first.status, 204, "{}", first.text);

    let again = json!({ "token": token, "password": "yet another passphrase" });
    let again = post(&server, "/auth/password-reset", again).await;

    assert_field_error(&again, "token", "INVALID_TOKEN");
    assert_eq!(login(&server, "alice", NEW_PASSWORD).await.status, 200, "the second use changed nothing");
}

#[tokio::test]
async fn an_expired_reset_token_changes_nothing() {
    // Tokens that expire as they are made.
    let server = TestServer::spawn_with(|config| config.auth.password_reset_ttl_secs = 0).await;
    let alice = user_with_email(&server, "alice").await;
    let token = reset_token(&server, &email_of("alice"), 0).await;

    let answer = post(&server, "/auth/password-reset", json!({ "token": token, "password": NEW_PASSWORD })).await;

    assert_field_error(&answer, "token", "INVALID_TOKEN");
    assert_eq!(me_status(&alice).await, 200, "sessions stay");
    assert_eq!(login(&server, "alice", TestUser::PASSWORD).await.status, 200, "the password stays");
}

#[tokio::test]
async fn a_reset_request_answers_the_same_whether_or_not_the_address_has_an_account() {
    let server = TestServer::spawn().await;
    user_with_email(&server, "alice").await;

    let unknown = post(&server, "/auth/password-reset/request", json!({ "email": "nobody@example.com" })).await;
    let known = post(&server, "/auth/password-reset/request", json!({ "email": email_of("alice") })).await;
    let malformed = post(&server, "/auth/password-reset/request", json!({ "email": 5 })).await;

    assert_eq!((unknown.status, known.status), (204, 204));
    assert_eq!((unknown.text.as_str(), known.text.as_str()), ("", ""));
    assert_error(&malformed, 400, 50035);
    next_mail(&server, 0).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mails = outbox_mails(&server);
    assert_eq!(mails.len(), 1, "only the account's own address gets mail: {mails:?}");
    assert_eq!(mails[0]["to"], email_of("alice"));
}
