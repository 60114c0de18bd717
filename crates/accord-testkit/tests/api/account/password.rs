//! `POST /auth/password`: re-authentication, the other sessions signed out, their gateway
//! connections closed with 4004.

use accord_testkit::{TestServer, TestUser, assert_error};
use serde_json::json;

use super::{WAIT, assert_field_error, login, me_status, second_session};
use crate::gateway::{GUILDS, session};

const NEW_PASSWORD: &str = "a brand new passphrase";

#[tokio::test]
async fn changing_the_password_signs_out_the_other_sessions_and_keeps_the_callers() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let laptop = second_session(&server, "alice").await;
    let bob = server.user("bob").await;

    let body = json!({ "password": TestUser::PASSWORD, "new_password": NEW_PASSWORD });
    let changed = laptop.api.post("/auth/password", body).await.unwrap();

    assert_eq!(changed.status, 204, "{}", changed.text);
    assert_eq!(me_status(&alice).await, 401, "the other session ends");
    assert_eq!(me_status(&laptop).await, 200, "the caller's stays");
    assert_eq!(me_status(&bob).await, 200, "nobody else's changes");
    let refreshed = server.client().post("/auth/refresh", json!({ "refresh_token": alice.refresh_token })).await;
    assert_error(&refreshed.unwrap(), 401, 40001);
    assert_error(&login(&server, "alice", TestUser::PASSWORD).await, 401, 40001);
    assert_eq!(login(&server, "alice", NEW_PASSWORD).await.status, 200);
}

#[tokio::test]
async fn the_other_sessions_gateway_connections_close_with_4004() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let laptop = second_session(&server, "alice").await;
    let (mut phone_gw, _) = session(&server, &alice, GUILDS).await;
    let (mut laptop_gw, _) = session(&server, &laptop, GUILDS).await;

    let body = json!({ "password": TestUser::PASSWORD, "new_password": NEW_PASSWORD });
    let changed = laptop.api.post("/auth/password", body).await.unwrap();

    assert_eq!(changed.status, 204, "{}", changed.text);
    assert_eq!(phone_gw.closed(WAIT).await.expect("closed"), Some(4004));
    laptop_gw.heartbeat().await.expect("heartbeat");
    let ack = laptop_gw.next_payload(WAIT).await.expect("the caller's connection stays open");
    assert_eq!(ack["op"], 11, "{ack}");
    let mut again = server.connect().await;
    again.identify(&alice.token, GUILDS).await.expect("identify");
    assert_eq!(again.closed(WAIT).await.expect("closed"), Some(4004), "the old token cannot identify");
}

#[tokio::test]
async fn a_wrong_current_password_changes_nothing() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let laptop = second_session(&server, "alice").await;

    let wrong = json!({ "password": "not my password", "new_password": NEW_PASSWORD });
    let refused = laptop.api.post("/auth/password", wrong).await.unwrap();
    let weak = json!({ "password": TestUser::PASSWORD, "new_password": "password" });
    let too_weak = laptop.api.post("/auth/password", weak).await.unwrap();
    let missing = laptop.api.post("/auth/password", json!({ "new_password": NEW_PASSWORD })).await.unwrap();
    let anonymous = server.client().post("/auth/password", json!({ "password": "x", "new_password": "y" })).await;

    assert_field_error(&refused, "password", "PASSWORD_DOES_NOT_MATCH");
    assert_field_error(&too_weak, "password", "PASSWORD_TOO_WEAK");
    assert_error(&missing, 400, 50035);
    assert_error(&anonymous.unwrap(), 401, 40001);
    assert_eq!((me_status(&alice).await, me_status(&laptop).await), (200, 200));
    assert_eq!(login(&server, "alice", TestUser::PASSWORD).await.status, 200);
}

#[tokio::test]
async fn bots_cannot_change_a_password() {
    let server = TestServer::spawn().await;
    let owner = server.user("owner").await;
    let bot = server.bot(&owner, "Helper").await;

    let answer = bot.api.post("/auth/password", json!({ "password": "x", "new_password": NEW_PASSWORD })).await;

    assert_error(&answer.unwrap(), 403, 20001);
}
