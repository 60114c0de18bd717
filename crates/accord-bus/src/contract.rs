//! The behaviour every bus implementation must show, written once. A backend's test file
//! instantiates it with `accord_bus::contract_tests!(factory)`, where `factory` is an
//! expression evaluating to a future of `Option<(impl Bus, guard)>`: a fresh, isolated bus
//! (`None` skips the case when its server is not configured) and a value kept alive for the
//! test.

use std::sync::Arc;
use std::time::Duration;

use accord_core::Snowflake;
use accord_store::EventDraft;

use crate::{Bus, Delivery, Subscription, Topic};

#[doc(hidden)]
#[macro_export]
macro_rules! contract_tests {
    ($factory:expr) => {
        $crate::contract_tests!(@cases $factory;
            every_subscriber_gets_every_event_in_order,
            a_topic_subscription_gets_only_the_topics_it_follows,
            following_a_topic_from_now_skips_its_older_events,
            following_a_topic_from_the_position_delivers_what_came_since,
            an_unfollowed_topic_stops_arriving,
            an_event_on_two_followed_topics_arrives_once,
            a_republished_event_id_arrives_once,
            positions_increase_in_publish_order,
            replay_returns_the_range_on_the_topics_in_order,
            replay_from_an_events_position_does_not_give_it_again,
            session_state_round_trips_and_can_be_removed,
        );
    };
    (@cases $factory:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let Some((bus, _guard)) = $factory.await else { return };
                $crate::contract::$case(&bus).await;
            }
        )*
    };
}

fn id(n: u64) -> Snowflake {
    Snowflake::new(n).expect("nonzero")
}

/// An event with a fresh id in guild `guild` (if any) for `users`.
pub fn event(name: &str, guild: Option<u64>, users: &[u64]) -> Arc<EventDraft> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let unique = (accord_core::time::now_ms() << 22) | (n & 0x3f_ffff);
    Arc::new(EventDraft {
        id: id(unique),
        name: name.to_owned(),
        guild_id: guild.map(id),
        channel_id: None,
        user_ids: users.iter().copied().map(id).collect(),
        data: format!("{{\"n\":{n}}}"),
    })
}

async fn next(sub: &mut Box<dyn Subscription>) -> Delivery {
    tokio::time::timeout(Duration::from_secs(5), sub.next()).await.expect("an event within 5 s").expect("bus open")
}

/// Asserts nothing arrives for a moment.
async fn quiet(sub: &mut Box<dyn Subscription>) {
    if let Ok(got) = tokio::time::timeout(Duration::from_millis(300), sub.next()).await {
        panic!("expected nothing, got {got:?}");
    }
}

pub async fn every_subscriber_gets_every_event_in_order(bus: &dyn Bus) {
    let (mut a, mut b) = (bus.subscribe().await.unwrap(), bus.subscribe().await.unwrap());
    let events: Vec<_> = (0..3).map(|n| event("TEST", Some(10 + n), &[])).collect();
    for e in &events {
        bus.publish(e.clone()).await.unwrap();
    }
    for sub in [&mut a, &mut b] {
        for e in &events {
            assert_eq!(next(sub).await.event.id, e.id);
        }
    }
}

pub async fn a_topic_subscription_gets_only_the_topics_it_follows(bus: &dyn Bus) {
    let mut sub = bus.subscribe_topics().await.unwrap();
    sub.follow(&[Topic::Guild(id(1)), Topic::User(id(7))], None).await.unwrap();
    let other_guild = event("TEST", Some(2), &[]);
    let guild = event("TEST", Some(1), &[]);
    let other_user = event("TEST", None, &[8]);
    let user = event("TEST", None, &[7]);
    for e in [&other_guild, &guild, &other_user, &user] {
        bus.publish(e.clone()).await.unwrap();
    }
    assert_eq!(next(&mut sub).await.event.id, guild.id);
    assert_eq!(next(&mut sub).await.event.id, user.id);
    quiet(&mut sub).await;
}

/// A subscriber that has read up to an event on guild 1, and a guild 3 event published after it.
async fn seen_one_then_guild_3_published(bus: &dyn Bus) -> (Box<dyn Subscription>, Arc<EventDraft>) {
    let mut sub = bus.subscribe_topics().await.unwrap();
    sub.follow(&[Topic::Guild(id(1))], None).await.unwrap();
    let first = event("TEST", Some(1), &[]);
    bus.publish(first.clone()).await.unwrap();
    assert_eq!(next(&mut sub).await.event.id, first.id);
    let early = event("TEST", Some(3), &[]);
    bus.publish(early.clone()).await.unwrap();
    (sub, early)
}

pub async fn following_a_topic_from_now_skips_its_older_events(bus: &dyn Bus) {
    let (mut sub, _early) = seen_one_then_guild_3_published(bus).await;
    sub.follow(&[Topic::Guild(id(3))], None).await.unwrap();
    let late = event("TEST", Some(3), &[]);
    bus.publish(late.clone()).await.unwrap();
    assert_eq!(next(&mut sub).await.event.id, late.id);
}

