//! `POST /auth/delete-account`: guild owners must hand their guilds on first; a deleted
//! account's sessions end, it leaves its guilds, its name and email are freed, and its
//! messages stay under a deleted user.

use accord_testkit::{TestServer, TestUser, assert_error};
use serde_json::json;

use super::{SECRET, WAIT, assert_field_error, code, email_of, enable_totp, fresh_step, login, me_status};
use crate::gateway::{GUILDS, session};

async fn delete(user: &TestUser, body: serde_json::Value) -> accord_client::Answer {
    user.api.post("/auth/delete-account", body).await.expect("delete request")
}

fn with_password() -> serde_json::Value {
    json!({ "password": TestUser::PASSWORD })
}

#[tokio::test]
async fn a_guild_owner_must_hand_their_guilds_on_first() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;

    let refused = delete(&alice, with_password()).await;

    assert_error(&refused, 400, 40011);
    assert_eq!(
        refused.body["message"], "You must transfer ownership of any owned guilds before deleting your account",
        "{}",
        refused.text
    );
    assert_eq!(me_status(&alice).await, 200, "nothing changed");
    assert_eq!(alice.api.get(&format!("/guilds/{}", guild.id)).await.unwrap().status, 200);
}

#[tokio::test]
async fn a_deleted_account_leaves_its_messages_under_a_deleted_user() {
    let server = TestServer::spawn().await;
    let owner = server.user("owner").await;
    let guild = server.guild(&owner).await;
    let bob = server.member(&guild, "bob").await;
    let message = bob.say(&guild.text, "remember me").await;
    let (mut gw, _) = session(&server, &bob, GUILDS).await;
    let mut events = server.events().await;

    let answer = delete(&bob, with_password()).await;

    assert_eq!(answer.status, 204, "{}", answer.text);
    assert_eq!(gw.closed(WAIT).await.expect("closed"), Some(4004));
    assert_eq!(me_status(&bob).await, 401);
    let removed = events.expect("GUILD_MEMBER_REMOVE").await;
    assert_eq!(removed.guild_id.as_deref(), Some(guild.id.as_str()));
    assert_eq!(removed.data["user"]["global_name"], "Deleted User");
    let members = owner.api.get(&format!("/guilds/{}/members?limit=10", guild.id)).await.unwrap();
    assert_eq!(members.body.as_array().map(Vec::len), Some(1), "only the owner is left: {}", members.text);
    let kept = owner.api.get(&format!("/channels/{}/messages/{message}", guild.text)).await.unwrap();
    assert_eq!(kept.status, 200, "{}", kept.text);
    let author = &kept.body["author"];
    assert_eq!(author["id"], bob.id.as_str());
    assert_eq!(author["username"], format!("deleted_user_{:x}", bob.id.parse::<u64>().unwrap()));
    assert_eq!(author["global_name"], "Deleted User");
    assert!(author["avatar"].is_null());
}

#[tokio::test]
async fn the_old_credentials_fail_like_a_wrong_password_and_the_name_is_free_again() {
    let server = TestServer::spawn().await;
    let body = json!({ "username": "bob", "password": TestUser::PASSWORD, "email": email_of("bob") });
    let registered = server.client().post("/auth/register", body.clone()).await.unwrap();
    let bob = TestUser::from_login(server.client(), &registered);
    assert_eq!(delete(&bob, with_password()).await.status, 204);

    let by_name = login(&server, "bob", TestUser::PASSWORD).await;
    let by_email = login(&server, &email_of("bob"), TestUser::PASSWORD).await;
    let wrong = login(&server, "nobody", "not the right password").await;

    assert_error(&by_name, 401, 40001);
    assert_error(&by_email, 401, 40001);
    let strip = |v: &serde_json::Value| json!({ "code": v["code"], "message": v["message"], "errors": v["errors"] });
    assert_eq!(strip(&by_name.body), strip(&wrong.body));
    let again = server.client().post("/auth/register", body).await.unwrap();
    assert_eq!(again.status, 201, "the username and email are free: {}", again.text);
    let taken = json!({ "username": "deleted_user_1", "password": TestUser::PASSWORD });
    assert_error(&server.client().post("/auth/register", taken).await.unwrap(), 400, 50035);
}

#[tokio::test]
async fn deletion_needs_the_password_and_with_totp_on_a_code() {
    fresh_step().await;
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let codes = enable_totp(&alice).await;

    let wrong_password = delete(&alice, json!({ "password": "nope", "code": code(SECRET, 0) })).await;
    let no_code = delete(&alice, with_password()).await;
    let wrong_code = delete(&alice, json!({ "password": TestUser::PASSWORD, "code": code(SECRET, -10) })).await;

    assert_field_error(&wrong_password, "password", "PASSWORD_DOES_NOT_MATCH");
    assert_error(&no_code, 400, 60003);
    assert_error(&wrong_code, 400, 60008);
    assert_eq!(me_status(&alice).await, 200, "still there");
    let done = delete(&alice, json!({ "password": TestUser::PASSWORD, "code": codes[0] })).await;
    assert_eq!(done.status, 204, "{}", done.text);
    assert_eq!(me_status(&alice).await, 401);
}
