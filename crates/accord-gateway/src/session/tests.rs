//! Unit tests of the replay ring: sequence numbers, resume, acknowledgement, slow consumers.
use super::*;

fn session(limits: Limits) -> Arc<Session> {
    let identity = Identity {
        session_id: "s".into(),
        user_id: Snowflake::new(1).unwrap(),
        bot: false,
        intents: 0,
        shard: (0, 1),
        auth_session: None,
    };
    let (s, _) = Session::new(identity, limits);
    s.release();
    s
}

fn limits() -> Limits {
    Limits { queued_frames: 100, queued_bytes: 1 << 20, retained_frames: 200 }
}

fn head(n: u32) -> Arc<str> {
    Arc::from(crate::protocol::dispatch_head("E", &n.to_string()))
}

fn seqs(out: &Outgoing) -> Vec<u64> {
    out.frames.iter().map(|f| serde_json::from_str::<serde_json::Value>(f).unwrap()["s"].as_u64().unwrap()).collect()
}

#[test]
fn frames_get_consecutive_sequence_numbers() {
    let s = session(limits());
    for n in 0..3 {
        s.push(head(n));
    }
    assert_eq!(seqs(&s.take(1)), vec![1, 2, 3]);
    assert!(s.take(1).frames.is_empty());
}

#[test]
fn a_resume_replays_exactly_the_frames_after_seq() {
    let s = session(limits());
    for n in 0..5 {
        s.push(head(n));
    }
    s.take(1);
    s.acknowledge(2);
    s.detach(1);
    s.push(head(5));
    let generation = s.resume(3).unwrap();
    assert_eq!(seqs(&s.take(generation)), vec![4, 5, 6]);
    assert!(s.take(1).superseded);
}

#[test]
fn resuming_from_before_the_acknowledged_frames_is_refused_and_ahead_is_invalid() {
    let s = session(limits());
    for n in 0..5 {
        s.push(head(n));
    }
    s.take(1);
    s.acknowledge(4);
    assert_eq!(s.resume(9), Err(ResumeError::SeqAhead));
    assert_eq!(s.resume(2), Err(ResumeError::Gone));
    assert!(s.is_ended());
}

#[test]
fn a_slow_connection_is_told_to_close_and_a_detached_overflow_ends_the_session() {
    let s = session(Limits { queued_frames: 3, queued_bytes: 1 << 20, retained_frames: 5 });
    for n in 0..4 {
        s.push(head(n));
    }
    let out = s.take(1);
    assert_eq!(out.close, Some(Close::SlowConsumer));
    assert!(out.frames.is_empty(), "the backlog is left for the resume");
    s.detach(1);
    for n in 0..10 {
        s.push(head(n));
    }
    assert!(s.is_ended());
    assert_eq!(s.resume(4), Err(ResumeError::Gone));
}

#[test]
fn a_slow_consumers_backlog_is_replayed_on_resume() {
    let s = session(Limits { queued_frames: 3, queued_bytes: 1 << 20, retained_frames: 100 });
    s.push(head(0));
    assert_eq!(seqs(&s.take(1)), vec![1]);
    for n in 1..6 {
        s.push(head(n));
    }
    assert_eq!(s.take(1).close, Some(Close::SlowConsumer));
    s.detach(1);
    let generation = s.resume(1).unwrap();
    assert_eq!(seqs(&s.take(generation)), vec![2, 3, 4, 5, 6]);
}

#[test]
fn a_replay_longer_than_the_queue_bound_is_not_a_slow_consumer() {
    let s = session(Limits { queued_frames: 3, queued_bytes: 1 << 20, retained_frames: 100 });
    s.take(1);
    s.detach(1);
    for n in 0..10 {
        s.push(head(n));
    }
    let generation = s.resume(0).unwrap();
    s.push_direct(head(99));
    let out = s.take(generation);
    assert_eq!(out.close, None);
    assert_eq!(out.frames.len(), 11);
}

#[test]
fn held_dispatches_follow_the_direct_ones() {
    let identity = Identity {
        session_id: "s".into(),
        user_id: Snowflake::new(1).unwrap(),
        bot: false,
        intents: 0,
        shard: (0, 1),
        auth_session: None,
    };
    let (s, generation) = Session::new(identity, limits());
    s.push(head(7));
    s.push_direct(head(1));
    s.release();
    let out = s.take(generation);
    let data: Vec<u64> = out
        .frames
        .iter()
        .map(|f| serde_json::from_str::<serde_json::Value>(f).unwrap()["d"].as_u64().unwrap())
        .collect();
    assert_eq!(data, vec![1, 7]);
}
