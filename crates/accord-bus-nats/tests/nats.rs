//! What only a NATS bus has to show: failing fast while NATS is down, riding out a NATS
//! restart without losing events, the age limit of the log and of session state, positions
//! that move on while topics are quiet, and recovery when NATS loses the stream.

mod common;

use std::time::{Duration, Instant};

use accord_bus::contract::event;
use accord_bus::{Bus, BusError, Delivery, RecvError, ReplayError, Subscription, Topic};
use accord_bus_nats::NatsBus;
use accord_core::Snowflake;
use common::NatsServer;

fn guild(n: u64) -> Topic {
    Topic::Guild(Snowflake::new(n).unwrap())
}

async fn next_within(sub: &mut Box<dyn Subscription>, limit: Duration) -> Result<Delivery, RecvError> {
    tokio::time::timeout(limit, sub.next()).await.expect("an answer in time")
}

/// Publishes like the outbox relay: again and again until NATS takes it.
async fn publish_until_accepted(bus: &NatsBus, event: std::sync::Arc<accord_store::EventDraft>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while let Err(error) = bus.publish(event.clone()).await {
        assert!(Instant::now() < deadline, "NATS did not come back: {error}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn connect_fails_fast_when_nothing_listens() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let started = Instant::now();
    let outcome = NatsBus::connect(&format!("nats://127.0.0.1:{port}"), common::unique_config()).await;
    assert!(matches!(outcome, Err(BusError::Unavailable(_))));
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn publish_fails_fast_while_nats_is_down() {
    let Some(mut server) = NatsServer::start().await else { return };
    let bus = NatsBus::connect(&server.url(), common::unique_config()).await.unwrap();
    bus.publish(event("TEST", Some(1), &[])).await.unwrap();

    server.kill().await;
    for _ in 0..3 {
        let started = Instant::now();
        let outcome = bus.publish(event("TEST", Some(1), &[])).await;
        assert!(matches!(outcome, Err(BusError::Unavailable(_))), "{outcome:?}");
        assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    }
}

#[tokio::test]
async fn a_subscription_rides_out_a_nats_restart_and_loses_nothing() {
    let Some(mut server) = NatsServer::start().await else { return };
    let config = common::unique_config();
    let publisher = NatsBus::connect(&server.url(), config.clone()).await.unwrap();
    let gateway = NatsBus::connect(&server.url(), config).await.unwrap();
    let mut sub = gateway.subscribe_topics().await.unwrap();
    sub.follow(&[guild(1)], None).await.unwrap();
    gateway.save_session("abc123", b"resume me").await.unwrap();

    let seen = event("TEST", Some(1), &[]);
    publisher.publish(seen.clone()).await.unwrap();
    let first = next_within(&mut sub, Duration::from_secs(5)).await.unwrap();
    assert_eq!(first.event.id, seen.id);
    // Acknowledged by JetStream but not yet read when NATS dies.
    let unread: Vec<_> = (0..3).map(|_| event("TEST", Some(1), &[])).collect();
    for e in &unread {
        publisher.publish(e.clone()).await.unwrap();
    }

    server.kill().await;
    let during = event("TEST", Some(1), &[]);
    assert!(publisher.publish(during.clone()).await.is_err());
    server.restart().await;
    publish_until_accepted(&publisher, during.clone()).await;
    let after = event("TEST", Some(1), &[]);
    publisher.publish(after.clone()).await.unwrap();

    let expected: Vec<_> = unread.iter().chain([&during, &after]).map(|e| e.id).collect();
    let mut got = Vec::new();
    let mut last = first.position;
    for _ in &expected {
        let delivery = next_within(&mut sub, Duration::from_secs(30)).await.expect("no event lost");
        assert!(delivery.position > last);
        last = delivery.position;
        got.push(delivery.event.id);
    }
    assert_eq!(got, expected);
    let replayed = gateway.replay(first.position, last, &[guild(1)], 100).await.unwrap();
    assert_eq!(replayed.iter().map(|d| d.event.id).collect::<Vec<_>>(), expected);
    assert_eq!(gateway.load_session("abc123").await.unwrap().as_deref(), Some(&b"resume me"[..]));
}

#[tokio::test]
async fn replay_expires_once_events_age_out() {
    let Some((bus, _cleanup)) = common::bus_with(|c| c.max_age = Duration::from_secs(1)).await else { return };
    let mut sub = bus.subscribe_topics().await.unwrap();
    sub.follow(&[guild(1)], None).await.unwrap();
    let old = event("TEST", Some(1), &[]);
    bus.publish(old.clone()).await.unwrap();
    let delivered = next_within(&mut sub, Duration::from_secs(5)).await.unwrap();
    let before = delivered.position - 1;
    assert_eq!(bus.replay(before, delivered.position, &[guild(1)], 10).await.unwrap().len(), 1);

    // Ticks keep the quiet subscription's position fresh while the event ages out.
    let _ = tokio::time::timeout(Duration::from_millis(2_500), sub.next()).await;
    let outcome = bus.replay(before, sub.position(), &[guild(1)], 10).await;
    assert!(matches!(outcome, Err(ReplayError::Expired)), "{outcome:?}");
    let fresh = bus.replay(sub.position(), sub.position(), &[guild(1)], 10).await.unwrap();
    assert!(fresh.is_empty());
}

#[tokio::test]
async fn a_subscriber_that_stalls_past_the_age_limit_is_told_it_lagged() {
    let Some((bus, _cleanup)) = common::bus_with(|c| c.max_age = Duration::from_secs(1)).await else { return };
    let mut sub = bus.subscribe().await.unwrap();
    for _ in 0..2 {
        bus.publish(event("TEST", Some(1), &[])).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let later = event("TEST", Some(1), &[]);
    bus.publish(later.clone()).await.unwrap();

    let outcome = next_within(&mut sub, Duration::from_secs(10)).await;
    assert!(matches!(outcome, Err(RecvError::Lagged(n)) if n >= 2), "{outcome:?}");
    assert_eq!(next_within(&mut sub, Duration::from_secs(10)).await.unwrap().event.id, later.id);
}

#[tokio::test]
async fn a_quiet_topic_subscription_still_moves_its_position_on() {
    let Some((bus, _cleanup)) = common::bus().await else { return };
    let mut sub = bus.subscribe_topics().await.unwrap();
    sub.follow(&[guild(99)], None).await.unwrap();
    let start = sub.position();
    for _ in 0..3 {
        bus.publish(event("TEST", Some(1), &[])).await.unwrap();
    }
    // Nothing arrives for guild 99, but the ticks after those events are read.
    assert!(tokio::time::timeout(Duration::from_secs(1), sub.next()).await.is_err());
    assert!(sub.position() > start + 3, "{} after {start}", sub.position());
}

#[tokio::test]
async fn a_session_state_expires_after_the_session_ttl() {
    let Some((bus, _cleanup)) = common::bus_with(|c| c.session_ttl = Duration::from_secs(1)).await else { return };
    bus.save_session("feed", b"state").await.unwrap();
    assert!(bus.load_session("feed").await.unwrap().is_some());
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_eq!(bus.load_session("feed").await.unwrap(), None);
}

#[tokio::test]
async fn processes_connecting_at_once_share_the_stream() {
    let Some(url) = common::nats_url() else { return };
    let config = common::unique_config();
    let _cleanup = common::Cleanup::new(&url, &config);
    let connecting = (0..4).map(|_| NatsBus::connect(&url, config.clone()));
    let buses: Vec<NatsBus> = futures::future::join_all(connecting).await.into_iter().map(Result::unwrap).collect();
    let mut sub = buses[0].subscribe().await.unwrap();
    let e = event("TEST", Some(1), &[]);
    buses[3].publish(e.clone()).await.unwrap();
    assert_eq!(next_within(&mut sub, Duration::from_secs(5)).await.unwrap().event.id, e.id);
}

#[tokio::test]
async fn a_lost_stream_is_reported_and_reading_goes_on() {
    let Some(url) = common::nats_url() else { return };
    let Some((bus, _cleanup)) = common::bus().await else { return };
    let mut sub = bus.subscribe().await.unwrap();
    bus.publish(event("TEST", Some(1), &[])).await.unwrap();
    next_within(&mut sub, Duration::from_secs(5)).await.unwrap();

    let js = async_nats::jetstream::new(async_nats::connect(&url).await.unwrap());
    js.delete_stream(&bus.config().stream).await.unwrap();
    let after = event("TEST", Some(1), &[]);
    publish_until_accepted(&bus, after.clone()).await;

    let outcome = next_within(&mut sub, Duration::from_secs(15)).await;
    assert!(matches!(outcome, Err(RecvError::Lagged(_))), "{outcome:?}");
    assert_eq!(next_within(&mut sub, Duration::from_secs(15)).await.unwrap().event.id, after.id);
}
