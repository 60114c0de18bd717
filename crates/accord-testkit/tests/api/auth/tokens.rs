//! How the edge reads `Authorization`: `Bearer <t>` and a bare `<t>` are access tokens, `Bot
//! <t>` a bot token; forged, unsigned, mistyped and oversized tokens are refused with 401.
//! (Expiry is unit-tested in `accord-core`: the 5 s leeway makes it slow to test here.)

use accord_testkit::{TestServer, assert_error};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

use super::me_status;

/// The three dot-separated parts of a JWT.
fn parts(jwt: &str) -> [&str; 3] {
    let parts: Vec<&str> = jwt.split('.').collect();
    parts.try_into().unwrap_or_else(|p| panic!("not a three-part JWT: {p:?}"))
}

#[tokio::test]
async fn bearer_and_bare_access_tokens_both_authenticate() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    for authorization in [format!("Bearer {}", alice.token), alice.token.clone()] {
        let me = server.client().authorized(authorization).get("/users/@me").await.unwrap();

        assert_eq!(me.status, 200, "{}", me.text);
        assert_eq!(me.body["id"], alice.id.as_str());
    }
}

#[tokio::test]
async fn a_user_access_token_presented_as_a_bot_token_is_refused() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let answer = server.client().authorized(format!("Bot {}", alice.token)).get("/users/@me").await.unwrap();

    assert_error(&answer, 401, 40001);
}

#[tokio::test]
async fn a_refresh_token_used_as_an_access_token_is_refused() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;

    let bearer = me_status(&server, &format!("Bearer {}", alice.refresh_token)).await;
    let bare = me_status(&server, &alice.refresh_token).await;

    assert_eq!((bearer, bare), (401, 401));
}

#[tokio::test]
async fn an_access_token_carrying_another_tokens_signature_is_refused() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let [header, payload, _] = parts(&alice.token);
    let [_, _, bobs_signature] = parts(&bob.token);

    let answer = server
        .client()
        .authorized(format!("Bearer {header}.{payload}.{bobs_signature}"))
        .get("/users/@me")
        .await
        .unwrap();

    assert_error(&answer, 401, 40001);
}

#[tokio::test]
async fn an_access_token_with_an_edited_payload_is_refused() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let [header, payload, signature] = parts(&alice.token);
    let claims = String::from_utf8(B64.decode(payload).unwrap()).unwrap();
    let forged = B64.encode(claims.replace(&alice.id, &bob.id));

    let status = me_status(&server, &format!("Bearer {header}.{forged}.{signature}")).await;

    assert_eq!(status, 401);
}

#[tokio::test]
async fn an_unsigned_alg_none_token_is_refused() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let [_, payload, _] = parts(&alice.token);
    let none = B64.encode(r#"{"alg":"none","typ":"JWT"}"#);

    for token in [format!("{none}.{payload}."), format!("{none}.{payload}")] {
        let answer = server.client().authorized(format!("Bearer {token}")).get("/users/@me").await.unwrap();

        assert_error(&answer, 401, 40001);
    }
}

#[tokio::test]
async fn empty_and_malformed_authorization_headers_are_refused() {
    let server = TestServer::spawn().await;

    for authorization in ["Bearer", "Bearer ", "Bot", "Bot ", "Bot a.b.c", "garbage", "a.b.c"] {
        let status = me_status(&server, authorization).await;

        assert_eq!(status, 401, "{authorization:?}");
    }
}

#[tokio::test]
async fn a_16_kib_authorization_header_is_refused_and_the_server_keeps_serving() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let huge = format!("Bearer {}", "A".repeat(16 * 1024));

    let status = me_status(&server, &huge).await;

    assert!(status == 401 || status == 431, "16 KiB header answered {status}");
    server.assert_serving().await;
    assert_eq!(me_status(&server, &format!("Bearer {}", alice.token)).await, 200);
}

#[tokio::test]
async fn a_bot_token_with_a_forged_generation_is_refused() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bot = server.bot(&alice, "helper").await;
    let [id, _, mac] = parts(&bot.token);
    let forged = format!("{id}.{}.{mac}", B64.encode("1"));

    let real = me_status(&server, &format!("Bot {}", bot.token)).await;
    let fake = me_status(&server, &format!("Bot {forged}")).await;

    assert_eq!((real, fake), (200, 401));
}
