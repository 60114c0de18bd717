//! [`SearchStore`] on PostgreSQL: words through the generated `search` tsvector (GIN index),
//! filters on the message columns and `message_mentions`. The caller's text goes through
//! `plainto_tsquery`, which reads it as plain words, never as query syntax.

use accord_store::{SearchQuery, SearchResults, SearchStore, StoreResult};
use sqlx::{Postgres, QueryBuilder};

use crate::PostgresStore;
use crate::codec::{ids, wide};
use crate::error::db;
use crate::messages::message_from;

#[async_trait::async_trait]
impl SearchStore for PostgresStore {
    async fn search_messages(&self, query: &SearchQuery) -> StoreResult<SearchResults> {
        if query.channel_ids.is_empty() && query.thread_parent_ids.is_empty() {
            return Ok(SearchResults { total: 0, messages: Vec::new() });
        }
        let words = query.content.as_deref();
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut count = QueryBuilder::<Postgres>::new("SELECT COUNT(*) FROM messages m WHERE ");
        filters(&mut count, query, words);
        let total: i64 = count.build_query_scalar().fetch_one(&mut *tx).await.map_err(db)?;
        let mut page = QueryBuilder::<Postgres>::new("SELECT m.* FROM messages m WHERE ");
        filters(&mut page, query, words);
        page.push(if query.ascending { " ORDER BY m.id ASC" } else { " ORDER BY m.id DESC" });
        page.push(" LIMIT ").push_bind(wide(query.limit)).push(" OFFSET ").push_bind(wide(query.offset));
        let rows = page.build().fetch_all(&mut *tx).await.map_err(db)?;
        let messages = rows.iter().map(message_from).collect::<sqlx::Result<_>>().map_err(db)?;
        Ok(SearchResults { total: total as u64, messages })
    }
}

/// The WHERE clause shared by the count and the page.
fn filters(sql: &mut QueryBuilder<Postgres>, query: &SearchQuery, words: Option<&str>) {
    sql.push("(m.channel_id = ANY(").push_bind(ids(&query.channel_ids)).push(")");
    sql.push(
        " OR m.channel_id IN (SELECT id FROM channels WHERE owner_id IS NOT NULL AND kind <> 12 AND parent_id = ANY(",
    )
    .push_bind(ids(&query.thread_parent_ids))
    .push(")))");
    if let Some(words) = words {
        sql.push(" AND m.search @@ plainto_tsquery('simple', ").push_bind(words.to_owned()).push(")");
    }
    if !query.author_ids.is_empty() {
        sql.push(" AND m.author_id = ANY(").push_bind(ids(&query.author_ids)).push(")");
    }
    if !query.mention_ids.is_empty() {
        sql.push(
            " AND EXISTS (SELECT 1 FROM message_mentions mm WHERE mm.channel_id = m.channel_id \
             AND mm.message_id = m.id AND mm.target_id = ANY(",
        )
        .push_bind(ids(&query.mention_ids))
        .push("))");
    }
    if query.has != 0 {
        sql.push(" AND (m.has_bits & ").push_bind(query.has as i32).push(") = ").push_bind(query.has as i32);
    }
    if let Some(min) = query.min_id {
        sql.push(" AND m.id > ").push_bind(min.as_i64());
    }
    if let Some(max) = query.max_id {
        sql.push(" AND m.id < ").push_bind(max.as_i64());
    }
}