pub async fn following_a_topic_from_the_position_delivers_what_came_since(bus: &dyn Bus) {
    let (mut sub, early) = seen_one_then_guild_3_published(bus).await;
    let position = sub.position();
    sub.follow(&[Topic::Guild(id(3))], Some(position)).await.unwrap();
    assert_eq!(next(&mut sub).await.event.id, early.id);
}

pub async fn an_unfollowed_topic_stops_arriving(bus: &dyn Bus) {
    let mut sub = bus.subscribe_topics().await.unwrap();
    sub.follow(&[Topic::Guild(id(1)), Topic::Guild(id(2))], None).await.unwrap();
    let marker = event("TEST", Some(2), &[]);
    bus.publish(marker.clone()).await.unwrap();
    assert_eq!(next(&mut sub).await.event.id, marker.id);
    sub.unfollow(&[Topic::Guild(id(1))]).await.unwrap();
    let dropped = event("TEST", Some(1), &[]);
    let kept = event("TEST", Some(2), &[]);
    bus.publish(dropped).await.unwrap();
    bus.publish(kept.clone()).await.unwrap();
    assert_eq!(next(&mut sub).await.event.id, kept.id);
}

pub async fn an_event_on_two_followed_topics_arrives_once(bus: &dyn Bus) {
    let mut sub = bus.subscribe_topics().await.unwrap();
    sub.follow(&[Topic::Guild(id(1)), Topic::User(id(7))], None).await.unwrap();
    let both = event("TEST", Some(1), &[7]);
    bus.publish(both.clone()).await.unwrap();
    assert_eq!(next(&mut sub).await.event.id, both.id);
    quiet(&mut sub).await;
}

pub async fn a_republished_event_id_arrives_once(bus: &dyn Bus) {
    let mut sub = bus.subscribe().await.unwrap();
    let once = event("TEST", Some(1), &[]);
    bus.publish(once.clone()).await.unwrap();
    bus.publish(once.clone()).await.unwrap();
    assert_eq!(next(&mut sub).await.event.id, once.id);
    quiet(&mut sub).await;
}

pub async fn positions_increase_in_publish_order(bus: &dyn Bus) {
    let mut sub = bus.subscribe().await.unwrap();
    let start = sub.position();
    for n in 0..5 {
        bus.publish(event("TEST", Some(1 + n % 2), &[])).await.unwrap();
    }
    let mut last = start;
    for _ in 0..5 {
        let got = next(&mut sub).await;
        assert!(got.position > last, "{} after {last}", got.position);
        last = got.position;
    }
    assert_eq!(sub.position(), last);
    assert!(bus.log_end().await.unwrap() >= last);
}

pub async fn replay_returns_the_range_on_the_topics_in_order(bus: &dyn Bus) {
    let mut sub = bus.subscribe().await.unwrap();
    let events: Vec<_> = (0..6).map(|n| event("TEST", Some(1 + n % 2), &[])).collect();
    for e in &events {
        bus.publish(e.clone()).await.unwrap();
    }
    let mut positions = Vec::new();
    for _ in &events {
        positions.push(next(&mut sub).await.position);
    }
    // After the first event, up to the fifth, guild 1 only: the third and the fifth.
    let got = bus.replay(positions[0], positions[4], &[Topic::Guild(id(1))], 100).await.unwrap();
    let ids: Vec<_> = got.iter().map(|d| d.event.id).collect();
    assert_eq!(ids, vec![events[2].id, events[4].id]);
    assert_eq!(got[0].position, positions[2]);
    assert!(bus.replay(positions[0], positions[5], &[Topic::Guild(id(1)), Topic::Guild(id(2))], 2).await.is_err());
}

pub async fn replay_from_an_events_position_does_not_give_it_again(bus: &dyn Bus) {
    let mut sub = bus.subscribe().await.unwrap();
    let both = event("TEST", Some(1), &[7]);
    bus.publish(both.clone()).await.unwrap();
    let later = event("TEST", None, &[7]);
    bus.publish(later.clone()).await.unwrap();
    let at = next(&mut sub).await.position;
    let end = bus.log_end().await.unwrap();

    let got = bus.replay(at, end, &[Topic::Guild(id(1)), Topic::User(id(7))], 100).await.unwrap();

    let ids: Vec<_> = got.iter().map(|d| d.event.id).collect();
    assert_eq!(ids, vec![later.id], "an event stored on two topics is at its first position only");
}

pub async fn session_state_round_trips_and_can_be_removed(bus: &dyn Bus) {
    let name = format!("session-{}", event("X", None, &[]).id);
    assert_eq!(bus.load_session(&name).await.unwrap(), None);
    bus.save_session(&name, b"one").await.unwrap();
    bus.save_session(&name, b"two").await.unwrap();
    assert_eq!(bus.load_session(&name).await.unwrap().as_deref(), Some(&b"two"[..]));
    bus.remove_session(&name).await.unwrap();
    assert_eq!(bus.load_session(&name).await.unwrap(), None);
}
