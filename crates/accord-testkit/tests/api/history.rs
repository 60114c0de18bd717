//! Reading messages: history pages (`limit`, `before`, `after`, `around`), one message, and
//! messages reached through the wrong channel; then editing and deleting.

use accord_testkit::permissions::MANAGE_MESSAGES;
use accord_testkit::{TestGuild, TestServer, assert_error};
use serde_json::{Value, json};

/// Sends `n` messages `m0`, `m1`, … to the guild's text channel; returns their ids, oldest first.
async fn fill(guild: &TestGuild, n: usize) -> Vec<String> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        ids.push(guild.owner.say(&guild.text, &format!("m{i}")).await);
    }
    ids
}

fn ids(page: &Value) -> Vec<String> {
    page.as_array()
        .unwrap_or_else(|| panic!("not a list: {page}"))
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The ids of `all` (oldest first) at these indexes, newest first as history returns them.
fn newest_first(all: &[String], range: std::ops::Range<usize>) -> Vec<String> {
    all[range].iter().rev().cloned().collect()
}

async fn history(guild: &TestGuild, query: &str) -> Value {
    let answer = guild.owner.api.get(&format!("/channels/{}/messages{query}", guild.text)).await.unwrap();
    assert_eq!(answer.status, 200, "{query}: {}", answer.text);
    answer.body
}

#[tokio::test]
async fn history_returns_the_newest_50_by_default_newest_first() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let all = fill(&guild, 55).await;

    let page = history(&guild, "").await;

    assert_eq!(ids(&page), newest_first(&all, 5..55));
}

#[tokio::test]
async fn a_history_limit_outside_1_to_100_is_rejected() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;

    for limit in ["0", "101", "-1", "100000"] {
        let answer = guild.owner.api.get(&format!("/channels/{}/messages?limit={limit}", guild.text)).await.unwrap();

        assert_eq!(answer.status, 400, "limit={limit}: {}", answer.text);
    }
    let largest = guild.owner.api.get(&format!("/channels/{}/messages?limit=100", guild.text)).await.unwrap();
    assert_eq!(largest.status, 200, "{}", largest.text);
}

#[tokio::test]
async fn history_pages_by_before_after_and_around_exact_ids() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let all = fill(&guild, 30).await;

    let latest = history(&guild, "?limit=5").await;
    let before = history(&guild, &format!("?before={}&limit=5", all[10])).await;
    let after = history(&guild, &format!("?after={}&limit=5", all[10])).await;
    let around = history(&guild, &format!("?around={}&limit=5", all[15])).await;
    let around_wide = history(&guild, &format!("?around={}&limit=100", all[15])).await;
    let after_last = history(&guild, &format!("?after={}", all[29])).await;

    assert_eq!(ids(&latest), newest_first(&all, 25..30));
    assert_eq!(ids(&before), newest_first(&all, 5..10));
    assert_eq!(ids(&after), newest_first(&all, 11..16));
    assert_eq!(ids(&around), newest_first(&all, 13..18));
    assert_eq!(ids(&around_wide).len(), 30, "around never returns more than exist");
    assert_eq!(after_last, json!([]));
}

#[tokio::test]
async fn around_returns_at_most_limit_messages() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let all = fill(&guild, 12).await;

    for limit in 1..=6 {
        let page = history(&guild, &format!("?around={}&limit={limit}", all[6])).await;

        assert_eq!(ids(&page).len(), limit, "limit {limit}: {page}");
        assert!(ids(&page).contains(&all[6]), "the message itself: {page}");
    }
}

#[tokio::test]
async fn combining_before_and_after_is_rejected() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let all = fill(&guild, 3).await;

    let answer = guild
        .owner
        .api
        .get(&format!("/channels/{}/messages?before={}&after={}", guild.text, all[2], all[0]))
        .await
        .unwrap();

    assert_error(&answer, 400, 50035);
}

#[tokio::test]
async fn one_message_is_read_by_id() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let id = guild.owner.say(&guild.text, "find me").await;

    let answer = bob.api.get(&format!("/channels/{}/messages/{id}", guild.text)).await.unwrap();

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["id"], id.as_str());
    assert_eq!(answer.body["content"], "find me");
    assert_eq!(answer.body["author"]["id"], guild.owner.id.as_str());
}

