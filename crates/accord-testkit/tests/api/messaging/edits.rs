//! Edits keep their history (`GET .../history`, beyond Discord); bulk deletion.

use accord_testkit::permissions::VIEW_CHANNEL;
use accord_testkit::{TestServer, assert_error};
use serde_json::json;

use super::guild_with_bob;

#[tokio::test]
async fn every_edit_keeps_the_version_it_replaced() {
    let server = TestServer::spawn().await;
    let (guild, bob) = guild_with_bob(&server).await;
    let alice = &guild.owner;
    let message = alice.say(&guild.text, "first draft").await;
    let path = format!("/channels/{}/messages/{message}", guild.text);
    let mut events = server.events().await;

    let edited = alice.api.patch(&path, json!({ "content": "second draft" })).await.unwrap();
    assert_eq!(edited.status, 200, "{}", edited.text);
    assert!(edited.body["edited_timestamp"].is_string());
    assert_eq!(events.expect("MESSAGE_UPDATE").await.data["content"], "second draft");
    alice.api.patch(&path, json!({ "content": "final" })).await.unwrap();

    let history = bob.api.get(&format!("{path}/history")).await.unwrap();
    assert_eq!(history.status, 200, "{}", history.text);
    let versions = history.body.as_array().unwrap();
    let contents: Vec<_> = versions.iter().map(|v| v["content"].as_str().unwrap()).collect();
    assert_eq!(contents, ["first draft", "second draft"]);
    assert_eq!(versions[0]["version"], 1);
    assert_eq!(versions[1]["timestamp"], edited.body["edited_timestamp"]);
    assert_error(&bob.api.patch(&path, json!({ "content": "mine now" })).await.unwrap(), 403, 50005);

    guild.overwrite(&guild.text, &bob.id, 1, 0, VIEW_CHANNEL).await;
    assert_error(&bob.api.get(&format!("{path}/history")).await.unwrap(), 404, 10003);
}

#[tokio::test]
async fn bulk_delete_removes_the_existing_ids_in_one_event() {
    let server = TestServer::spawn().await;
    let (guild, bob) = guild_with_bob(&server).await;
    let alice = &guild.owner;
    let ids: Vec<String> = [alice.say(&guild.text, "a").await, bob.say(&guild.text, "b").await].into();
    let kept = alice.say(&guild.text, "kept").await;
    let path = format!("/channels/{}/messages/bulk-delete", guild.text);
    let mut events = server.events().await;

    assert_error(&bob.api.post(&path, json!({ "messages": ids })).await.unwrap(), 403, 50013);
    for bad in [
        json!([ids[0]]),
        json!([ids[0], ids[0]]),
        json!(vec![kept.clone(); 1]),
        json!((1..=101).map(|n| n.to_string()).collect::<Vec<_>>()),
    ] {
        assert_error(&alice.api.post(&path, json!({ "messages": bad })).await.unwrap(), 400, 50016);
    }
    let too_old = alice.api.post(&path, json!({ "messages": ["1", ids[0]] })).await.unwrap();
    assert_error(&too_old, 400, 50034);
    let deleted = alice.api.post(&path, json!({ "messages": [ids[0], ids[1]] })).await.unwrap();
    assert_eq!(deleted.status, 204, "{}", deleted.text);

    let event = events.expect("MESSAGE_DELETE_BULK").await;
    let mut event_ids: Vec<_> =
        event.data["ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    event_ids.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(event_ids, expected);
    let left = alice.api.get(&format!("/channels/{}/messages", guild.text)).await.unwrap();
    let left: Vec<_> = left.body.as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(left, [kept]);
}
