//! `GET /auth/sessions`, `DELETE /auth/sessions/{id}` and `POST /auth/logout-all`.

use accord_testkit::{TestServer, assert_error};
use serde_json::json;

use super::{WAIT, me_status, second_session, session_id};
use crate::gateway::{GUILDS, session};

#[tokio::test]
async fn the_session_list_shows_each_live_login_and_marks_the_callers() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let laptop = second_session(&server, "alice").await;
    let gone = second_session(&server, "alice").await;
    assert_eq!(gone.api.post("/auth/logout", json!({})).await.unwrap().status, 204);
    server.user("bob").await;

    let answer = laptop.api.get("/auth/sessions").await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    let list = answer.body.as_array().expect("a list");
    assert_eq!(list.len(), 2, "logged-out and other users' sessions are not listed: {}", answer.text);
    let current: Vec<bool> = list.iter().map(|s| s["current"].as_bool().expect("current")).collect();
    assert_eq!(current, [true, false], "newest first, the caller's marked");
    for entry in list {
        assert!(entry["id"].as_str().is_some_and(|id| id.parse::<u64>().is_ok()), "{entry}");
        assert!(entry["created_at"].as_str().is_some_and(|t| t.ends_with("+00:00")), "{entry}");
        assert!(entry["last_used_at"].as_str().is_some_and(|t| t.ends_with("+00:00")), "{entry}");
    }
    assert_eq!(list[1]["id"], session_id(&alice).await.as_str());
}

#[tokio::test]
async fn signing_out_another_session_ends_it_and_closes_its_gateway_connection() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let laptop = second_session(&server, "alice").await;
    let (mut phone_gw, _) = session(&server, &alice, GUILDS).await;
    let phone = session_id(&alice).await;

    let answer = laptop.api.delete(&format!("/auth/sessions/{phone}")).await.unwrap();

    assert_eq!(answer.status, 204, "{}", answer.text);
    assert_eq!(phone_gw.closed(WAIT).await.expect("closed"), Some(4004));
    assert_eq!((me_status(&alice).await, me_status(&laptop).await), (401, 200));
    let list = laptop.api.get("/auth/sessions").await.unwrap();
    assert_eq!(list.body.as_array().map(Vec::len), Some(1), "{}", list.text);
    let again = laptop.api.delete(&format!("/auth/sessions/{phone}")).await.unwrap();
    assert_error(&again, 404, 10020);
}

#[tokio::test]
async fn unknown_and_other_users_sessions_answer_404_and_stay() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let bobs = session_id(&bob).await;

    let someone_elses = alice.api.delete(&format!("/auth/sessions/{bobs}")).await.unwrap();
    let unknown = alice.api.delete("/auth/sessions/123456789012345678").await.unwrap();
    let malformed = alice.api.delete("/auth/sessions/not-an-id").await.unwrap();
    let anonymous = server.client().delete(&format!("/auth/sessions/{bobs}")).await.unwrap();

    assert_error(&someone_elses, 404, 10020);
    assert_error(&unknown, 404, 10020);
    assert!(matches!(malformed.status, 400 | 404), "{} {}", malformed.status, malformed.text);
    assert_error(&anonymous, 401, 40001);
    assert_eq!(me_status(&bob).await, 200, "bob's session stays");
}

#[tokio::test]
async fn logging_out_everywhere_ends_every_session() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let laptop = second_session(&server, "alice").await;
    let (mut gw, _) = session(&server, &alice, GUILDS).await;

    let answer = laptop.api.post("/auth/logout-all", json!({})).await.unwrap();

    assert_eq!(answer.status, 204, "{}", answer.text);
    assert_eq!((me_status(&alice).await, me_status(&laptop).await), (401, 401));
    assert_eq!(gw.closed(WAIT).await.expect("closed"), Some(4004));
}

#[tokio::test]
async fn logging_out_closes_that_sessions_gateway_connection() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let (mut gw, _) = session(&server, &alice, GUILDS).await;

    assert_eq!(alice.api.post("/auth/logout", json!({})).await.unwrap().status, 204);

    assert_eq!(gw.closed(WAIT).await.expect("closed"), Some(4004));
}
