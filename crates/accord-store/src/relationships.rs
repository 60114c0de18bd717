//! Relationships between two people: friends, pending friend requests, blocks. Each side of
//! a pair has its own row (a request is outgoing on one side and incoming on the other; a
//! block is on the blocker's side only), and both change together.

use accord_core::Snowflake;

use crate::{EventDraft, StoreResult};

/// Discord's relationship types.
pub mod kind {
    pub const FRIEND: u8 = 1;
    pub const BLOCKED: u8 = 2;
    pub const INCOMING_REQUEST: u8 = 3;
    pub const OUTGOING_REQUEST: u8 = 4;
}

/// One side of a relationship: what `user_id` has toward `other_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationshipRecord {
    pub user_id: Snowflake,
    pub other_id: Snowflake,
    pub side: Relationship,
}

/// A relationship's kind (see [`kind`]) and since when it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relationship {
    pub kind: u8,
    pub since_ms: u64,
}

/// Both sides of a pair: `mine` is what `user_id` has toward `other_id`, `theirs` the reverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationshipPair {
    pub user_id: Snowflake,
    pub other_id: Snowflake,
    pub mine: Option<Relationship>,
    pub theirs: Option<Relationship>,
}

impl RelationshipPair {
    pub fn mine_is(&self, kind: u8) -> bool {
        self.mine.is_some_and(|r| r.kind == kind)
    }

    pub fn theirs_is(&self, kind: u8) -> bool {
        self.theirs.is_some_and(|r| r.kind == kind)
    }

    /// Whether either side blocks the other.
    pub fn blocked(&self) -> bool {
        self.mine_is(kind::BLOCKED) || self.theirs_is(kind::BLOCKED)
    }
}

#[async_trait::async_trait]
pub trait RelationshipStore {
    /// Everyone `user_id` has a relationship with, by ascending id of the other person.
    async fn relationships(&self, user_id: Snowflake) -> StoreResult<Vec<RelationshipRecord>>;

    /// Both sides of the pair (`user_id`, `other_id`).
    async fn relationship_pair(&self, user_id: Snowflake, other_id: Snowflake) -> StoreResult<RelationshipPair>;

    /// Replaces both sides of a pair with `next` and writes `events`, only if they still are
    /// `current` (kinds compared). False, writing nothing, when they changed meanwhile: the
    /// caller reads the pair again and decides anew.
    async fn replace_relationship(
        &self,
        current: &RelationshipPair,
        next: &RelationshipPair,
        events: &[EventDraft],
    ) -> StoreResult<bool>;
}
