//! Embeds: stored and returned, Discord's limits enforced, EMBED_LINKS required.

use accord_testkit::permissions::EMBED_LINKS;
use accord_testkit::{TestServer, assert_error};
use serde_json::json;

use super::guild_with_bob;

#[tokio::test]
async fn embeds_are_stored_and_returned_within_the_limits() {
    let server = TestServer::spawn().await;
    let (guild, bob) = guild_with_bob(&server).await;
    let path = format!("/channels/{}/messages", guild.text);
    let embed = json!({
        "title": "Release", "description": "notes", "url": "https://example.com", "color": 0x5865F2,
        "fields": [{ "name": "a", "value": "b", "inline": true }], "footer": { "text": "f" },
    });

    let sent = guild.owner.api.post(&path, json!({ "embeds": [embed] })).await.unwrap();

    assert_eq!(sent.status, 200, "{}", sent.text);
    let read = bob.api.get(&format!("{path}/{}", sent.id())).await.unwrap();
    assert_eq!(read.body["embeds"][0]["title"], "Release");
    assert_eq!(read.body["embeds"][0]["type"], "rich");
    assert_eq!(read.body["embeds"][0]["fields"][0]["inline"], true);
    assert_eq!(read.body["content"], "");

    let eleven = vec![json!({ "title": "x" }); 11];
    let too_long = json!([{ "description": "x".repeat(4000) }, { "description": "x".repeat(2001) }]);
    for bad in
        [json!(eleven), too_long, json!([{ "url": "javascript:alert(1)" }]), json!([{ "title": "x".repeat(257) }])]
    {
        assert_error(&guild.owner.api.post(&path, json!({ "embeds": bad })).await.unwrap(), 400, 50035);
    }
    guild.overwrite(&guild.text, &bob.id, 1, 0, EMBED_LINKS).await;
    let denied = bob.api.post(&path, json!({ "content": "x", "embeds": [{ "title": "t" }] })).await.unwrap();
    assert_error(&denied, 403, 50013);
    assert_error(&bob.api.post(&path, json!({ "embeds": [] })).await.unwrap(), 400, 50006);
}
