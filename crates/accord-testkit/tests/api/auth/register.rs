//! `POST /auth/register`: the answer's shape, unique usernames and emails, username and
//! password rules.

use accord_testkit::{TestServer, TestUser, assert_error};
use serde_json::json;

use super::{login, register, register_with};

#[tokio::test]
async fn registering_answers_201_with_a_token_pair_and_the_new_user() {
    let server = TestServer::spawn().await;

    let answer = register(&server, "alice", TestUser::PASSWORD).await;

    assert_eq!(answer.status, 201, "{}", answer.text);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let body = &answer.body;
    assert!(body["token"].as_str().is_some_and(|t| t.len() > 20), "token: {body}");
    assert!(body["refresh_token"].as_str().is_some_and(|t| t.len() >= 43), "refresh_token: {body}");
    assert_ne!(body["token"], body["refresh_token"]);
    assert!(body["expires_in"].as_u64().is_some_and(|s| s > 0), "expires_in: {body}");
    let user = &body["user"];
    let id = user["id"].as_str().expect("user id is a string");
    assert!(id.parse::<u64>().is_ok_and(|n| n > 0), "id {id} is a non-zero snowflake");
    assert_eq!(user["username"], "alice");
    assert_eq!(user["discriminator"], "0");
    assert!(user.get("avatar").is_some_and(|a| a.is_null()), "avatar is present and null: {user}");
    assert_eq!(user["mfa_enabled"], false);
    assert_eq!(user["bot"], false);
}

#[tokio::test]
async fn the_registration_token_authenticates_as_the_new_user() {
    let server = TestServer::spawn().await;
    let registered = register(&server, "alice", TestUser::PASSWORD).await;
    let alice = TestUser::from_login(server.client(), &registered);

    let me = alice.api.get("/users/@me").await.unwrap();

    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.body["id"], alice.id.as_str());
    assert_eq!(me.body["username"], "alice");
}

#[tokio::test]
async fn a_username_taken_in_another_case_is_refused_with_a_username_error() {
    let server = TestServer::spawn().await;
    server.user("alice").await;

    let answer = register(&server, "ALICE", "another long password").await;

    assert_error(&answer, 400, 50035);
    assert_eq!(answer.body["errors"]["username"]["_errors"][0]["code"], "USERNAME_ALREADY_TAKEN", "{}", answer.text);
    assert_eq!(login(&server, "ALICE", "another long password").await.status, 401, "no second account");
}

#[tokio::test]
async fn an_email_registered_in_another_case_is_refused_with_an_email_error() {
    let server = TestServer::spawn().await;
    let first = json!({ "username": "alice", "password": TestUser::PASSWORD, "email": "alice@example.com" });
    assert_eq!(register_with(&server, first).await.status, 201);

    let second = json!({ "username": "bob", "password": TestUser::PASSWORD, "email": "Alice@Example.COM" });
    let answer = register_with(&server, second).await;

    assert_error(&answer, 400, 50035);
    assert!(answer.body["errors"]["email"]["_errors"][0]["code"].is_string(), "{}", answer.text);
    assert_eq!(login(&server, "bob", TestUser::PASSWORD).await.status, 401, "bob was not created");
}

#[tokio::test]
async fn malformed_usernames_are_refused_and_create_nothing() {
    let server = TestServer::spawn().await;
    let bad = [
        "a".to_owned(),
        "a".repeat(33),
        "has space".to_owned(),
        "zero\u{200b}width".to_owned(),
        "rtl\u{202e}override".to_owned(),
        "jürgen".to_owned(),
        "админ".to_owned(),
        String::new(),
    ];

    for name in &bad {
        let answer = register(&server, name, TestUser::PASSWORD).await;

        assert_error(&answer, 400, 50035);
        assert!(answer.body["errors"]["username"]["_errors"].is_array(), "{name:?}: {}", answer.text);
        assert_eq!(login(&server, name, TestUser::PASSWORD).await.status, 401, "{name:?} was not created");
    }
}

#[tokio::test]
async fn usernames_of_2_and_32_characters_are_accepted() {
    let server = TestServer::spawn().await;

    for name in ["ab".to_owned(), "a".repeat(32), "under_score.dot".to_owned()] {
        let answer = register(&server, &name, TestUser::PASSWORD).await;

        assert_eq!(answer.status, 201, "{name}: {}", answer.text);
        assert_eq!(answer.body["user"]["username"], name.as_str());
    }
}

#[tokio::test]
async fn a_seven_character_password_is_refused_with_a_password_error() {
    let server = TestServer::spawn().await;

    let answer = register(&server, "alice", "seven77").await;

    assert_error(&answer, 400, 50035);
    assert_eq!(answer.body["errors"]["password"]["_errors"][0]["code"], "PASSWORD_TOO_WEAK", "{}", answer.text);
    assert_eq!(login(&server, "alice", "seven77").await.status, 401);
}

#[tokio::test]
async fn common_passwords_are_refused_whatever_their_case() {
    let server = TestServer::spawn().await;

    for password in ["password123", "Password123", "PASSWORD123"] {
        let answer = register(&server, "alice", password).await;

        assert_error(&answer, 400, 50035);
        assert!(answer.body["errors"]["password"].is_object(), "{password}: {}", answer.text);
    }
}

#[tokio::test]
async fn a_64_character_password_is_accepted_and_logs_in() {
    let server = TestServer::spawn().await;
    let password = "Tr0ub4dor&3-".repeat(6)[..64].to_owned();

    let registered = register(&server, "alice", &password).await;
    let logged_in = login(&server, "alice", &password).await;

    assert_eq!(registered.status, 201, "{}", registered.text);
    assert_eq!(logged_in.status, 200, "{}", logged_in.text);
}

/// The length is checked before hashing, so a huge password costs the server nothing. (1 MB
/// rather than 1 MiB, so the body stays under the 1 MiB body limit and reaches the rules.)
#[tokio::test]
async fn passwords_over_1024_bytes_are_refused_and_the_server_keeps_serving() {
    let server = TestServer::spawn().await;

    for (name, password) in [("alice", "x".repeat(1025)), ("bob", "y".repeat(1_000_000))] {
        let answer = register(&server, name, &password).await;

        assert_error(&answer, 400, 50035);
        assert!(answer.body["errors"]["password"].is_object(), "{}", &answer.text[..answer.text.len().min(300)]);
        assert_eq!(login(&server, name, &password).await.status, 401, "{name} was not created");
    }
    server.assert_serving().await;
}

#[tokio::test]
async fn a_1024_byte_password_is_accepted() {
    let server = TestServer::spawn().await;
    let password = "é".repeat(512);

    let answer = register(&server, "alice", &password).await;

    assert_eq!(answer.status, 201, "{}", answer.text);
    assert_eq!(login(&server, "alice", &password).await.status, 200);
}

#[tokio::test]
async fn passwords_that_differ_only_after_byte_72_are_different_passwords() {
    let server = TestServer::spawn().await;
    let stem = "p".repeat(80);
    let (real, other) = (format!("{stem}a"), format!("{stem}b"));
    assert_eq!(register(&server, "alice", &real).await.status, 201);

    let with_other = login(&server, "alice", &other).await;
    let with_real = login(&server, "alice", &real).await;

    assert_error(&with_other, 401, 40001);
    assert_eq!(with_real.status, 200, "{}", with_real.text);
}
