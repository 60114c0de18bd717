//! Account security: email verification and password reset by emailed token (through the
//! local outbox file by default, and through a real SMTP server), changing the password,
//! listing and signing out sessions (and their gateway connections), TOTP two-factor login
//! with recovery codes, and account deletion.

mod authorization;
mod deletion;
mod email;
mod mfa;
mod password;
mod sessions;
mod smtp;

use std::path::PathBuf;
use std::time::Duration;

use accord_auth::totp;
use accord_client::{Answer, Client};
use accord_testkit::{TestServer, TestUser};
use serde_json::{Value, json};

/// The longest any expected mail, close or event may take.
pub const WAIT: Duration = Duration::from_secs(5);

/// A base32 secret as a client would make it (160 bits).
pub const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// Registers `username` with the address `<username>@example.com`, logged in.
pub async fn user_with_email(server: &TestServer, username: &str) -> TestUser {
    let body = json!({ "username": username, "password": TestUser::PASSWORD, "email": email_of(username) });
    let answer = server.client().post("/auth/register", body).await.expect("register");
    assert_eq!(answer.status, 201, "register {username}: {}", answer.text);
    TestUser::from_login(server.client(), &answer)
}

pub fn email_of(username: &str) -> String {
    format!("{username}@example.com")
}

/// `POST /auth/login`, anonymously.
pub async fn login(server: &TestServer, login: &str, password: &str) -> Answer {
    let body = json!({ "login": login, "password": password });
    server.client().post("/auth/login", body).await.expect("login request")
}

/// Logs `username` in once more: a second session with its own tokens.
pub async fn second_session(server: &TestServer, username: &str) -> TestUser {
    let answer = login(server, username, TestUser::PASSWORD).await;
    assert_eq!(answer.status, 200, "login: {}", answer.text);
    TestUser::from_login(server.client(), &answer)
}

/// A client with this access token.
pub fn bearer(server: &TestServer, token: &str) -> Client {
    server.client().authorized(format!("Bearer {token}"))
}

/// The status of `GET /users/@me` with `user`'s token.
pub async fn me_status(user: &TestUser) -> u16 {
    user.api.get("/users/@me").await.expect("me request").status
}

/// The embedded default's outbox file.
pub fn outbox(server: &TestServer) -> PathBuf {
    server.data_dir().join("mail").join("outbox.jsonl")
}

/// Every message in the outbox file so far, in order.
pub fn outbox_mails(server: &TestServer) -> Vec<Value> {
    let text = std::fs::read_to_string(outbox(server)).unwrap_or_default();
    text.lines().map(|line| serde_json::from_str(line).expect("one JSON object per line")).collect()
}

/// Waits for the outbox to hold more than `seen` messages and returns the newest.
pub async fn next_mail(server: &TestServer, seen: usize) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let mails = outbox_mails(server);
        if mails.len() > seen {
            return mails.last().cloned().expect("a mail");
        }
        assert!(tokio::time::Instant::now() < deadline, "no mail in the outbox within {WAIT:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The token in a mail's text: the line that is a 43-character URL-safe base64 token.
pub fn token_in(body: &str) -> String {
    let is_token = |l: &&str| l.len() == 43 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    body.lines().map(str::trim).rfind(is_token).unwrap_or_else(|| panic!("no token in {body:?}")).to_owned()
}

/// The code of `secret` `offset` steps from now. Codes asked for later with larger offsets
/// belong to later steps, so each is new to the server.
pub fn code(secret: &str, offset: i64) -> String {
    let key = totp::decode_base32(secret).expect("base32");
    let now = totp::step_of(accord_core::time::now_ms() / 1000);
    totp::code_at(&key, now.checked_add_signed(offset).expect("a step"))
}

/// Waits, if need be, for a fresh 30-second step, so a test using a few steps' codes is not
/// split by a step boundary that would age its earliest code out of the window.
pub async fn fresh_step() {
    let into_step = accord_core::time::now_ms() / 1000 % totp::STEP_SECS;
    if into_step > totp::STEP_SECS - 8 {
        tokio::time::sleep(Duration::from_secs(totp::STEP_SECS - into_step)).await;
    }
}

/// Turns TOTP on for `user` with [`SECRET`] (the code of the previous step); returns the recovery codes.
pub async fn enable_totp(user: &TestUser) -> Vec<String> {
    let body = json!({ "password": TestUser::PASSWORD, "secret": SECRET, "code": code(SECRET, -1) });
    let answer = user.api.post("/auth/mfa/totp/enable", body).await.expect("enable");
    assert_eq!(answer.status, 200, "enable TOTP: {}", answer.text);
    let codes = answer.body["backup_codes"].as_array().expect("backup codes");
    codes.iter().map(|c| c["code"].as_str().expect("a code").to_owned()).collect()
}

/// The id of the session `user`'s token belongs to, from `GET /auth/sessions`.
pub async fn session_id(user: &TestUser) -> String {
    let answer = user.api.get("/auth/sessions").await.expect("sessions");
    assert_eq!(answer.status, 200, "sessions: {}", answer.text);
    let all = answer.body.as_array().expect("a list");
    let current = all.iter().find(|s| s["current"] == true).expect("the current session is listed");
    current["id"].as_str().expect("an id").to_owned()
}

/// Asserts a 50035 body whose `errors` names `field` with error code `code`.
#[track_caller]
pub fn assert_field_error(answer: &Answer, field: &str, code: &str) {
    accord_testkit::assert_error(answer, 400, 50035);
    let errors = &answer.body["errors"][field]["_errors"];
    assert_eq!(errors[0]["code"], code, "errors of {}", answer.text);
    assert!(errors[0]["message"].as_str().is_some_and(|m| !m.is_empty()), "message of {}", answer.text);
}
