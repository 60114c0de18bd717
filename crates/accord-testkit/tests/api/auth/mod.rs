//! Accounts and sessions: registration and its rules, login, refresh-token rotation, logout,
//! how access tokens are checked, `/auth/verify`, and the per-address limit on login and
//! registration.

mod login;
mod rate_limit;
mod refresh;
mod register;
mod tokens;

use accord_client::Answer;
use accord_testkit::TestServer;
use serde_json::{Value, json};

/// `POST /auth/register` with `username` and `password`, anonymously.
pub async fn register(server: &TestServer, username: &str, password: &str) -> Answer {
    register_with(server, json!({ "username": username, "password": password })).await
}

/// `POST /auth/register` with any JSON body, anonymously.
pub async fn register_with(server: &TestServer, body: Value) -> Answer {
    server.client().post("/auth/register", body).await.expect("register request")
}

/// `POST /auth/login`, anonymously.
pub async fn login(server: &TestServer, login: &str, password: &str) -> Answer {
    let body = json!({ "login": login, "password": password });
    server.client().post("/auth/login", body).await.expect("login request")
}

/// `POST /auth/refresh`, anonymously.
pub async fn refresh(server: &TestServer, refresh_token: &str) -> Answer {
    let body = json!({ "refresh_token": refresh_token });
    server.client().post("/auth/refresh", body).await.expect("refresh request")
}

/// `GET /users/@me` with this `Authorization` value; the status tells whether it authenticates.
pub async fn me_status(server: &TestServer, authorization: &str) -> u16 {
    let answer = server.client().authorized(authorization).get("/users/@me").await.expect("me request");
    answer.status
}

/// An error body without its `timestamp`, to compare two answers.
pub fn without_timestamp(body: &Value) -> Value {
    let mut body = body.clone();
    if let Some(fields) = body.as_object_mut() {
        fields.remove("timestamp");
    }
    body
}

/// The `(token, refresh_token)` of a token-pair answer.
pub fn pair(answer: &Answer) -> (String, String) {
    let field = |name: &str| {
        answer.body[name]
            .as_str()
            .unwrap_or_else(|| panic!("no {name} in {} {}", answer.status, answer.text))
            .to_owned()
    };
    (field("token"), field("refresh_token"))
}
