//! `POST /auth/refresh`: rotation, the one replay allowed within the grace window, family
//! revocation on reuse, concurrent retries, and refresh after logout.

use accord_testkit::{TestServer, assert_error};
use serde_json::json;

use super::{me_status, pair, refresh};

#[tokio::test]
async fn refreshing_rotates_to_a_new_pair_that_works() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let answer = refresh(&server, &alice.refresh_token).await;

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.body["user"]["id"], alice.id.as_str());
    assert!(answer.body["expires_in"].as_u64().is_some_and(|s| s > 0));
    let (token, refresh_token) = pair(&answer);
    assert_ne!(refresh_token, alice.refresh_token, "the refresh token rotates");
    assert_eq!(me_status(&server, &format!("Bearer {token}")).await, 200);
    let next = refresh(&server, &refresh_token).await;
    assert_eq!(next.status, 200, "the successor refreshes: {}", next.text);
    assert_ne!(pair(&next).1, refresh_token);
}

#[tokio::test]
async fn replaying_the_previous_refresh_token_once_within_grace_returns_the_same_pair() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let first = refresh(&server, &alice.refresh_token).await;
    assert_eq!(first.status, 200, "{}", first.text);

    let replay = refresh(&server, &alice.refresh_token).await;

    assert_eq!(replay.status, 200, "{}", replay.text);
    assert_eq!(pair(&replay), pair(&first), "same token and refresh_token");
    assert_eq!(refresh(&server, &pair(&first).1).await.status, 200, "the successor still works");
}

#[tokio::test]
async fn presenting_a_rotated_refresh_token_a_third_time_revokes_the_whole_family() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let first = refresh(&server, &alice.refresh_token).await;
    let (access, successor) = pair(&first);
    assert_eq!(refresh(&server, &alice.refresh_token).await.status, 200, "the one allowed replay");

    let reuse = refresh(&server, &alice.refresh_token).await;

    assert_error(&reuse, 401, 40001);
    assert_error(&refresh(&server, &successor).await, 401, 40001);
    assert_eq!(me_status(&server, &format!("Bearer {access}")).await, 401, "the session's access token dies too");
    assert_eq!(me_status(&server, &format!("Bearer {}", alice.token)).await, 401);
}

#[tokio::test]
async fn reusing_a_rotated_token_leaves_the_users_other_sessions_alive() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let other = pair(&super::login(&server, "alice", accord_testkit::TestUser::PASSWORD).await);
    for _ in 0..3 {
        refresh(&server, &alice.refresh_token).await;
    }

    let status = me_status(&server, &format!("Bearer {}", other.0)).await;

    assert_eq!(me_status(&server, &format!("Bearer {}", alice.token)).await, 401);
    assert_eq!(status, 200, "only the reused family is revoked");
}

#[tokio::test]
async fn two_concurrent_refreshes_of_one_token_get_the_same_pair() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let (a, b) = tokio::join!(refresh(&server, &alice.refresh_token), refresh(&server, &alice.refresh_token));

    assert_eq!((a.status, b.status), (200, 200), "{} / {}", a.text, b.text);
    assert_eq!(pair(&a), pair(&b));
    let (access, successor) = pair(&a);
    assert_eq!(me_status(&server, &format!("Bearer {access}")).await, 200, "the family was not revoked");
    assert_eq!(refresh(&server, &successor).await.status, 200);
}

#[tokio::test]
async fn refreshing_after_logout_is_refused() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    assert_eq!(alice.api.post("/auth/logout", json!({})).await.unwrap().status, 204);

    let answer = refresh(&server, &alice.refresh_token).await;

    assert_error(&answer, 401, 40001);
}

#[tokio::test]
async fn garbage_refresh_tokens_are_refused() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    for token in ["garbage".to_owned(), String::new(), "A".repeat(10_000), alice.token.clone()] {
        let answer = refresh(&server, &token).await;

        assert_error(&answer, 401, 40001);
    }
    assert_eq!(refresh(&server, &alice.refresh_token).await.status, 200, "garbage revoked nothing");
}
