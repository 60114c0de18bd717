//! Finding and opening the gateway: `GET /gateway`, `GET /gateway/bot`, the URL forms
//! clients build from them, and Hello as the first frame.

use accord_client::gateway::{GatewayClient, GatewayError};
use accord_testkit::{TestServer, assert_error};

use super::MESSAGES;

#[tokio::test]
async fn get_gateway_answers_a_ws_url_without_a_trailing_slash() {
    let server = TestServer::spawn().await;

    let answer = server.client().get("/gateway").await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    let url = answer.body["url"].as_str().expect("url");
    assert_eq!(url, format!("ws://{}/gateway", server.addr));
    assert!(!url.ends_with('/'), "{url}");
}

#[tokio::test]
async fn get_gateway_bot_answers_shards_and_the_session_start_limit() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let bot = server.bot(&alice, "helper").await;

    let answer = bot.api.get("/gateway/bot").await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["url"], format!("ws://{}/gateway", server.addr));
    assert_eq!(answer.body["shards"], 1);
    let limit = &answer.body["session_start_limit"];
    for key in ["total", "remaining", "reset_after", "max_concurrency"] {
        assert!(limit[key].is_u64(), "{key} in {limit}");
    }
    assert!(limit["remaining"].as_u64() <= limit["total"].as_u64(), "{limit}");
    assert!(limit["max_concurrency"].as_u64() >= Some(1), "{limit}");
}

#[tokio::test]
async fn get_gateway_bot_without_a_token_answers_401() {
    let server = TestServer::spawn().await;

    let answer = server.client().get("/gateway/bot").await.unwrap();

    assert_error(&answer, 401, 40001);
}

#[tokio::test]
async fn the_first_frame_is_hello_with_the_heartbeat_interval() {
    let server = TestServer::spawn_with(|config| config.gateway.heartbeat_interval_ms = 1234).await;

    let gw = server.connect().await;

    assert_eq!(gw.heartbeat_interval, 1234);
    assert_eq!(gw.last_seq, None, "Hello carries no sequence number");
}

#[tokio::test]
async fn the_url_from_get_gateway_works_with_any_suffix_and_query() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let base = server.client().get("/gateway").await.unwrap().body["url"].as_str().unwrap().to_owned();
    let forms = [
        base.clone(),
        format!("{base}?v=10&encoding=json"),
        format!("{base}/?v=10&encoding=json&compress=zlib-stream"),
        format!("{base}/some/suffix?v=9"),
        format!("ws://{}/?v=10&encoding=json", server.addr),
    ];

    for url in forms {
        let mut gw = GatewayClient::connect(&url).await.unwrap_or_else(|e| panic!("{url}: {e}"));
        let ready = gw.identify_ready(&alice.token, MESSAGES).await.unwrap_or_else(|e| panic!("{url}: {e}"));

        assert_eq!(ready["user"]["id"], alice.id.as_str(), "{url}");
    }
}

#[tokio::test]
async fn an_unsupported_api_version_closes_with_4012_instead_of_hello() {
    let server = TestServer::spawn().await;

    let outcome = GatewayClient::connect(&format!("ws://{}/gateway/?v=3&encoding=json", server.addr)).await;

    assert!(matches!(outcome, Err(GatewayError::Closed(Some(4012)))), "{:?}", outcome.err());
}

#[tokio::test]
async fn an_unsupported_encoding_closes_with_4002_instead_of_hello() {
    let server = TestServer::spawn().await;

    let outcome = GatewayClient::connect(&format!("ws://{}/gateway/?v=10&encoding=etf", server.addr)).await;

    assert!(matches!(outcome, Err(GatewayError::Closed(Some(4002)))), "{:?}", outcome.err());
}

#[tokio::test]
async fn a_plain_http_request_to_the_gateway_answers_404() {
    let server = TestServer::spawn().await;

    let answer = accord_client::Client::new(server.url()).get("/gateway").await.unwrap();

    assert_eq!(answer.status, 404, "{}", answer.text);
}
