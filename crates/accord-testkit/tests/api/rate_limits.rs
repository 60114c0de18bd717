//! API rate limits per caller: messages per channel (here 10 per 10 s) and requests over all
//! routes (here 8 a minute), answered with Discord's headers and 429 body, counted per route
//! template with the channel as its major parameter.

use accord_client::Client;
use accord_testkit::TestServer;
use serde_json::json;

async fn send(api: &Client, channel: &str, n: usize) -> accord_client::Answer {
    api.post(&format!("/channels/{channel}/messages"), json!({ "content": format!("m{n}") })).await.unwrap()
}

#[tokio::test]
async fn the_eleventh_message_in_ten_seconds_is_refused_in_that_channel_only() {
    let server = TestServer::spawn_with(|config| config.edge.messages_per_10_seconds = 10).await;
    let alice = server.user("alice").await;
    let guild = server.guild(&alice).await;
    let bob = server.member(&guild, "bob").await;
    let other = guild.channel("other").await;
    // The same route through another API root is the same bucket.
    let v9 = Client::new(format!("{}/api/v9", server.url())).authorized(format!("Bearer {}", alice.token));

    let mut remaining = Vec::new();
    for n in 0..10 {
        let api = if n % 2 == 0 { &alice.api } else { &v9 };
        let answer = send(api, &guild.text, n).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.header("x-ratelimit-bucket"), Some("message-send"));
        remaining.push(answer.header("x-ratelimit-remaining").unwrap().to_owned());
    }
    let refused = send(&alice.api, &guild.text, 10).await;

    assert_eq!(remaining.last().map(String::as_str), Some("0"));
    assert_eq!(refused.status, 429, "{}", refused.text);
    assert_eq!(refused.body["global"], false);
    let retry_after = refused.body["retry_after"].as_f64().unwrap();
    assert!(retry_after > 0.0 && retry_after <= 10.0, "{retry_after}");
    assert!(refused.header("retry-after").is_some());
    assert_eq!(refused.header("x-ratelimit-scope"), Some("user"));
    assert!(refused.header("via").is_some(), "discord.py reads a 429 without Via as a ban");
    assert_eq!(send(&alice.api, &other, 0).await.status, 200, "another channel has its own bucket");
    assert_eq!(send(&bob.api, &guild.text, 0).await.status, 200, "another user has their own bucket");
    let history = alice.api.get(&format!("/channels/{}/messages", guild.text)).await.unwrap();
    assert_eq!(history.body.as_array().unwrap().len(), 11, "the refused message was not written");
}

#[tokio::test]
async fn requests_over_all_routes_are_limited_per_caller() {
    let server = TestServer::spawn_with(|config| config.edge.api_requests_per_minute = 8).await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;

    let mut remaining = Vec::new();
    loop {
        let answer = alice.api.get("/users/@me").await.unwrap();
        if answer.status == 429 {
            assert_eq!(answer.body["global"], true, "{}", answer.text);
            assert_eq!(answer.header("x-ratelimit-global"), Some("true"));
            assert_eq!(answer.header("x-ratelimit-scope"), Some("global"));
            assert!(answer.header("retry-after").is_some() && answer.header("via").is_some());
            break;
        }
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("x-ratelimit-limit"), Some("8"));
        remaining.push(answer.header("x-ratelimit-remaining").unwrap().parse::<u32>().unwrap());
        assert!(remaining.len() <= 8, "more than 8 requests were let through");
    }

    assert!(remaining.windows(2).all(|w| w[1] + 1 == w[0]), "{remaining:?}");
    assert_eq!(remaining.last(), Some(&0));
    assert_eq!(bob.api.get("/users/@me").await.unwrap().status, 200, "bob has his own window");
}
