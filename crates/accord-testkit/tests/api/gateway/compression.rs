//! Transport compression: `compress=zlib-stream` and `compress=zstd-stream` give binary
//! frames from one stream per connection (the client inflates them as one stream, so a
//! frame compressed on its own would fail); without either, text frames, even when Identify
//! asks for per-payload compression.

use accord_client::gateway::GatewayClient;
use accord_testkit::TestServer;
use serde_json::json;

use super::{MESSAGES, WAIT, session, witness};

/// Connects with `compress`, identifies, reads GUILD_CREATE and two large messages; returns
/// the client to inspect its frame counts.
async fn a_full_session(compress: &str) -> GatewayClient {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let mut gw = GatewayClient::connect(&server.gateway_url(compress)).await.unwrap();

    gw.identify_ready(&alice.token, MESSAGES).await.unwrap();
    let created = gw.next_dispatch("GUILD_CREATE", WAIT).await.unwrap();
    assert_eq!(created["id"], guild.id.as_str());
    for n in 0..2 {
        let content = format!("{n} {}", "compressible ".repeat(150));
        alice.say(&guild.text, &content).await;
        assert_eq!(gw.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap()["content"], content);
    }
    gw.heartbeat().await.unwrap();
    assert_eq!(gw.next_payload(WAIT).await.unwrap()["op"], 11);
    gw
}

#[tokio::test]
async fn zlib_stream_sends_every_frame_binary_from_one_deflate_stream() {
    let gw = a_full_session("&compress=zlib-stream").await;

    assert_eq!(gw.text_frames, 0);
    assert_eq!(gw.binary_frames, 6, "Hello, READY, GUILD_CREATE, two messages, the ACK");
}

#[tokio::test]
async fn zstd_stream_sends_every_frame_binary_from_one_zstd_stream() {
    let gw = a_full_session("&compress=zstd-stream").await;

    assert_eq!(gw.text_frames, 0);
    assert_eq!(gw.binary_frames, 6);
}

#[tokio::test]
async fn without_transport_compression_frames_are_text() {
    let gw = a_full_session("").await;

    assert_eq!(gw.binary_frames, 0);
    assert_eq!(gw.text_frames, 6);
}

#[tokio::test]
async fn identify_compress_true_does_not_turn_on_per_payload_compression() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let mut gw = server.connect().await;

    let d = json!({ "token": alice.token, "intents": MESSAGES, "compress": true, "properties": {} });
    gw.send(2, d).await.unwrap();
    gw.next_dispatch("READY", WAIT).await.unwrap();

    assert_eq!((gw.text_frames, gw.binary_frames), (2, 0));
}

#[tokio::test]
async fn a_compressed_session_resumes_on_a_fresh_stream() {
    let server = TestServer::spawn().await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let url = server.gateway_url("&compress=zlib-stream");
    let mut gw = GatewayClient::connect(&url).await.unwrap();
    let ready = gw.identify_ready(&alice.token, MESSAGES).await.unwrap();
    gw.next_dispatch("GUILD_CREATE", WAIT).await.unwrap();
    let seq = gw.last_seq.unwrap();
    let (mut other, _) = session(&server, &alice, MESSAGES).await;
    gw.drop_connection();
    alice.say(&guild.text, "missed").await;
    witness(&mut other, "missed").await;

    let mut again = GatewayClient::connect(&server.gateway_url("&compress=zstd-stream")).await.unwrap();
    again.resume(&alice.token, ready["session_id"].as_str().unwrap(), seq).await.unwrap();

    assert_eq!(again.next_dispatch("MESSAGE_CREATE", WAIT).await.unwrap()["content"], "missed");
    again.next_dispatch("RESUMED", WAIT).await.unwrap();
    assert_eq!(again.text_frames, 0);
}
