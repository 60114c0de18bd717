//! Message search: words in content, and filters on author, mentions, what a message has and
//! its id range, within channels the caller may read.

use accord_core::Snowflake;

use crate::{MessageRecord, StoreResult};

/// A search. Every given filter must hold (AND).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Where to look; the service lists only channels the caller may read. Empty finds nothing.
    pub channel_ids: Vec<Snowflake>,
    /// Also the public threads of these channels (and forums).
    pub thread_parent_ids: Vec<Snowflake>,
    /// Words that must all occur in the content, in any order. Any text is safe here: the
    /// backend treats it as words, never as query syntax.
    pub content: Option<String>,
    /// Messages by any of these.
    pub author_ids: Vec<Snowflake>,
    /// Messages mentioning any of these users.
    pub mention_ids: Vec<Snowflake>,
    /// [`crate::has`] bits the message must all have.
    pub has: u32,
    pub min_id: Option<Snowflake>,
    pub max_id: Option<Snowflake>,
    pub limit: u32,
    pub offset: u32,
    /// Oldest first instead of newest first.
    pub ascending: bool,
}

/// A page of results and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchResults {
    pub total: u64,
    pub messages: Vec<MessageRecord>,
}

#[async_trait::async_trait]
pub trait SearchStore {
    async fn search_messages(&self, query: &SearchQuery) -> StoreResult<SearchResults>;
}
