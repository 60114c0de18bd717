//! Hostile and broken requests (reliability-security.md 3.4 D): each gets a clear JSON error,
//! changes nothing (the account it tried to create cannot log in), and leaves the server serving.

use accord_client::Answer;
use accord_testkit::{TestServer, TestUser, assert_error};
use reqwest::Method;
use serde_json::json;

/// `POST /auth/register` with raw bytes and a content type.
async fn register_raw(server: &TestServer, bytes: Vec<u8>, content_type: &str) -> Answer {
    server.client().send_raw(Method::POST, "/auth/register", Some((bytes, content_type))).await.expect("request")
}

/// Asserts `mallory` was not created and the server still serves.
async fn assert_nothing_changed(server: &TestServer) {
    let body = json!({ "login": "mallory", "password": TestUser::PASSWORD });
    let login = server.client().post("/auth/login", body).await.expect("login request");
    assert_eq!(login.status, 401, "mallory must not exist: {}", login.text);
    server.assert_serving().await;
}

/// A register body for `mallory` with this text in place of the password.
fn mallory_with_password(password: &str) -> Vec<u8> {
    format!(r#"{{"username":"mallory","password":"{password}"}}"#).into_bytes()
}

#[tokio::test]
async fn malformed_json_answers_50109_and_changes_nothing() {
    let server = TestServer::spawn().await;
    let truncated = br#"{"username":"mallory","password":"correct horse battery staple""#.to_vec();

    for bytes in [truncated, b"{username: mallory}".to_vec(), b"".to_vec(), b"null garbage".to_vec()] {
        let answer = register_raw(&server, bytes, "application/json").await;

        assert_error(&answer, 400, 50109);
        assert_eq!(answer.body["error"], "invalid_json");
    }
    assert_nothing_changed(&server).await;
}

#[tokio::test]
async fn invalid_utf8_answers_50109_and_changes_nothing() {
    let server = TestServer::spawn().await;
    let mut bytes = br#"{"username":"mallory","password":"correct horse "#.to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    bytes.extend_from_slice(br#" battery staple"}"#);

    let answer = register_raw(&server, bytes, "application/json").await;

    assert_error(&answer, 400, 50109);
    assert_nothing_changed(&server).await;
}

#[tokio::test]
async fn a_lone_surrogate_escape_answers_50109() {
    let server = TestServer::spawn().await;

    let answer = register_raw(&server, mallory_with_password(r"correct horse \ud800 staple"), "application/json").await;

    assert_error(&answer, 400, 50109);
    assert_nothing_changed(&server).await;
}

#[tokio::test]
async fn a_field_of_the_wrong_type_answers_50035_naming_the_field() {
    let server = TestServer::spawn().await;

    let answer = server.client().post("/auth/register", json!({ "username": 5, "password": TestUser::PASSWORD })).await;

    let answer = answer.unwrap();
    assert_error(&answer, 400, 50035);
    assert!(answer.body["errors"]["username"]["_errors"][0]["message"].is_string(), "{}", answer.text);
    server.assert_serving().await;
}

#[tokio::test]
async fn a_missing_field_answers_50035_naming_the_field() {
    let server = TestServer::spawn().await;

    let answer = server.client().post("/auth/register", json!({ "username": "mallory" })).await.unwrap();

    assert_error(&answer, 400, 50035);
    assert!(answer.body["errors"]["password"]["_errors"].is_array(), "{}", answer.text);
    assert_nothing_changed(&server).await;
}

#[tokio::test]
async fn a_json_body_that_is_not_an_object_answers_50035() {
    let server = TestServer::spawn().await;

    for body in [json!([1, 2, 3]), json!("mallory"), json!(42)] {
        let answer = server.client().post("/auth/login", body).await.unwrap();

        assert_error(&answer, 400, 50035);
    }
}

#[tokio::test]
async fn a_body_over_the_limit_answers_413_and_changes_nothing() {
    let server = TestServer::spawn().await;
    let two_mib = "x".repeat(2 * 1024 * 1024);

    let answer = register_raw(&server, mallory_with_password(&two_mib), "application/json").await;

    assert_error(&answer, 413, 40005);
    assert_nothing_changed(&server).await;
}

#[tokio::test]
async fn a_text_plain_body_answers_415_and_changes_nothing() {
    let server = TestServer::spawn().await;

    let answer = register_raw(&server, mallory_with_password(TestUser::PASSWORD), "text/plain").await;

    assert_error(&answer, 415, 50035);
    assert_nothing_changed(&server).await;
}

#[tokio::test]
async fn a_body_without_a_content_type_answers_415() {
    let server = TestServer::spawn().await;

    let answer = server.client().send_raw(Method::POST, "/auth/register", None).await.unwrap();

    assert_error(&answer, 415, 50035);
}

#[tokio::test]
async fn json_nested_10000_deep_answers_400_and_the_server_keeps_serving() {
    let server = TestServer::spawn().await;
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let body = format!(r#"{{"username":"mallory","password":"correct horse battery staple","x":{deep}}}"#);

    let answer = register_raw(&server, body.into_bytes(), "application/json").await;

    assert_error(&answer, 400, 50109);
    assert_nothing_changed(&server).await;
}

#[tokio::test]
async fn a_charset_parameter_on_the_json_content_type_is_accepted() {
    let server = TestServer::spawn().await;

    let answer =
        register_raw(&server, mallory_with_password(TestUser::PASSWORD), "application/json; charset=utf-8").await;

    assert_eq!(answer.status, 201, "{}", answer.text);
}

#[tokio::test]
async fn unknown_routes_outside_the_api_root_answer_404_json() {
    let server = TestServer::spawn().await;
    let root = accord_client::Client::new(server.url());

    for path in ["/nope", "/api/v10/nope/deeper", "/api/v11/users/@me"] {
        let answer = root.get(path).await.unwrap();

        assert_error(&answer, 404, 0);
        assert_eq!(answer.body["error"], "not_found", "{path}");
    }
}

#[tokio::test]
async fn a_wrong_method_on_a_known_route_answers_405_json() {
    let server = TestServer::spawn().await;

    for (method, path) in
        [(Method::DELETE, "/auth/login"), (Method::GET, "/auth/register"), (Method::PUT, "/users/@me")]
    {
        let answer = server.client().send(method.clone(), path, None).await.unwrap();

        assert_error(&answer, 405, 0);
        assert_eq!(answer.body["message"], "405: Method Not Allowed", "{method} {path}");
    }
}
