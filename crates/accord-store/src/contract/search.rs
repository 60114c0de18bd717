//! Contract cases for [`SearchStore`](crate::SearchStore): words, filters, paging, sorting,
//! channel scoping and hostile text.

use super::fixtures::{channel, create_guild, id, message, numbers};
use crate::{AttachmentRecord, MessageRecord, SearchQuery, Store, has};

/// Channel 101 and 102 of guild 100 with a handful of messages.
async fn corpus(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.create_channel(&channel(102, 100, 1), &[]).await.expect("channel");
    let image = AttachmentRecord {
        id: id(5001),
        filename: "a.png".to_owned(),
        size: 10,
        content_type: "image/png".to_owned(),
        width: Some(1),
        height: Some(1),
        description: None,
    };
    let messages = [
        MessageRecord { content: "The quick brown fox".to_owned(), ..message(1001, 101, 1) },
        MessageRecord { content: "a QUICK look at https://example.com".to_owned(), ..message(1002, 101, 2) },
        MessageRecord { content: "nothing here".to_owned(), attachments: vec![image], ..message(1003, 101, 2) },
        MessageRecord {
            content: "quick, said Zoë".to_owned(), mention_user_ids: vec![id(3)], ..message(1004, 102, 1)
        },
        MessageRecord { content: String::new(), embeds: "[{}]".to_owned(), ..message(1005, 102, 3) },
    ];
    for m in &messages {
        store.create_message(m, &[]).await.expect("create");
    }
}

fn everywhere() -> SearchQuery {
    SearchQuery { channel_ids: vec![id(101), id(102)], limit: 25, ..SearchQuery::default() }
}

async fn found(store: &dyn Store, query: SearchQuery) -> (u64, Vec<u64>) {
    let results = store.search_messages(&query).await.expect("search");
    (results.total, numbers(results.messages.into_iter().map(|m| m.id)))
}

pub async fn search_matches_all_words_ignoring_case(store: &dyn Store) {
    corpus(store).await;
    let words = |text: &str| SearchQuery { content: Some(text.to_owned()), ..everywhere() };

    assert_eq!(found(store, words("quick")).await, (3, vec![1004, 1002, 1001]));
    assert_eq!(found(store, words("QUICK fox")).await, (1, vec![1001]));
    assert_eq!(found(store, words("fox look")).await, (0, vec![]));
    assert_eq!(found(store, words("zoë")).await, (1, vec![1004]));
    let scoped = SearchQuery { channel_ids: vec![id(101)], ..words("quick") };
    assert_eq!(found(store, scoped).await, (2, vec![1002, 1001]));
    assert_eq!(found(store, SearchQuery { channel_ids: vec![], ..words("quick") }).await, (0, vec![]));
}

pub async fn search_filters_combine(store: &dyn Store) {
    corpus(store).await;

    let by_2 = SearchQuery { author_ids: vec![id(2)], ..everywhere() };
    assert_eq!(found(store, by_2).await, (2, vec![1003, 1002]));
    let mentioning_3 = SearchQuery { mention_ids: vec![id(3)], ..everywhere() };
    assert_eq!(found(store, mentioning_3).await, (1, vec![1004]));
    assert_eq!(found(store, SearchQuery { has: has::LINK, ..everywhere() }).await, (1, vec![1002]));
    assert_eq!(found(store, SearchQuery { has: has::IMAGE | has::FILE, ..everywhere() }).await, (1, vec![1003]));
    assert_eq!(found(store, SearchQuery { has: has::EMBED, ..everywhere() }).await, (1, vec![1005]));
    let range = SearchQuery { min_id: Some(id(1001)), max_id: Some(id(1005)), ..everywhere() };
    assert_eq!(found(store, range).await, (3, vec![1004, 1003, 1002]));
    let quick_by_1 = SearchQuery { content: Some("quick".to_owned()), author_ids: vec![id(1)], ..everywhere() };
    assert_eq!(found(store, quick_by_1).await, (2, vec![1004, 1001]));
}

pub async fn search_pages_with_offset_in_either_order(store: &dyn Store) {
    corpus(store).await;

    assert_eq!(found(store, SearchQuery { limit: 2, ..everywhere() }).await, (5, vec![1005, 1004]));
    assert_eq!(found(store, SearchQuery { limit: 2, offset: 2, ..everywhere() }).await, (5, vec![1003, 1002]));
    let oldest = SearchQuery { limit: 2, ascending: true, ..everywhere() };
    assert_eq!(found(store, oldest).await, (5, vec![1001, 1002]));
    assert_eq!(found(store, SearchQuery { offset: 10, ..everywhere() }).await, (5, vec![]));
}

pub async fn search_text_is_never_query_syntax(store: &dyn Store) {
    corpus(store).await;

    for hostile in
        ["\"", "quick\"", "NEAR(quick fox)", "quick OR nothing", "*", "fox*", "'; DROP TABLE messages; --", "()"]
    {
        let query = SearchQuery { content: Some(hostile.to_owned()), ..everywhere() };
        let results = store.search_messages(&query).await;
        assert!(results.is_ok(), "{hostile:?}: {results:?}");
    }
    let or = SearchQuery { content: Some("fox OR nothing".to_owned()), ..everywhere() };
    assert_eq!(found(store, or).await.0, 0, "OR is a word, not an operator");
    assert_eq!(found(store, everywhere()).await.0, 5, "the table is intact");
}

pub async fn edits_and_deletes_update_the_search_index(store: &dyn Store) {
    corpus(store).await;
    let quick = || SearchQuery { content: Some("quick".to_owned()), ..everywhere() };
    let mut first = store.message(id(101), id(1001)).await.expect("read").expect("exists");
    first.content = "slow turtle".to_owned();

    store.update_message(&first, &[]).await.expect("edit");
    store.delete_message(id(102), id(1004), &[]).await.expect("delete");

    assert_eq!(found(store, quick()).await, (1, vec![1002]));
    let turtle = SearchQuery { content: Some("turtle".to_owned()), ..everywhere() };
    assert_eq!(found(store, turtle).await, (1, vec![1001]));
}
