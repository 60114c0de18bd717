//! Contract cases for [`RelationshipStore`](crate::RelationshipStore): both sides of a pair
//! change together, and only from the state the caller read.

use super::fixtures::{event, id, numbers, pending_names};
use crate::relationships::kind::{BLOCKED, FRIEND, INCOMING_REQUEST, OUTGOING_REQUEST};
use crate::{Relationship, RelationshipPair, RelationshipRecord, Store};

/// A side of kind `kind` since `since_ms`.
fn side(kind: u8, since_ms: u64) -> Option<Relationship> {
    Some(Relationship { kind, since_ms })
}

/// The pair (`a`, `b`) with the given sides.
fn pair(a: u64, b: u64, mine: Option<Relationship>, theirs: Option<Relationship>) -> RelationshipPair {
    RelationshipPair { user_id: id(a), other_id: id(b), mine, theirs }
}

/// `a` asks `b` to be friends, from nothing; panics unless it succeeds.
async fn request(store: &dyn Store, a: u64, b: u64) -> RelationshipPair {
    let sent = pair(a, b, side(OUTGOING_REQUEST, 10), side(INCOMING_REQUEST, 10));
    let done = store.replace_relationship(&pair(a, b, None, None), &sent, &[]).await.expect("request");
    assert!(done, "requested");
    sent
}

pub async fn relationships_are_kept_per_side_and_listed_by_other_id(store: &dyn Store) {
    let sent = pair(1, 2, side(OUTGOING_REQUEST, 10), side(INCOMING_REQUEST, 10));

    let done = store.replace_relationship(&pair(1, 2, None, None), &sent, &[event(900, "RELATIONSHIP_ADD")]).await;

    assert!(done.expect("request"));
    assert_eq!(store.relationship_pair(id(1), id(2)).await.expect("pair"), sent);
    let reverse = store.relationship_pair(id(2), id(1)).await.expect("pair");
    assert_eq!(reverse, pair(2, 1, sent.theirs, sent.mine));
    assert!(reverse.mine_is(INCOMING_REQUEST) && reverse.theirs_is(OUTGOING_REQUEST) && !reverse.blocked());
    let blocked = pair(1, 5, side(BLOCKED, 20), None);
    assert!(store.replace_relationship(&pair(1, 5, None, None), &blocked, &[]).await.expect("block"));
    request(store, 1, 3).await;

    let mine = store.relationships(id(1)).await.expect("list");
    assert_eq!(numbers(mine.iter().map(|r| r.other_id)), [2, 3, 5]);
    assert_eq!(
        mine[2],
        RelationshipRecord { user_id: id(1), other_id: id(5), side: Relationship { kind: BLOCKED, since_ms: 20 } }
    );
    assert_eq!(store.relationships(id(5)).await.expect("list"), [], "a block is on the blocker's side only");
    assert!(store.relationship_pair(id(5), id(1)).await.expect("pair").blocked());
    let theirs = store.relationships(id(2)).await.expect("list");
    assert_eq!(theirs.iter().map(|r| (r.other_id, r.side.kind)).collect::<Vec<_>>(), [(id(1), INCOMING_REQUEST)]);
    assert_eq!(store.relationship_pair(id(7), id(8)).await.expect("pair"), pair(7, 8, None, None));
    assert_eq!(pending_names(store).await, ["RELATIONSHIP_ADD"]);
}

pub async fn a_replace_from_a_stale_state_changes_nothing(store: &dyn Store) {
    let sent = request(store, 1, 2).await;
    let friends = pair(1, 2, side(FRIEND, 30), side(FRIEND, 30));

    let stale = store.replace_relationship(&pair(1, 2, None, None), &friends, &[event(900, "NOPE")]).await;
    let half_stale = pair(1, 2, side(OUTGOING_REQUEST, 10), None);
    let also_stale = store.replace_relationship(&half_stale, &friends, &[event(901, "NOPE")]).await;

    assert!(!stale.expect("stale"));
    assert!(!also_stale.expect("stale"));
    assert_eq!(store.relationship_pair(id(1), id(2)).await.expect("pair"), sent, "unchanged");
    let older_since = pair(1, 2, side(OUTGOING_REQUEST, 1), side(INCOMING_REQUEST, 2));
    assert!(
        store.replace_relationship(&older_since, &friends, &[event(902, "RELATIONSHIP_ADD")]).await.expect("accept"),
        "kinds are compared, not times"
    );
    assert_eq!(
        store.relationship_pair(id(2), id(1)).await.expect("pair"),
        pair(2, 1, side(FRIEND, 30), side(FRIEND, 30))
    );

    let gone = pair(1, 2, None, None);
    assert!(store.replace_relationship(&friends, &gone, &[event(903, "RELATIONSHIP_REMOVE")]).await.expect("unfriend"));
    assert_eq!(store.relationship_pair(id(1), id(2)).await.expect("pair"), gone);
    assert_eq!(store.relationships(id(1)).await.expect("list"), []);
    assert_eq!(pending_names(store).await, ["RELATIONSHIP_ADD", "RELATIONSHIP_REMOVE"]);
}

pub async fn of_two_concurrent_replaces_from_one_state_one_wins(store: &dyn Store) {
    let from = pair(1, 2, None, None);
    let asked = pair(1, 2, side(OUTGOING_REQUEST, 10), side(INCOMING_REQUEST, 10));
    let asked_back = pair(1, 2, side(INCOMING_REQUEST, 11), side(OUTGOING_REQUEST, 11));

    let (asked_events, asked_back_events) = ([event(900, "RELATIONSHIP_ADD")], [event(901, "RELATIONSHIP_ADD")]);

    let (a, b) = tokio::join!(
        store.replace_relationship(&from, &asked, &asked_events),
        store.replace_relationship(&from, &asked_back, &asked_back_events),
    );

    let (a, b) = (a.expect("one"), b.expect("other"));
    assert!(a != b, "exactly one wins: {a} {b}");
    let stored = store.relationship_pair(id(1), id(2)).await.expect("pair");
    assert_eq!(stored, if a { asked } else { asked_back });
    assert_eq!(pending_names(store).await, ["RELATIONSHIP_ADD"]);
}