#[tokio::test]
async fn a_message_of_another_channel_is_unknown_through_this_channel() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let other = guild.owner.api.post(&format!("/guilds/{}/channels", guild.id), json!({ "name": "other" })).await;
    let other = other.unwrap().id();
    let elsewhere = guild.owner.say(&other, "over there").await;
    let path = format!("/channels/{}/messages/{elsewhere}", guild.text);

    let read = guild.owner.api.get(&path).await.unwrap();
    let edit = guild.owner.api.patch(&path, json!({ "content": "moved?" })).await.unwrap();
    let delete = guild.owner.api.delete(&path).await.unwrap();

    assert_error(&read, 404, 10008);
    assert_error(&edit, 404, 10008);
    assert_error(&delete, 404, 10008);
    let original = guild.owner.api.get(&format!("/channels/{other}/messages/{elsewhere}")).await.unwrap();
    assert_eq!(original.body["content"], "over there");
}

#[tokio::test]
async fn the_author_edits_a_message_and_edited_timestamp_is_set() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let id = bob.say(&guild.text, "frist").await;
    let path = format!("/channels/{}/messages/{id}", guild.text);

    let edited = bob.api.patch(&path, json!({ "content": "first" })).await.unwrap();

    assert_eq!(edited.status, 200, "{}", edited.text);
    assert_eq!(edited.body["content"], "first");
    assert!(edited.body["edited_timestamp"].as_str().is_some_and(|t| t.ends_with("+00:00")), "{}", edited.text);
    let read = bob.api.get(&path).await.unwrap();
    assert_eq!(read.body["content"], "first");
    assert_eq!(read.body["edited_timestamp"], edited.body["edited_timestamp"]);
}

#[tokio::test]
async fn nobody_else_edits_a_message_not_even_the_owner() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.member(&guild, "carol").await;
    let id = bob.say(&guild.text, "mine").await;
    let path = format!("/channels/{}/messages/{id}", guild.text);

    let by_carol = carol.api.patch(&path, json!({ "content": "hers" })).await.unwrap();
    let by_owner = guild.owner.api.patch(&path, json!({ "content": "owners" })).await.unwrap();

    assert_error(&by_carol, 403, 50005);
    assert_error(&by_owner, 403, 50005);
    assert_eq!(bob.api.get(&path).await.unwrap().body["content"], "mine");
}

#[tokio::test]
async fn an_edit_to_empty_or_overlong_content_is_rejected() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let id = guild.owner.say(&guild.text, "keep").await;
    let path = format!("/channels/{}/messages/{id}", guild.text);

    let empty = guild.owner.api.patch(&path, json!({ "content": " " })).await.unwrap();
    let long = guild.owner.api.patch(&path, json!({ "content": "a".repeat(2001) })).await.unwrap();

    assert_error(&empty, 400, 50006);
    assert_error(&long, 400, 50035);
    let read = guild.owner.api.get(&path).await.unwrap();
    assert_eq!(read.body["content"], "keep");
    assert!(read.body["edited_timestamp"].is_null());
}

#[tokio::test]
async fn the_author_or_a_message_manager_deletes_a_message_and_others_cannot() {
    let server = TestServer::spawn().await;
    let guild = server.guild(&server.user("alice").await).await;
    let bob = server.member(&guild, "bob").await;
    let carol = server.member(&guild, "carol").await;
    let janitor = server.member_with(&guild, "janitor", MANAGE_MESSAGES).await;
    let own = bob.say(&guild.text, "oops").await;
    let others = bob.say(&guild.text, "spam").await;
    let path = |id: &str| format!("/channels/{}/messages/{id}", guild.text);

    let by_carol = carol.api.delete(&path(&others)).await.unwrap();
    let by_author = bob.api.delete(&path(&own)).await.unwrap();
    let by_janitor = janitor.api.delete(&path(&others)).await.unwrap();

    assert_error(&by_carol, 403, 50013);
    assert_eq!(by_author.status, 204, "{}", by_author.text);
    assert_eq!(by_janitor.status, 204, "{}", by_janitor.text);
    assert_error(&bob.api.get(&path(&own)).await.unwrap(), 404, 10008);
    assert_error(&bob.api.get(&path(&others)).await.unwrap(), 404, 10008);
    assert_eq!(history(&guild, "").await, json!([]));
}
