//! Login and registration limited per client address (here 5 a minute), answered with the
//! headers and body Discord libraries read.

use accord_testkit::{TestServer, TestUser};

use super::{login, register};

async fn limited_server() -> TestServer {
    TestServer::spawn_with(|config| config.edge.auth_attempts_per_minute = 5).await
}

#[tokio::test]
async fn successful_logins_count_down_x_ratelimit_remaining() {
    let server = limited_server().await;
    assert_eq!(register(&server, "alice", TestUser::PASSWORD).await.status, 201);

    let mut remaining = Vec::new();
    for _ in 0..5 {
        let answer = login(&server, "alice", TestUser::PASSWORD).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.header("x-ratelimit-limit"), Some("5"));
        assert_eq!(answer.header("x-ratelimit-bucket"), Some("auth-login"));
        assert!(answer.header("x-ratelimit-reset-after").is_some_and(|s| s.parse::<f64>().is_ok()));
        assert!(answer.header("x-ratelimit-reset").is_some_and(|s| s.parse::<f64>().is_ok()));
        remaining.push(answer.header("x-ratelimit-remaining").unwrap_or_default().to_owned());
    }

    assert_eq!(remaining, ["4", "3", "2", "1", "0"]);
}

#[tokio::test]
async fn the_sixth_login_attempt_in_a_minute_answers_429_with_discords_headers_and_body() {
    let server = limited_server().await;
    assert_eq!(register(&server, "alice", TestUser::PASSWORD).await.status, 201);
    for _ in 0..5 {
        assert_eq!(login(&server, "alice", "wrong password!").await.status, 401);
    }

    let answer = login(&server, "alice", TestUser::PASSWORD).await;

    assert_eq!(answer.status, 429, "{}", answer.text);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    for header in [
        "retry-after",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset-after",
        "x-ratelimit-bucket",
        "x-ratelimit-scope",
        "via",
    ] {
        assert!(answer.header(header).is_some_and(|v| !v.is_empty()), "{header} missing: {:?}", answer.headers);
    }
    let retry_after: u64 = answer.header("retry-after").unwrap().parse().expect("Retry-After in whole seconds");
    assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    assert_eq!(answer.header("x-ratelimit-remaining"), Some("0"));
    let body = &answer.body;
    assert!(body["message"].is_string(), "{body}");
    assert!(body["retry_after"].as_f64().is_some_and(|s| s > 0.0 && s <= 60.0), "{body}");
    assert_eq!(body["global"], false);
    assert!(body["code"].is_u64(), "{body}");
}

#[tokio::test]
async fn a_refused_login_attempt_does_not_log_in() {
    let server = limited_server().await;
    let alice = TestUser::from_login(server.client(), &register(&server, "alice", TestUser::PASSWORD).await);
    for _ in 0..5 {
        login(&server, "alice", "wrong password!").await;
    }

    let answer = login(&server, "alice", TestUser::PASSWORD).await;

    assert_eq!(answer.status, 429);
    assert!(answer.body.get("token").is_none(), "{}", answer.text);
    assert_eq!(alice.api.get("/users/@me").await.unwrap().status, 200, "existing sessions are not limited");
}

#[tokio::test]
async fn the_sixth_registration_in_a_minute_is_refused_and_creates_no_account() {
    let server = limited_server().await;
    for n in 0..5 {
        assert_eq!(register(&server, &format!("user{n}"), TestUser::PASSWORD).await.status, 201);
    }

    let answer = register(&server, "user5", TestUser::PASSWORD).await;

    assert_eq!(answer.status, 429, "{}", answer.text);
    assert_eq!(answer.header("x-ratelimit-bucket"), Some("auth-register"));
    assert!(answer.header("via").is_some());
    assert_eq!(login(&server, "user5", TestUser::PASSWORD).await.status, 401, "user5 was not created");
}

/// A login attempt that says it was forwarded for `client`.
async fn login_forwarded_for(server: &TestServer, client: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("{}/api/v10/auth/login", server.url()))
        .header("x-forwarded-for", client)
        .json(&serde_json::json!({ "login": "nobody", "password": TestUser::PASSWORD }))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit() {
    let server = TestServer::spawn_with(|config| {
        config.edge.auth_attempts_per_minute = 2;
        config.edge.trusted_proxies = vec!["127.0.0.1".into(), "::1".into()];
    })
    .await;

    let first: Vec<u16> =
        [login_forwarded_for(&server, "198.51.100.1").await, login_forwarded_for(&server, "198.51.100.1").await].into();
    let third = login_forwarded_for(&server, "198.51.100.1").await;
    let other = login_forwarded_for(&server, "198.51.100.2").await;

    assert_eq!(first, [401, 401], "wrong passwords, but not limited");
    assert_eq!(third, 429);
    assert_eq!(other, 401, "another client behind the proxy is not limited");
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    let server = TestServer::spawn_with(|config| config.edge.auth_attempts_per_minute = 2).await;

    login_forwarded_for(&server, "198.51.100.1").await;
    login_forwarded_for(&server, "198.51.100.2").await;
    let spoofed = login_forwarded_for(&server, "198.51.100.3").await;

    assert_eq!(spoofed, 429, "a made-up X-Forwarded-For must not reset the limit");
}
