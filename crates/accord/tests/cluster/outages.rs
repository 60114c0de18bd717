//! Outages of the engines under a running cluster: NATS killed for ten seconds, PostgreSQL
//! restarted, Redis gone. Writes succeed or fail cleanly, nothing acknowledged is lost, and
//! every session ends up with every acknowledged message exactly once.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::flows::{User, guild_with, messages_until, register, say, session};
use crate::harness::{Cluster, Own};
use crate::services::{OwnNats, OwnPostgres, OwnRedis};

/// Posts `content`; the answer's status, after checking a failure is Discord's JSON error.
async fn try_say(user: &User, channel: &str, content: &str) -> u16 {
    let answer = user.api.post(&format!("/channels/{channel}/messages"), json!({ "content": content })).await;
    let answer = answer.expect("an HTTP answer, even while an engine is down");
    if answer.status != 200 {
        assert!(answer.status >= 500, "{content}: {} {}", answer.status, answer.text);
        assert!(answer.body["code"].is_u64() && answer.body["message"].is_string(), "{content}: {}", answer.text);
    }
    answer.status
}

/// Posts one message every `every` for `length`, returning the acknowledged ones in order
/// and how many were refused.
async fn post_for(user: &User, channel: &str, label: &str, length: Duration, every: Duration) -> (Vec<String>, usize) {
    let (mut acknowledged, mut refused) = (Vec::new(), 0);
    let until = Instant::now() + length;
    let mut n = 0;
    while Instant::now() < until {
        n += 1;
        let content = format!("{label} {n}");
        match try_say(user, channel, &content).await {
            200 => acknowledged.push(content),
            _ => refused += 1,
        }
        tokio::time::sleep(every).await;
    }
    (acknowledged, refused)
}

/// Posts `content` until it is acknowledged (an engine coming back).
async fn say_eventually(user: &User, channel: &str, content: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while try_say(user, channel, content).await != 200 {
        assert!(Instant::now() < deadline, "{content} never acknowledged");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test]
async fn messages_posted_while_nats_is_down_reach_every_session_exactly_once_after_it_returns() {
    let Some(mut nats) = OwnNats::start() else { return };
    let Some(cluster) = Cluster::with(Own { nats: Some(nats.url()), ..Own::default() }).await else { return };
    let core = cluster.start("core", "auth,users,guilds,chat,media").await;
    let node_a = cluster.start("gateway-a", "gateway").await;
    let node_b = cluster.start("gateway-b", "gateway").await;
    let edge = cluster.start("edge", "edge").await;
    let (alice, bob, carol) =
        (register(&edge, "alice").await, register(&edge, "bob").await, register(&edge, "carol").await);
    let channel = guild_with(&alice, &[&bob, &carol]).await;
    let (mut on_a, _) = session(&node_a, &bob).await;
    let (mut on_b, _) = session(&node_b, &carol).await;
    say(&alice, &channel, "before").await;
    for gw in [&mut on_a, &mut on_b] {
        assert_eq!(messages_until(gw, "before", Duration::from_secs(10)).await, ["before"]);
    }

    nats.kill_9();
    let ready = accord_client::Client::new("").get(&format!("http://127.0.0.1:{}/ready", core.port)).await.unwrap();
    assert_eq!((ready.status, ready.body["bus"].as_str()), (200, Some("unreachable")), "{}", ready.text);
    let (mut acknowledged, _) =
        post_for(&alice, &channel, "during", Duration::from_secs(10), Duration::from_millis(500)).await;
    nats.restart();
    say_eventually(&alice, &channel, "after").await;
    acknowledged.push("after".into());

    assert!(acknowledged.len() > 5, "writes go on while NATS is down: {acknowledged:?}");
    for gw in [&mut on_a, &mut on_b] {
        assert_eq!(messages_until(gw, "after", Duration::from_secs(30)).await, acknowledged);
    }
}

#[tokio::test]
async fn while_postgresql_restarts_requests_fail_cleanly_and_nothing_acknowledged_is_lost() {
    let Some(postgres) = OwnPostgres::start() else { return };
    let Some(cluster) = Cluster::with(Own { database: Some(postgres.url()), ..Own::default() }).await else { return };
    let _core = cluster.start("core", "auth,users,guilds,chat,media").await;
    let node = cluster.start("gateway", "gateway").await;
    let edge = cluster.start("edge", "edge").await;
    let (alice, bob) = (register(&edge, "alice").await, register(&edge, "bob").await);
    let channel = guild_with(&alice, &[&bob]).await;
    let (mut gw, _) = session(&node, &bob).await;

    let restart = tokio::task::spawn_blocking(move || {
        std::thread::sleep(Duration::from_secs(1));
        postgres.restart_after(Duration::from_secs(4));
        postgres
    });
    let (mut acknowledged, refused) =
        post_for(&alice, &channel, "message", Duration::from_secs(8), Duration::from_millis(200)).await;
    let _postgres = restart.await.unwrap();
    say_eventually(&alice, &channel, "after").await;
    acknowledged.push("after".into());

    assert!(refused > 0, "PostgreSQL was down for 4 s, yet nothing was refused");
    let history = alice.api.get(&format!("/channels/{channel}/messages?limit=100")).await.unwrap();
    let mut stored: Vec<String> =
        history.body.as_array().unwrap().iter().map(|m| m["content"].as_str().unwrap().to_owned()).collect();
    stored.reverse();
    assert_eq!(stored, acknowledged, "history holds every acknowledged message, and only those");
    assert_eq!(messages_until(&mut gw, "after", Duration::from_secs(30)).await, acknowledged);
}

#[tokio::test]
async fn with_redis_down_logins_are_refused_and_chat_goes_on() {
    let Some(mut redis) = OwnRedis::start() else { return };
    let Some(cluster) = Cluster::with(Own { redis: Some(redis.url()), ..Own::default() }).await else { return };
    let _core = cluster.start("core", "auth,users,guilds,chat,media").await;
    let node = cluster.start("gateway", "gateway").await;
    let edge = cluster.start("edge", "edge").await;
    let (alice, bob) = (register(&edge, "alice").await, register(&edge, "bob").await);
    let channel = guild_with(&alice, &[&bob]).await;
    let (mut gw, _) = session(&node, &bob).await;

    redis.kill_9();

    // Auth attempts cannot be counted: refused, with Discord's JSON error, and no account made.
    let login = json!({ "login": "alice", "password": "correct horse battery staple" });
    let refused = edge.api().post("/auth/login", login).await.unwrap();
    assert_eq!(refused.status, 503, "{}", refused.text);
    assert_eq!(refused.body["code"], 0);
    let signup = json!({ "username": "mallory", "password": "correct horse battery staple" });
    assert_eq!(edge.api().post("/auth/register", signup).await.unwrap().status, 503);
    // Chat goes on, to sessions on the gateway node too; the node stays ready.
    say(&alice, &channel, "still here").await;
    assert_eq!(messages_until(&mut gw, "still here", Duration::from_secs(10)).await, ["still here"]);
    let ready = accord_client::Client::new("").get(&format!("http://127.0.0.1:{}/ready", edge.port)).await.unwrap();
    assert_eq!(ready.status, 200, "{}", ready.text);
}
