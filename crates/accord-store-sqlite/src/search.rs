//! [`SearchStore`] on SQLite: words through the FTS5 table `message_search`, filters on the
//! message columns and `message_mentions`. The caller's text never reaches FTS5's query
//! syntax: each word becomes a quoted phrase.

use accord_store::{SearchQuery, SearchResults, SearchStore, StoreResult};
use sqlx::{QueryBuilder, Sqlite};

use crate::SqliteStore;
use crate::codec::ids_json;
use crate::error::db;
use crate::messages::message_from;

#[async_trait::async_trait]
impl SearchStore for SqliteStore {
    async fn search_messages(&self, query: &SearchQuery) -> StoreResult<SearchResults> {
        let words = query.content.as_deref().map(fts_phrases);
        if query.channel_ids.is_empty() && query.thread_parent_ids.is_empty()
            || words.as_ref().is_some_and(Option::is_none)
        {
            return Ok(SearchResults { total: 0, messages: Vec::new() });
        }
        let words = words.flatten();
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM messages m WHERE ");
        filters(&mut count, query, words.as_deref());
        let total: i64 = count.build_query_scalar().fetch_one(&mut *tx).await.map_err(db)?;
        let mut page = QueryBuilder::<Sqlite>::new("SELECT m.* FROM messages m WHERE ");
        filters(&mut page, query, words.as_deref());
        page.push(if query.ascending { " ORDER BY m.id ASC" } else { " ORDER BY m.id DESC" });
        page.push(" LIMIT ").push_bind(query.limit).push(" OFFSET ").push_bind(query.offset);
        let rows = page.build().fetch_all(&mut *tx).await.map_err(db)?;
        let messages = rows.iter().map(message_from).collect::<sqlx::Result<_>>().map_err(db)?;
        Ok(SearchResults { total: total as u64, messages })
    }
}

/// The WHERE clause shared by the count and the page.
fn filters(sql: &mut QueryBuilder<Sqlite>, query: &SearchQuery, words: Option<&str>) {
    sql.push("(m.channel_id IN (SELECT value FROM json_each(").push_bind(ids_json(&query.channel_ids)).push("))");
    sql.push(
        " OR m.channel_id IN (SELECT id FROM channels WHERE owner_id IS NOT NULL AND kind <> 12 \
         AND parent_id IN (SELECT value FROM json_each(",
    )
    .push_bind(ids_json(&query.thread_parent_ids))
    .push("))))");
    if let Some(words) = words {
        sql.push(" AND m.id IN (SELECT rowid FROM message_search WHERE message_search MATCH ")
            .push_bind(words.to_owned())
            .push(")");
    }
    if !query.author_ids.is_empty() {
        sql.push(" AND m.author_id IN (SELECT value FROM json_each(").push_bind(ids_json(&query.author_ids)).push("))");
    }
    if !query.mention_ids.is_empty() {
        sql.push(
            " AND EXISTS (SELECT 1 FROM message_mentions mm WHERE mm.channel_id = m.channel_id \
             AND mm.message_id = m.id AND mm.target_id IN (SELECT value FROM json_each(",
        )
        .push_bind(ids_json(&query.mention_ids))
        .push(")))");
    }
    if query.has != 0 {
        sql.push(" AND (m.has_bits & ").push_bind(query.has).push(") = ").push_bind(query.has);
    }
    if let Some(min) = query.min_id {
        sql.push(" AND m.id > ").push_bind(min.as_i64());
    }
    if let Some(max) = query.max_id {
        sql.push(" AND m.id < ").push_bind(max.as_i64());
    }
}

/// The words of `text` as FTS5 phrases that must all match, or `None` when it has no word.
fn fts_phrases(text: &str) -> Option<String> {
    let phrases: Vec<String> = text
        .split_whitespace()
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .take(32)
        .map(|word| format!("\"{}\"", word.replace('"', "\"\"")))
        .collect();
    (!phrases.is_empty()).then(|| phrases.join(" "))
}

#[cfg(test)]
mod tests {
    use super::fts_phrases;

    #[test]
    fn query_syntax_in_the_text_stays_words() {
        assert_eq!(fts_phrases("hello  world").as_deref(), Some("\"hello\" \"world\""));
        assert_eq!(fts_phrases("NEAR(\"a b\") OR *").as_deref(), Some("\"NEAR(\"\"a\" \"b\"\")\" \"OR\""));
        assert_eq!(fts_phrases(" * ( \" "), None);
    }
}
